import { createServer } from 'node:net';

import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { PgDatabase } from '../../src/db/pg-database.js';
import { makeStoreApp } from '../store/store-helpers.js';
import { makeApp } from '../helpers.js';

/** Finds a loopback port with nothing listening: bound, then released. */
async function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

describe('database unreachable', () => {
  let database: PgDatabase;
  let app: FastifyInstance;
  let unopened: FastifyInstance;

  beforeAll(async () => {
    const url = `postgres://postgres@127.0.0.1:${await closedPort()}/none`;
    // An already opened pool whose server went away, as after a restart of PostgreSQL.
    database = new PgDatabase({ connectionString: url, maxConnections: 2, connectTimeoutMs: 1000, statementTimeoutMs: 1000 });
    app = await makeStoreApp(database, { maxEventLoopDelayMs: 60_000 });
    // A service whose database was never reachable.
    unopened = await makeApp({ databaseUrl: url, databaseConnectTimeoutMs: 1000, maxEventLoopDelayMs: 60_000 });
  });

  afterAll(async () => {
    await app?.close();
    await unopened?.close();
    await database?.close();
  });

  it('store routes answer 503 DATABASE_UNAVAILABLE', async () => {
    for (const target of [app, unopened]) {
      for (const [method, url, payload] of [
        ['GET', '/v1/collections', undefined],
        ['POST', '/v1/collections', { name: 'x', dimensions: 2 }],
        ['POST', '/v1/collections/x/search', { vector: [1, 0] }],
        ['GET', '/v1/collections/x/documents/a', undefined],
      ] as const) {
        const response = await target.inject({ method, url, ...(payload ? { payload } : {}) });
        expect(response.statusCode, `${method} ${url}`).toBe(503);
        expect(response.json().code).toBe('DATABASE_UNAVAILABLE');
      }
    }
  });

  it('readiness fails, liveness holds', async () => {
    for (const target of [app, unopened]) {
      const ready = await target.inject({ method: 'GET', url: '/health/ready' });
      expect(ready.statusCode).toBe(503);
      expect(ready.json().code).toBe('DATABASE_UNAVAILABLE');
      expect((await target.inject({ method: 'GET', url: '/health/live' })).statusCode).toBe(200);
    }
  });

  it('compute routes keep working', async () => {
    const response = await app.inject({ method: 'POST', url: '/v1/analysis/det', payload: { matrix: [[2, 1], [1, 3]] } });
    expect(response.statusCode).toBe(200);
    expect(response.json().det).toBeCloseTo(5, 12);
  });
});
