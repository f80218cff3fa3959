/**
 * A small migration runner. It applies the SQL files of migrations/ (`NNN_name.sql`, in file-name order) that the
 * database has not recorded in `schema_migrations`. All of them run in one transaction under an advisory lock, so
 * several instances starting together apply each file once, and a failing file leaves nothing half-applied.
 */

import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { Database } from './database.js';

/** Key of the transaction-level advisory lock that serialises migration runs (any fixed bigint works). */
const MIGRATION_LOCK_KEY = 7_274_115_820_001;

const MIGRATION_FILE = /^(\d+)_[A-Za-z0-9_-]+\.sql$/;

/**
 * Finds the migrations/ folder of this package in the nearest ancestor of this module that has one, so that it is
 * found both from src/db (tests) and from dist/src/db (the compiled service).
 */
export function defaultMigrationsDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'migrations');
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`No migrations folder found above ${fileURLToPath(import.meta.url)}.`);
    dir = parent;
  }
}

/** Applies the pending migrations and returns the versions (file names without `.sql`) it applied, in order. */
export async function migrate(db: Database, migrationsDir: string = defaultMigrationsDir()): Promise<string[]> {
  const files = (await readdir(migrationsDir)).filter((name) => MIGRATION_FILE.test(name)).sort();

  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    await tx.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');

    const { rows } = await tx.query<{ version: string }>('SELECT version FROM schema_migrations');
    const applied = new Set(rows.map((row) => row.version));

    const newlyApplied: string[] = [];
    for (const file of files) {
      const version = file.slice(0, -'.sql'.length);
      if (applied.has(version)) continue;

      await tx.exec(await readFile(join(migrationsDir, file), 'utf8'));
      await tx.query('INSERT INTO schema_migrations (version) VALUES ($1)', [version]);
      newlyApplied.push(version);
    }
    return newlyApplied;
  });
}
