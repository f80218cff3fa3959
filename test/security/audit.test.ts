import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Database } from '../../src/db/database.js';
import { hashQuery } from '../../src/services/audit.js';
import { storeModes, uniqueName } from '../store/store-helpers.js';
import { ADMIN_KEY, call, createKey, makeSecureApp, uniqueTenant } from './security-helpers.js';

for (const mode of storeModes) {
  describe.skipIf(mode.skipReason !== undefined)(`audit trail (${mode.name})`, () => {
    let database: Database;
    let app: FastifyInstance;
    let reader: { id: string; key: string };
    const tenant = uniqueTenant('audit');
    const name = uniqueName('audited');
    const text = 'Patient reports chest pain radiating to the left arm';

    beforeAll(async () => {
      database = await mode.open();
      app = await makeSecureApp(database);
      reader = await createKey(app, tenant, ['embeddings:read', 'embeddings:write']);
      await call(app, reader.key, 'POST', '/v1/collections', { name, dimensions: 3 });
      await call(app, reader.key, 'POST', `/v1/collections/${name}/documents`, {
        documents: [
          { id: 'note-1', embedding: [0.25, 0.5, 0.75], text, metadata: { mrn: 'MRN-0042' } },
          { id: 'note-2', embedding: [0.75, 0.5, 0.25], metadata: { mrn: 'MRN-0043' } },
        ],
      });
    });

    afterAll(async () => {
      await call(app, reader.key, 'DELETE', `/v1/collections/${name}`);
      await app?.close();
      await database?.close();
    });

    const entriesOf = async (keyId: string) => (await call(app, ADMIN_KEY, 'GET', `/v1/audit?keyId=${keyId}`)).body.entries;

    it('search and read each write a row', async () => {
      const search = { vector: [0.25, 0.5, 0.75], k: 2, exact: true };
      const hits = (await call(app, reader.key, 'POST', `/v1/collections/${name}/search`, search)).body.hits.map((hit: { id: string }) => hit.id);
      expect(hits).toEqual(['note-1', 'note-2']);
      expect((await call(app, reader.key, 'GET', `/v1/collections/${name}/documents/note-1`)).status).toBe(200);

      const entries = await entriesOf(reader.id);
      expect(entries).toHaveLength(2);
      const [read, searched] = entries;
      expect(read).toMatchObject({ keyId: reader.id, tenant, action: 'document.read', collection: name, documentIds: ['note-1'], queryHash: hashQuery({ id: 'note-1' }) });
      expect(searched).toMatchObject({ keyId: reader.id, tenant, action: 'collection.search', collection: name, documentIds: ['note-1', 'note-2'], queryHash: hashQuery(search) });
      expect(Date.parse(read.at)).toBeGreaterThanOrEqual(Date.parse(searched.at));
    });

    it('rows hold no vector, text or metadata', async () => {
      const { rows } = await database.query('SELECT * FROM audit_log WHERE tenant = $1', [tenant]);
      expect(rows.length).toBeGreaterThan(0);
      const stored = JSON.stringify(rows);
      for (const secret of [text, 'MRN-0042', '0.25', '0.75']) expect(stored).not.toContain(secret);
    });

    it('failed lookups write no row', async () => {
      const before = (await entriesOf(reader.id)).length;
      expect((await call(app, reader.key, 'GET', `/v1/collections/${name}/documents/absent`)).status).toBe(404);
      expect((await entriesOf(reader.id)).length).toBe(before);
    });

    it('filters by time and key', async () => {
      const future = new Date(Date.now() + 3_600_000).toISOString();
      const past = '2000-01-01T00:00:00Z';
      expect((await call(app, ADMIN_KEY, 'GET', `/v1/audit?keyId=${reader.id}&from=${future}`)).body.entries).toEqual([]);
      expect((await call(app, ADMIN_KEY, 'GET', `/v1/audit?keyId=${reader.id}&to=${past}`)).body.entries).toEqual([]);
      expect((await call(app, ADMIN_KEY, 'GET', `/v1/audit?keyId=${reader.id}&from=${past}&to=${future}`)).body.entries.length).toBeGreaterThanOrEqual(2);
      expect((await call(app, ADMIN_KEY, 'GET', '/v1/audit?keyId=0000000000000000')).body.entries).toEqual([]);
      expect((await call(app, ADMIN_KEY, 'GET', `/v1/audit?keyId=${reader.id}&limit=1`)).body.entries.length).toBe(1);

      const tooMany = await call(app, ADMIN_KEY, 'GET', '/v1/audit?limit=5000');
      expect(tooMany.body).toMatchObject({ code: 'INVALID_PARAMETER', path: '/limit' });

      const invalid = await call(app, ADMIN_KEY, 'GET', '/v1/audit?from=yesterday');
      expect(invalid.status).toBe(400);
      expect(invalid.body).toMatchObject({ code: 'INVALID_PARAMETER', path: '/from' });
    });

    it('GraphQL reads write rows too', async () => {
      const before = (await entriesOf(reader.id)).length;
      const reply = await call(app, reader.key, 'POST', '/graphql', { query: `{ search(collection: "${name}", vector: [0.75, 0.5, 0.25], k: 1, exact: true) { hits { id document { id } } } }` });
      expect(reply.body.data.search.hits[0].id).toBe('note-2');

      const [read, searched] = await entriesOf(reader.id);
      expect((await entriesOf(reader.id)).length).toBe(before + 2);
      expect(searched).toMatchObject({ action: 'collection.search', collection: name, documentIds: ['note-2'] });
      expect(read).toMatchObject({ action: 'document.read', collection: name, documentIds: ['note-2'] });
    });

    it('only admins read the trail', async () => {
      const reply = await call(app, reader.key, 'GET', '/v1/audit');
      expect(reply.status).toBe(403);
      expect(reply.body.code).toBe('INSUFFICIENT_SCOPE');
    });
  });
}

describe('query hash', () => {
  it('ignores key order and pins a value', () => {
    expect(hashQuery({ k: 2, vector: [1, 2] })).toBe(hashQuery({ vector: [1, 2], k: 2 }));
    expect(hashQuery({ k: 2 })).not.toBe(hashQuery({ k: 3 }));
    // printf '{"id":"a"}' | sha256sum
    expect(hashQuery({ id: 'a' })).toBe('8489a5deb454a360345c7868bca8672de92b446caf3d3b014af6a56e3d549d30');
  });
});
