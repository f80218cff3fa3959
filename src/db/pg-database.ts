import pg from 'pg';

import type { Database, Queryable, QueryResult, TransactionOptions } from './database.js';

export interface PgDatabaseOptions {
  connectionString: string;
  /** Connections in the pool. */
  maxConnections: number;
}

/** The `Database` on a PostgreSQL server, through a `pg` Pool. */
export class PgDatabase implements Database {
  readonly kind = 'postgres' as const;
  readonly #pool: pg.Pool;

  constructor(options: PgDatabaseOptions) {
    this.#pool = new pg.Pool({ connectionString: options.connectionString, max: options.maxConnections });
    // An idle connection that the server drops emits 'error' on the pool; without a listener Node would exit.
    this.#pool.on('error', () => undefined);
  }

  async query<Row>(sql: string, params: readonly unknown[] = []): Promise<QueryResult<Row>> {
    return runQuery<Row>(this.#pool, sql, params);
  }

  async exec(sql: string): Promise<void> {
    await this.#pool.query(sql);
  }

  async transaction<T>(work: (tx: Queryable) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    const client = await this.#pool.connect();
    let broken = false;
    try {
      // One simple-protocol message carries BEGIN and the settings.
      await client.query(options.settings ? `BEGIN; ${options.settings}` : 'BEGIN');
      const result = await work({
        query: <Row>(sql: string, params: readonly unknown[] = []) => runQuery<Row>(client, sql, params),
        exec: async (sql: string) => {
          await client.query(sql);
        },
      });
      await client.query('COMMIT');
      return result;
    } catch (error) {
      try {
        await client.query('ROLLBACK');
      } catch {
        broken = true;
      }
      throw error;
    } finally {
      client.release(broken);
    }
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }
}

async function runQuery<Row>(target: pg.Pool | pg.PoolClient, sql: string, params: readonly unknown[]): Promise<QueryResult<Row>> {
  const result = await target.query(sql, params as unknown[]);
  return { rows: result.rows as Row[], rowCount: result.rowCount ?? 0 };
}
