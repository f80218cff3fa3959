import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Database } from '../../src/db/database.js';
import { storeModes, uniqueName } from '../store/store-helpers.js';
import { call, createKey, graphql, makeSecureApp, uniqueTenant } from './security-helpers.js';

const ALL_STORE_SCOPES = ['embeddings:read', 'embeddings:write'];

for (const mode of storeModes) {
  describe.skipIf(mode.skipReason !== undefined)(`tenant isolation (${mode.name})`, () => {
    let database: Database;
    let app: FastifyInstance;
    let keyA: string;
    let keyB: string;
    const onlyA = uniqueName('only-a');
    const shared = uniqueName('shared');
    const missing = uniqueName('missing');

    beforeAll(async () => {
      database = await mode.open();
      app = await makeSecureApp(database);
      keyA = (await createKey(app, uniqueTenant('tenant-a'), ALL_STORE_SCOPES)).key;
      keyB = (await createKey(app, uniqueTenant('tenant-b'), ALL_STORE_SCOPES)).key;

      for (const name of [onlyA, shared]) {
        expect((await call(app, keyA, 'POST', '/v1/collections', { name, dimensions: 2 })).status).toBe(201);
        const upsert = await call(app, keyA, 'POST', `/v1/collections/${name}/documents`, {
          documents: [
            { id: 'a1', embedding: [1, 0], text: 'tenant A note', metadata: { owner: 'A' } },
            { id: 'a2', embedding: [0, 1], metadata: { owner: 'A' } },
          ],
        });
        expect(upsert.status).toBe(200);
      }
      // The same name in tenant B is a different collection.
      expect((await call(app, keyB, 'POST', '/v1/collections', { name: shared, dimensions: 2 })).status).toBe(201);
      await call(app, keyB, 'POST', `/v1/collections/${shared}/documents`, { documents: [{ id: 'b1', embedding: [1, 1], metadata: { owner: 'B' } }] });
    });

    afterAll(async () => {
      for (const name of [onlyA, shared]) await call(app, keyA, 'DELETE', `/v1/collections/${name}`);
      await call(app, keyB, 'DELETE', `/v1/collections/${shared}`);
      await app?.close();
      await database?.close();
    });

    /** The reply to a name that does not exist anywhere, with that name replaced, must equal the reply about A's collection. */
    const expectSameAsMissing = async (method: 'GET' | 'POST' | 'DELETE', path: (name: string) => string, payload?: unknown) => {
      const probe = await call(app, keyB, method, path(onlyA), payload);
      const absent = await call(app, keyB, method, path(missing), payload);
      expect(probe.status, `${method} ${path(onlyA)}`).toBe(404);
      expect(probe.body.code).toBe('COLLECTION_NOT_FOUND');
      expect(JSON.stringify(probe.body).replaceAll(onlyA, 'NAME')).toBe(JSON.stringify(absent.body).replaceAll(missing, 'NAME'));
    };

    it('REST: B cannot see A collection', async () => {
      await expectSameAsMissing('GET', (name) => `/v1/collections/${name}`);
      await expectSameAsMissing('GET', (name) => `/v1/collections/${name}/documents/a1`);
      await expectSameAsMissing('POST', (name) => `/v1/collections/${name}/search`, { vector: [1, 0], k: 5 });
      await expectSameAsMissing('POST', (name) => `/v1/collections/${name}/search`, { id: 'a1', k: 5 });
      await expectSameAsMissing('POST', (name) => `/v1/collections/${name}/analogies`, { a: 'a1', b: 'a2', c: 'a1' });
      await expectSameAsMissing('POST', (name) => `/v1/collections/${name}/relations`, { pairs: [{ subject: 'a1', object: 'a2' }] });
      await expectSameAsMissing('POST', (name) => `/v1/collections/${name}/documents`, { documents: [{ id: 'x', embedding: [1, 0] }] });
      await expectSameAsMissing('DELETE', (name) => `/v1/collections/${name}/documents/a1`);
      await expectSameAsMissing('DELETE', (name) => `/v1/collections/${name}`);
    });

    it('REST: A data survives B attempts', async () => {
      const collection = await call(app, keyA, 'GET', `/v1/collections/${onlyA}`);
      expect(collection.body.documentCount).toBe(2);
      const document = await call(app, keyA, 'GET', `/v1/collections/${onlyA}/documents/a1`);
      expect(document.body).toMatchObject({ id: 'a1', text: 'tenant A note', embedding: [1, 0] });
    });

    it('REST: lists hold own collections only', async () => {
      const listA = (await call(app, keyA, 'GET', '/v1/collections')).body.collections.map((c: { name: string }) => c.name);
      const listB = (await call(app, keyB, 'GET', '/v1/collections')).body.collections.map((c: { name: string }) => c.name);
      expect(listA).toEqual([onlyA, shared].sort());
      expect(listB).toEqual([shared]);
    });

    it('REST: same name gives own documents', async () => {
      const searchA = await call(app, keyA, 'POST', `/v1/collections/${shared}/search`, { vector: [1, 1], k: 10, exact: true });
      const searchB = await call(app, keyB, 'POST', `/v1/collections/${shared}/search`, { vector: [1, 1], k: 10, exact: true });
      expect(searchA.body.hits.map((hit: { id: string }) => hit.id).sort()).toEqual(['a1', 'a2']);
      expect(searchB.body.hits.map((hit: { id: string }) => hit.id)).toEqual(['b1']);
      expect((await call(app, keyB, 'GET', `/v1/collections/${shared}/documents/a1`)).body.code).toBe('DOCUMENT_NOT_FOUND');
    });

    it('registry rows carry the tenant', async () => {
      const { rows } = await database.query<{ tenant: string }>('SELECT tenant FROM collections WHERE name = $1 ORDER BY tenant', [shared]);
      expect(rows).toHaveLength(2);
      expect(rows[0]!.tenant).not.toBe(rows[1]!.tenant);
    });

    it('GraphQL: B cannot see A collection', async () => {
      for (const query of [
        `{ collection(name: "${onlyA}") { name documentCount } }`,
        `{ document(collection: "${onlyA}", id: "a1") { id text } }`,
        `{ search(collection: "${onlyA}", vector: [1, 0], k: 3) { hits { id } } }`,
        `{ search(collection: "${onlyA}", id: "a1", k: 3) { hits { id } } }`,
        `mutation { upsertDocuments(collection: "${onlyA}", documents: [{ id: "x", embedding: [1, 0] }]) { upserted } }`,
        `mutation { deleteDocument(collection: "${onlyA}", id: "a1") }`,
        `mutation { deleteCollection(name: "${onlyA}") }`,
      ]) {
        const reply = await graphql(app, keyB, query);
        expect(reply.body.data, query).toBeNull();
        expect(reply.body.errors[0].extensions, query).toMatchObject({ code: 'COLLECTION_NOT_FOUND', status: 404, collection: onlyA });
      }
      const list = await graphql(app, keyB, '{ collections { name } }');
      expect(list.body.data.collections.map((c: { name: string }) => c.name)).toEqual([shared]);

      // Nested fields stay in the tenant: B's hits in the shared name resolve to B's documents and collection.
      const nested = await graphql(app, keyB, `{ search(collection: "${shared}", vector: [1, 0], k: 5) { hits { id document { id metadata collection { name documentCount } } } } }`);
      expect(nested.body.data.search.hits).toEqual([{ id: 'b1', document: { id: 'b1', metadata: { owner: 'B' }, collection: { name: shared, documentCount: 1 } } }]);

      const own = await graphql(app, keyA, `{ search(collection: "${shared}", vector: [1, 0], k: 1) { hits { id } } }`);
      expect(own.body.data.search.hits[0].id).toBe('a1');

      const stillThere = await call(app, keyA, 'GET', `/v1/collections/${onlyA}`);
      expect(stillThere.body.documentCount).toBe(2);
    });
  });
}
