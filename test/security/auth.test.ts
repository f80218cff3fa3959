import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { findRouteAccess, routeAccess } from '../../src/auth/scopes.js';
import type { Database } from '../../src/db/database.js';
import { openDatabase } from '../../src/db/open.js';
import { ADMIN_KEY, call, createKey, graphql, makeSecureApp, uniqueTenant } from './security-helpers.js';

describe('API keys and scopes', () => {
  let database: Database;
  let app: FastifyInstance;
  const tenant = uniqueTenant('auth');
  const det = { matrix: [[2, 1], [1, 3]] };

  beforeAll(async () => {
    database = await openDatabase({ pgliteDataDir: 'memory://', databasePoolSize: 1 });
    app = await makeSecureApp(database);
  });

  afterAll(async () => {
    await app?.close();
    await database?.close();
  });

  it('requests without a key are rejected', async () => {
    for (const [method, url, payload] of [
      ['POST', '/v1/analysis/det', det],
      ['GET', '/v1/collections', undefined],
      ['GET', '/v1/audit', undefined],
      ['POST', '/graphql', { query: '{ det(matrix: [[1]]) { det } }' }],
    ] as const) {
      const reply = await call(app, undefined, method, url, payload);
      expect(reply.status, `${method} ${url}`).toBe(401);
      // GraphQL replies carry the code in the GraphQL error format.
      const code = url === '/graphql' ? reply.body.errors[0].extensions.code : reply.body.code;
      expect(code).toBe('AUTHENTICATION_REQUIRED');
    }
  });

  it('probes, metrics and docs need no key', async () => {
    for (const url of ['/health/live', '/health/ready', '/metrics', '/docs/json']) {
      const response = await app.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(200);
    }
    const metrics = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toContain('vectorspace_database_pool_connections 0');
    expect(metrics).toContain('vectorspace_database_pool_waiting_requests 0');
  });

  it('unknown and malformed keys are rejected', async () => {
    const malformed = await call(app, 'not-a-key', 'POST', '/v1/analysis/det', det);
    expect(malformed.status).toBe(401);
    expect(malformed.body.code).toBe('INVALID_API_KEY');

    const unknown = await call(app, `vsk_0123456789abcdef_${'A'.repeat(43)}`, 'POST', '/v1/analysis/det', det);
    expect(unknown.status).toBe(401);
    expect(unknown.body.code).toBe('INVALID_API_KEY');
  });

  it('key works as Bearer and as x-api-key', async () => {
    const { key } = await createKey(app, tenant, ['compute']);
    expect(key).toMatch(/^vsk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);

    const bearer = await call(app, key, 'POST', '/v1/analysis/det', det);
    expect(bearer.status).toBe(200);
    expect(bearer.body.det).toBeCloseTo(5, 12);

    const header = await app.inject({ method: 'POST', url: '/v1/analysis/det', headers: { 'x-api-key': key }, payload: det });
    expect(header.statusCode).toBe(200);
  });

  it('scope missing from key is 403', async () => {
    const compute = await createKey(app, tenant, ['compute']);
    const reader = await createKey(app, tenant, ['embeddings:read']);

    const search = await call(app, compute.key, 'GET', '/v1/collections');
    expect(search.status).toBe(403);
    expect(search.body).toMatchObject({ code: 'INSUFFICIENT_SCOPE', required: 'embeddings:read' });

    const write = await call(app, reader.key, 'POST', '/v1/collections', { name: 'x', dimensions: 2 });
    expect(write.status).toBe(403);
    expect(write.body).toMatchObject({ code: 'INSUFFICIENT_SCOPE', required: 'embeddings:write' });

    const computeByReader = await call(app, reader.key, 'POST', '/v1/analysis/det', det);
    expect(computeByReader.body).toMatchObject({ code: 'INSUFFICIENT_SCOPE', required: 'compute' });

    for (const [method, url] of [
      ['GET', '/v1/admin/keys'],
      ['GET', '/v1/audit'],
    ] as const) {
      const reply = await call(app, compute.key, method, url);
      expect(reply.status, url).toBe(403);
      expect(reply.body.required).toBe('admin');
    }
  });

  it('created key is listed without its secret', async () => {
    const created = await createKey(app, tenant, ['embeddings:read', 'compute']);
    const list = await call(app, ADMIN_KEY, 'GET', `/v1/admin/keys?tenant=${tenant}`);
    expect(list.status).toBe(200);
    const listed = list.body.keys.find((key: { id: string }) => key.id === created.id);
    expect(listed).toMatchObject({ id: created.id, tenant, scopes: ['compute', 'embeddings:read'], createdBy: 'bootstrap-admin', revokedAt: null });
    expect(JSON.stringify(list.body)).not.toContain(created.key.split('_')[2]);

    const { rows } = await database.query<{ key_hash: unknown }>('SELECT key_hash FROM api_keys WHERE id = $1', [created.id]);
    expect(JSON.stringify(rows)).not.toContain(created.key);
  });

  it('revoked key is rejected at once', async () => {
    const created = await createKey(app, tenant, ['compute']);
    expect((await call(app, created.key, 'POST', '/v1/analysis/det', det)).status).toBe(200);

    const revoke = await call(app, ADMIN_KEY, 'DELETE', `/v1/admin/keys/${created.id}`);
    expect(revoke.status).toBe(200);
    expect(revoke.body.revoked.revokedAt).not.toBeNull();

    const after = await call(app, created.key, 'POST', '/v1/analysis/det', det);
    expect(after.status).toBe(401);
    expect(after.body.code).toBe('INVALID_API_KEY');

    const again = await call(app, ADMIN_KEY, 'DELETE', `/v1/admin/keys/${created.id}`);
    expect(again.status).toBe(404);
    expect(again.body.code).toBe('API_KEY_NOT_FOUND');
  });

  it('key creation rejects unknown scopes', async () => {
    const reply = await call(app, ADMIN_KEY, 'POST', '/v1/admin/keys', { name: 'x', tenant, scopes: ['superuser'] });
    expect(reply.status).toBe(400);
    expect(reply.body.code).toBe('INVALID_REQUEST');
  });

  it('GraphQL fields check their scope', async () => {
    const compute = await createKey(app, tenant, ['compute']);
    const reader = await createKey(app, tenant, ['embeddings:read']);

    const allowed = await graphql(app, compute.key, '{ det(matrix: [[2, 1], [1, 3]]) { det } }');
    expect(allowed.status).toBe(200);
    expect(allowed.body.data.det.det).toBeCloseTo(5, 12);

    const denied = await graphql(app, reader.key, '{ det(matrix: [[2, 1], [1, 3]]) { det } }');
    expect(denied.body.errors[0].extensions).toMatchObject({ code: 'INSUFFICIENT_SCOPE', required: 'compute' });

    const proxied = await graphql(app, reader.key, '{ dimension(input: { vectors: [[1, 0], [0, 1]] }) }');
    expect(proxied.body.errors[0].extensions).toMatchObject({ code: 'INSUFFICIENT_SCOPE', required: 'compute' });

    const store = await graphql(app, compute.key, '{ collections { name } }');
    expect(store.body.errors[0].extensions).toMatchObject({ code: 'INSUFFICIENT_SCOPE', required: 'embeddings:read' });

    const listed = await graphql(app, reader.key, '{ collections { name } }');
    expect(listed.body.data.collections).toEqual([]);

    const write = await graphql(app, reader.key, 'mutation { createCollection(name: "x", dimensions: 2) { name } }');
    expect(write.body.errors[0].extensions).toMatchObject({ code: 'INSUFFICIENT_SCOPE', required: 'embeddings:write' });
  });

  it('every documented route has a scope entry', async () => {
    const document = (await app.inject({ method: 'GET', url: '/docs/json' })).json() as { paths: Record<string, Record<string, unknown>> };
    const unlisted: string[] = [];
    for (const [path, methods] of Object.entries(document.paths)) {
      const template = path.replace(/\{([^}]+)\}/g, ':$1');
      for (const method of Object.keys(methods)) {
        if (findRouteAccess(method.toUpperCase(), template) === undefined) unlisted.push(`${method.toUpperCase()} ${template}`);
      }
    }
    expect(unlisted).toEqual([]);
  });
});

describe('rate limit per key', () => {
  it('counts each key separately', async () => {
    const database = await openDatabase({ pgliteDataDir: 'memory://', databasePoolSize: 1 });
    const app = await makeSecureApp(database, { rateLimitPerMinute: 3 });
    try {
      const first = await createKey(app, 'limits', ['compute']);
      const second = await createKey(app, 'limits', ['compute']);
      const det = { matrix: [[1]] };

      for (let i = 0; i < 3; i++) expect((await call(app, first.key, 'POST', '/v1/analysis/det', det)).status).toBe(200);
      const limited = await call(app, first.key, 'POST', '/v1/analysis/det', det);
      expect(limited.status).toBe(429);
      expect(limited.body.code).toBe('RATE_LIMITED');

      // Same client address, another key: its own budget.
      expect((await call(app, second.key, 'POST', '/v1/analysis/det', det)).status).toBe(200);
    } finally {
      await app.close();
      await database.close();
    }
  });
});

describe('route access table', () => {
  it('pins the access of sample routes', () => {
    expect(routeAccess('GET', '/v1/audit')).toBe('admin');
    expect(routeAccess('GET', '/v1/collections')).toBe('embeddings:read');
    expect(routeAccess('HEAD', '/v1/collections/:name')).toBe('embeddings:read');
    expect(routeAccess('POST', '/v1/collections/:name/documents')).toBe('embeddings:write');
    expect(routeAccess('POST', '/v1/decompositions/svd')).toBe('compute');
    expect(routeAccess('GET', '/*')).toBe('public');
    expect(routeAccess('GET', '/health/ready')).toBe('public');
  });

  it('unlisted route needs admin', () => {
    expect(findRouteAccess('GET', '/v1/something-new')).toBeUndefined();
    expect(routeAccess('GET', '/v1/something-new')).toBe('admin');
    expect(routeAccess('POST', '/v1/clinical/lookup')).toBe('admin');
  });
});

describe('AUTH_MODE=off', () => {
  it('serves requests without a key', async () => {
    const database = await openDatabase({ pgliteDataDir: 'memory://', databasePoolSize: 1 });
    const app = await makeSecureApp(database, { authMode: 'off' });
    try {
      const reply = await call(app, undefined, 'GET', '/v1/collections');
      expect(reply.status).toBe(200);
    } finally {
      await app.close();
      await database.close();
    }
  });
});
