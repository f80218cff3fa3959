import { randomBytes } from 'node:crypto';

import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { loadConfig } from '../../src/config.js';
import { DatabaseSetupError, openDatabase } from '../../src/db/open.js';
import { storeModes, TEST_DATABASE_URL } from './store-helpers.js';

const postgres = storeModes.find((mode) => mode.name === 'postgres')!;

describe.skipIf(postgres.skipReason !== undefined)('database setup errors (postgres)', () => {
  const suffix = randomBytes(4).toString('hex');
  const role = `vectorspace_plain_${suffix}`;
  const database = `vectorspace_noext_${suffix}`;
  let admin: pg.Client;
  let plainUrl: string;

  beforeAll(async () => {
    admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    await admin.query(`CREATE ROLE ${role} LOGIN PASSWORD '${role}'`);
    await admin.query(`CREATE DATABASE ${database} OWNER ${role}`);
    const url = new URL(TEST_DATABASE_URL!);
    url.username = role;
    url.password = role;
    url.pathname = `/${database}`;
    plainUrl = url.toString();
  });

  afterAll(async () => {
    await admin.query(`DROP DATABASE IF EXISTS ${database}`);
    await admin.query(`DROP ROLE IF EXISTS ${role}`);
    await admin.end();
  });

  it('non-superuser gets the CREATE EXTENSION hint', async () => {
    const attempt = openDatabase({ databaseUrl: plainUrl, pgliteDataDir: 'memory://', databasePoolSize: 1 });
    await expect(attempt).rejects.toBeInstanceOf(DatabaseSetupError);
    await expect(openDatabase({ databaseUrl: plainUrl, pgliteDataDir: 'memory://', databasePoolSize: 1 })).rejects.toThrow(
      /may not create the pgvector extension .* Run CREATE EXTENSION vector; once in this database as a superuser/,
    );

    // Nothing was half-applied: the migration ran in one transaction.
    const check = new pg.Client({ connectionString: plainUrl });
    await check.connect();
    const { rows } = await check.query("SELECT to_regclass('schema_migrations')::text AS migrations, to_regclass('collections')::text AS collections");
    await check.end();
    expect(rows[0]).toEqual({ migrations: null, collections: null });
  });
});

describe('database configuration', () => {
  it('DATABASE_URL absent means PGlite', () => {
    expect(loadConfig({})).toMatchObject({ databaseUrl: undefined, pgliteDataDir: './data/pglite', hnswEfSearch: 40, hnswMaxScanTuples: 20_000 });
    expect(loadConfig({ DATABASE_URL: 'postgres://u:p@db:5432/x', PGLITE_DATA_DIR: 'memory://' })).toMatchObject({ databaseUrl: 'postgres://u:p@db:5432/x', pgliteDataDir: 'memory://' });
  });

  it('invalid DATABASE_URL rejected without echoing it', () => {
    expect(() => loadConfig({ DATABASE_URL: 'mysql://u:secret@db/x' })).toThrow(/DATABASE_URL is invalid: expected a URL of the form postgres:/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://u:secret@db/x' })).not.toThrow(/secret/);
    expect(() => loadConfig({ HNSW_EF_SEARCH: '0' })).toThrow(/HNSW_EF_SEARCH="0" is invalid/);
  });
});
