import pg from 'pg';

import { DomainError } from '../errors.js';
import type { Database, PoolUsage, Queryable, QueryResult, TransactionOptions } from './database.js';

export interface PgDatabaseOptions {
  connectionString: string;
  /** Connections in the pool. */
  maxConnections: number;
  /** Wait for a connection (new or from the pool) before failing with DATABASE_UNAVAILABLE, in milliseconds. */
  connectTimeoutMs: number;
  /**
   * Server-side statement_timeout, in milliseconds. A client-side query timeout of the same length plus the
   * connect timeout also ends a query whose server went silent without closing the socket.
   */
  statementTimeoutMs: number;
}

/** The `Database` on a PostgreSQL server, through a `pg` Pool. */
export class PgDatabase implements Database {
  readonly kind = 'postgres' as const;
  readonly #pool: pg.Pool;

  constructor(options: PgDatabaseOptions) {
    this.#pool = new pg.Pool({
      connectionString: options.connectionString,
      max: options.maxConnections,
      connectionTimeoutMillis: options.connectTimeoutMs,
      statement_timeout: options.statementTimeoutMs,
      query_timeout: options.statementTimeoutMs + options.connectTimeoutMs,
    });
    // An idle connection that the server drops emits 'error' on the pool; without a listener Node would exit.
    this.#pool.on('error', () => undefined);
  }

  async query<Row>(sql: string, params: readonly unknown[] = []): Promise<QueryResult<Row>> {
    return runQuery<Row>(this.#pool, sql, params);
  }

  async exec(sql: string): Promise<void> {
    await unavailableOnConnectionError(this.#pool.query(sql));
  }

  poolUsage(): PoolUsage {
    return { total: this.#pool.totalCount, idle: this.#pool.idleCount, waiting: this.#pool.waitingCount };
  }

  async transaction<T>(work: (tx: Queryable) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    const client = await unavailableOnConnectionError(this.#pool.connect());
    let broken = false;
    // A checked-out client whose server goes away between two statements emits 'error' outside any query. The
    // pool listens on idle clients only, so without this listener the process would exit.
    const onError = () => {
      broken = true;
    };
    client.on('error', onError);
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
      throw toUnavailable(error);
    } finally {
      client.off('error', onError);
      client.release(broken);
    }
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }
}

async function runQuery<Row>(target: pg.Pool | pg.PoolClient, sql: string, params: readonly unknown[]): Promise<QueryResult<Row>> {
  const result = await unavailableOnConnectionError(target.query(sql, params as unknown[]));
  return { rows: result.rows as Row[], rowCount: result.rowCount ?? 0 };
}

/**
 * Tells whether an error means that the server cannot be reached or went away, rather than a problem with the
 * statement. Such errors are socket errors, SQLSTATE class 08 (connection exception) and 57P01–57P03 (shutdown).
 * node-postgres's own connect and query timeouts and "Connection terminated" errors carry no code, so their
 * message is matched.
 */
export function isConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = String((error as { code?: unknown }).code ?? '');
  if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE'].includes(code)) return true;
  if (/^08...$/.test(code) || /^57P0[123]$/.test(code)) return true;
  return /^(Connection terminated|timeout exceeded when trying to connect|Query read timeout|Client has encountered a connection error)/.test(error.message);
}

function toUnavailable(error: unknown): unknown {
  return isConnectionError(error) ? new DomainError('DATABASE_UNAVAILABLE', {}, { cause: error }) : error;
}

async function unavailableOnConnectionError<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    throw toUnavailable(error);
  }
}
