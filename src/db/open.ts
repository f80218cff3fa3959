/**
 * Opens the configured database and brings its schema up to date: a PostgreSQL server when `databaseUrl` is set,
 * otherwise an embedded PGlite in `pgliteDataDir`.
 */

import { sqlState, type Database } from './database.js';
import { migrate } from './migrate.js';
import { PgDatabase } from './pg-database.js';
import { PgliteDatabase } from './pglite-database.js';

export interface DatabaseSettings {
  /** postgres:// URL of a server; absent for the embedded PGlite. */
  databaseUrl?: string | undefined;
  /** PGlite data directory, or `memory://` for a throwaway database. */
  pgliteDataDir: string;
  /** Connections in the `pg` pool. */
  databasePoolSize: number;
  /** Wait for a server connection, in milliseconds (default 2,000). */
  databaseConnectTimeoutMs?: number;
  /** statement_timeout of every statement on the server, in milliseconds (default 30,000). */
  databaseStatementTimeoutMs?: number;
}

/** The oldest pgvector with iterative index scans (`hnsw.iterative_scan`), which filtered search relies on. */
const MIN_PGVECTOR = [0, 8, 0] as const;

/** Error for a database that cannot be used; its message states what to do, and the service stops on it at start. */
export class DatabaseSetupError extends Error {
  constructor(message: string, options?: { cause: unknown }) {
    super(message, options);
    this.name = 'DatabaseSetupError';
  }
}

export async function openDatabase(settings: DatabaseSettings): Promise<Database> {
  const db: Database = settings.databaseUrl
    ? new PgDatabase({
        connectionString: settings.databaseUrl,
        maxConnections: settings.databasePoolSize,
        connectTimeoutMs: settings.databaseConnectTimeoutMs ?? 2000,
        statementTimeoutMs: settings.databaseStatementTimeoutMs ?? 30_000,
      })
    : await PgliteDatabase.open(settings.pgliteDataDir);

  try {
    await migrate(db);
    await checkPgvectorVersion(db);
    return db;
  } catch (error) {
    await db.close().catch(() => undefined);
    throw explainSetupFailure(error);
  }
}

async function checkPgvectorVersion(db: Database): Promise<void> {
  const { rows } = await db.query<{ version: string }>("SELECT extversion AS version FROM pg_extension WHERE extname = 'vector'");
  const version = rows[0]?.version ?? '0';
  const parts = version.split('.').map((part) => Number.parseInt(part, 10) || 0);
  for (let i = 0; i < MIN_PGVECTOR.length; i++) {
    const part = parts[i] ?? 0;
    if (part > MIN_PGVECTOR[i]!) return;
    if (part < MIN_PGVECTOR[i]!) {
      throw new DatabaseSetupError(
        `pgvector ${version} is installed, but filtered search needs ${MIN_PGVECTOR.join('.')} or later: install a newer pgvector, then run ALTER EXTENSION vector UPDATE; as a superuser.`,
      );
    }
  }
}

function explainSetupFailure(error: unknown): Error {
  if (error instanceof DatabaseSetupError) return error;
  const message = error instanceof Error ? error.message : String(error);

  switch (sqlState(error)) {
    case '42501':
      return new DatabaseSetupError(
        `The database user may not create the pgvector extension (${message}). Run CREATE EXTENSION vector; once in this database as a superuser (for example: psql -U postgres -d <database> -c 'CREATE EXTENSION vector;'), then start the service again.`,
        { cause: error },
      );
    case '58P01':
    case '0A000':
      return new DatabaseSetupError(
        `The PostgreSQL server has no pgvector extension installed (${message}). Install pgvector 0.8 or later on the server (scripts/install-pgvector.sh on Debian, or use the pgvector/pgvector image), then start the service again.`,
        { cause: error },
      );
  }
  return new DatabaseSetupError(`The database could not be opened or migrated: ${message}`, { cause: error });
}
