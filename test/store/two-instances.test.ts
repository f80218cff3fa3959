import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Database } from '../../src/db/database.js';
import { openDatabase } from '../../src/db/open.js';
import { makeStoreApp, request, storeModes, TEST_DATABASE_URL, uniqueName } from './store-helpers.js';

const postgres = storeModes.find((mode) => mode.name === 'postgres')!;

/** The URL of TEST_DATABASE_URL with `schema` first on the search path (pgvector's types stay reachable in public). */
function urlWithSchema(schema: string): string {
  const url = new URL(TEST_DATABASE_URL!);
  url.searchParams.set('options', `-c search_path=${schema},public`);
  return url.toString();
}

/** Two service instances on one PostgreSQL, as two replicas behind a load balancer, on a fresh schema. */
describe.skipIf(postgres.skipReason !== undefined)('two instances on one PostgreSQL', () => {
  const schema = uniqueName('replicas').replace('-', '_');
  let admin: pg.Client;
  let databases: Database[] = [];
  let apps: FastifyInstance[] = [];

  beforeAll(async () => {
    admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${schema}`);

    // Both start together: each runs the migrations under the advisory lock.
    const settings = { databaseUrl: urlWithSchema(schema), pgliteDataDir: 'memory://', databasePoolSize: 4 };
    databases = await Promise.all([openDatabase(settings), openDatabase(settings)]);
    // The event-loop guard is widened: under a full parallel test run it could answer 503 and hide the result.
    apps = await Promise.all(databases.map((database) => makeStoreApp(database, { maxEventLoopDelayMs: 60_000 })));
  });

  afterAll(async () => {
    for (const app of apps) await app.close();
    for (const database of databases) await database.close();
    await admin?.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin?.end();
  });

  it('migrations ran once', async () => {
    const { rows } = await admin.query<{ version: string }>(`SELECT version FROM ${schema}.schema_migrations ORDER BY version`);
    const versions = rows.map((row) => row.version);
    expect(versions).toContain('001_collections');
    expect(versions).toContain('005_api_keys_tenants_audit');
    expect(new Set(versions).size).toBe(versions.length);
  });

  it('both answer the same', async () => {
    const [first, second] = apps as [FastifyInstance, FastifyInstance];
    const name = uniqueName('replicated');
    expect((await request(first, 'POST', '/v1/collections', { name, dimensions: 2 })).status).toBe(201);
    const upsert = await request(second, 'POST', `/v1/collections/${name}/documents`, {
      documents: [
        { id: 'x', embedding: [1, 0] },
        { id: 'y', embedding: [0, 1] },
        { id: 'xy', embedding: [1, 1] },
      ],
    });
    expect(upsert.status, JSON.stringify(upsert.body)).toBe(200);

    const search = { vector: [1, 0.1], k: 3, exact: true };
    const fromFirst = await request(first, 'POST', `/v1/collections/${name}/search`, search);
    const fromSecond = await request(second, 'POST', `/v1/collections/${name}/search`, search);
    expect(fromFirst.body.hits.map((hit: { id: string }) => hit.id)).toEqual(['x', 'xy', 'y']);
    expect(fromSecond.body).toEqual(fromFirst.body);

    // A delete through one instance is seen by the other, whose cache still holds the record.
    expect((await request(second, 'DELETE', `/v1/collections/${name}`)).status).toBe(200);
    const gone = await request(first, 'POST', `/v1/collections/${name}/search`, search);
    expect(gone.status).toBe(404);
    expect(gone.body.code).toBe('COLLECTION_NOT_FOUND');
  });
});
