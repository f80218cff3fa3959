/**
 * The one database interface the store uses, with two implementations: a `pg` Pool on a PostgreSQL server
 * (pg-database.ts) and an embedded PGlite (pglite-database.ts). The same SQL and migrations run on both.
 *
 * Parameters are `$1…$n`. Vectors are sent as pgvector text ('[1,2,3]', see `toVectorLiteral`) and read back with
 * `embedding::text`, because PGlite returns the vector type as text while `pg` would need a per-connection type
 * parser.
 */

export interface QueryResult<Row> {
  rows: Row[];
  /** Rows inserted, updated or deleted by the statement (0 for a SELECT on PGlite). */
  rowCount: number;
}

export interface Queryable {
  /** Runs one statement with bound parameters (extended protocol). */
  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<Row>>;
  /** Runs a script of several statements without parameters (simple protocol), as migrations need. */
  exec(sql: string): Promise<void>;
}

export interface TransactionOptions {
  settings?: string;
}

/** Connections of a server pool: open, idle, and requests waiting for one. */
export interface PoolUsage {
  total: number;
  idle: number;
  waiting: number;
}

export interface Database extends Queryable {
  readonly kind: 'postgres' | 'pglite';
  /** Connection pool usage; absent on PGlite, which has one in-process connection. */
  poolUsage?(): PoolUsage;
  /**
   * Runs `work` inside BEGIN … COMMIT on one connection; any throw rolls back and is re-thrown. `settings`, a script
   * of SET LOCAL statements, runs right after BEGIN (on a server, in the same round trip).
   */
  transaction<T>(work: (tx: Queryable) => Promise<T>, options?: TransactionOptions): Promise<T>;
  close(): Promise<void>;
}

/** SQLSTATE of a PostgreSQL error thrown by either driver, or undefined for other errors. */
export function sqlState(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' && /^[0-9A-Z]{5}$/.test(error.code)) {
    return error.code;
  }
  return undefined;
}
