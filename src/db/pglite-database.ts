import { mkdir } from 'node:fs/promises';

import { PGlite, type Transaction } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';

import type { Database, Queryable, QueryResult, TransactionOptions } from './database.js';

/**
 * The `Database` on an embedded PGlite (PostgreSQL compiled to WebAssembly, in this process). For development and
 * small single-process use: PGlite runs one statement at a time, so concurrent requests queue behind each other.
 */
export class PgliteDatabase implements Database {
  readonly kind = 'pglite' as const;
  readonly #db: PGlite;

  private constructor(db: PGlite) {
    this.#db = db;
  }

  /**
   * Opens (or creates) the database in `dataDir`, a directory path or `memory://` for a throwaway one. The vector
   * extension has to be passed at every open, not only the first.
   */
  static async open(dataDir: string): Promise<PgliteDatabase> {
    if (!dataDir.startsWith('memory://')) await mkdir(dataDir, { recursive: true });
    const db = await PGlite.create(dataDir, { extensions: { vector } });
    return new PgliteDatabase(db);
  }

  async query<Row>(sql: string, params: readonly unknown[] = []): Promise<QueryResult<Row>> {
    return runQuery<Row>(this.#db, sql, params);
  }

  async exec(sql: string): Promise<void> {
    await this.#db.exec(sql);
  }

  async transaction<T>(work: (tx: Queryable) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    return this.#db.transaction(async (tx) => {
      if (options.settings) await tx.exec(options.settings);
      return work({
        query: <Row>(sql: string, params: readonly unknown[] = []) => runQuery<Row>(tx, sql, params),
        exec: async (sql: string) => {
          await tx.exec(sql);
        },
      });
    });
  }

  async close(): Promise<void> {
    if (!this.#db.closed) await this.#db.close();
  }
}

async function runQuery<Row>(target: PGlite | Transaction, sql: string, params: readonly unknown[]): Promise<QueryResult<Row>> {
  const result = await target.query<Row>(sql, params as unknown[]);
  return { rows: result.rows, rowCount: result.affectedRows ?? 0 };
}
