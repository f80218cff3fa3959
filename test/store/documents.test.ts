import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Database } from '../../src/db/database.js';
import { createCollection, makeStoreApp, request, storeModes, uniqueName } from './store-helpers.js';

for (const mode of storeModes) {
  describe.skipIf(mode.skipReason !== undefined)(`embedding store documents (${mode.name})`, () => {
    let database: Database;
    let app: FastifyInstance;
    const created: string[] = [];

    const collection = async (prefix: string, body: Record<string, unknown>): Promise<string> => {
      const name = uniqueName(prefix);
      await createCollection(app, { name, ...body });
      created.push(name);
      return name;
    };
    const count = async (name: string): Promise<number> => (await request(app, 'GET', `/v1/collections/${name}`)).body.documentCount;

    beforeAll(async () => {
      database = await mode.open();
      app = await makeStoreApp(database);
    });

    afterAll(async () => {
      for (const name of created) await request(app, 'DELETE', `/v1/collections/${name}`);
      await app?.close();
      await database?.close();
    });

    it('collection create, get, list, conflict', async () => {
      const name = uniqueName('lifecycle');
      const create = await request(app, 'POST', '/v1/collections', { name, dimensions: 3, metric: 'l2', model: 'test-model', hnsw: { m: 8, efConstruction: 32 } });
      created.push(name);
      expect(create.status).toBe(201);
      expect(create.body).toMatchObject({ name, dimensions: 3, metric: 'l2', model: 'test-model', hnsw: { m: 8, efConstruction: 32 }, documentCount: 0 });
      expect(Number.isNaN(Date.parse(create.body.createdAt))).toBe(false);

      const again = await request(app, 'POST', '/v1/collections', { name, dimensions: 3 });
      expect(again.status).toBe(409);
      expect(again.body).toMatchObject({ code: 'COLLECTION_EXISTS', collection: name });

      const get = await request(app, 'GET', `/v1/collections/${name}`);
      expect(get.body).toMatchObject({ name, metric: 'l2', documentCount: 0 });

      const list = await request(app, 'GET', '/v1/collections');
      expect(list.body.collections.map((c: { name: string }) => c.name)).toContain(name);

      const tooWide = await request(app, 'POST', '/v1/collections', { name: uniqueName('wide'), dimensions: 2001 });
      expect(tooWide.status).toBe(400);
      expect(tooWide.body).toMatchObject({ code: 'INVALID_REQUEST', path: '/dimensions' });

      const badName = await request(app, 'POST', '/v1/collections', { name: 'no spaces', dimensions: 2 });
      expect(badName.body).toMatchObject({ code: 'INVALID_REQUEST', path: '/name' });
    });

    it('deleting a collection removes its documents', async () => {
      const name = await collection('delete', { dimensions: 2 });
      await request(app, 'POST', `/v1/collections/${name}/documents`, { documents: [{ id: 'a', embedding: [1, 2] }] });
      const { rows } = await database.query<{ id: number }>('SELECT id FROM collections WHERE name = $1', [name]);
      const table = `documents_${rows[0]!.id}`;

      const deleted = await request(app, 'DELETE', `/v1/collections/${name}`);
      expect(deleted.status).toBe(200);
      expect(deleted.body).toEqual({ deleted: name });

      const { rows: tables } = await database.query<{ table: string | null }>('SELECT to_regclass($1)::text AS table', [table]);
      expect(tables[0]!.table).toBeNull();
      for (const [method, url, payload] of [
        ['GET', `/v1/collections/${name}`, undefined],
        ['DELETE', `/v1/collections/${name}`, undefined],
        ['GET', `/v1/collections/${name}/documents/a`, undefined],
        ['POST', `/v1/collections/${name}/search`, { vector: [1, 2] }],
        ['POST', `/v1/collections/${name}/documents`, { documents: [{ id: 'b', embedding: [1, 2] }] }],
      ] as const) {
        const reply = await request(app, method, url, payload);
        expect(reply.status, `${method} ${url}`).toBe(404);
        expect(reply.body).toMatchObject({ code: 'COLLECTION_NOT_FOUND', collection: name });
      }
      const list = await request(app, 'GET', '/v1/collections');
      expect(list.body.collections.map((c: { name: string }) => c.name)).not.toContain(name);
    });

    it('upsert is idempotent by id', async () => {
      const name = await collection('idempotent', { dimensions: 2 });
      const documents = [
        { id: 'a', embedding: [0.5, 0.25], metadata: { specialty: 'Cardiology', date: '2024-05-01' }, text: 'first note' },
        { id: 'b', embedding: [1, -2] },
      ];
      const first = await request(app, 'POST', `/v1/collections/${name}/documents`, { documents });
      expect(first.body).toEqual({ collection: name, upserted: 2, inserted: 2, updated: 0 });
      const second = await request(app, 'POST', `/v1/collections/${name}/documents`, { documents });
      expect(second.body).toEqual({ collection: name, upserted: 2, inserted: 0, updated: 2 });
      expect(await count(name)).toBe(2);

      const a = await request(app, 'GET', `/v1/collections/${name}/documents/a`);
      expect(a.body).toMatchObject({ id: 'a', embedding: [0.5, 0.25], metadata: { specialty: 'Cardiology', date: '2024-05-01' }, text: 'first note' });
      const b = await request(app, 'GET', `/v1/collections/${name}/documents/b`);
      expect(b.body).toMatchObject({ id: 'b', embedding: [1, -2], metadata: {}, text: null });

      const replaced = await request(app, 'POST', `/v1/collections/${name}/documents`, { documents: [{ id: 'a', embedding: [2, 0], metadata: { v: 2 } }] });
      expect(replaced.body.updated).toBe(1);
      const a2 = await request(app, 'GET', `/v1/collections/${name}/documents/a`);
      expect(a2.body).toMatchObject({ embedding: [2, 0], metadata: { v: 2 }, text: null });
    });

    it('upsert accepts 1,000 documents in one batch', async () => {
      const name = await collection('batch', { dimensions: 4 });
      const documents = Array.from({ length: 1500 }, (_, i) => ({ id: `d${i}`, embedding: [1, i, i % 7, -i], metadata: { i } }));
      const reply = await request(app, 'POST', `/v1/collections/${name}/documents`, { documents });
      expect(reply.body).toEqual({ collection: name, upserted: 1500, inserted: 1500, updated: 0 });
      expect(await count(name)).toBe(1500);
    });

    it('concurrent upserts of the same ids', async () => {
      const name = await collection('concurrent', { dimensions: 3 });
      const ids = Array.from({ length: 300 }, (_, i) => `doc-${i}`);
      const batch = (version: number) => {
        // Each batch lists the ids in its own order; the store sorts them, so the batches cannot deadlock.
        const order = version % 2 === 0 ? ids : [...ids].reverse();
        return { documents: order.map((id) => ({ id, embedding: [version, 1, 1], metadata: { version } })) };
      };

      const replies = await Promise.all([1, 2, 3, 4, 5, 6].map((version) => request(app, 'POST', `/v1/collections/${name}/documents`, batch(version))));
      for (const reply of replies) expect(reply.status).toBe(200);
      expect(replies.reduce((sum, reply) => sum + reply.body.inserted, 0)).toBe(300);
      expect(await count(name)).toBe(300);

      for (const id of ['doc-0', 'doc-150', 'doc-299']) {
        const document = (await request(app, 'GET', `/v1/collections/${name}/documents/${id}`)).body;
        // Each row is one batch's version whole: its embedding and metadata come from the same batch.
        expect(document.embedding).toEqual([document.metadata.version, 1, 1]);
      }
    });

    it('dimension mismatch is rejected before SQL', async () => {
      const name = await collection('dims', { dimensions: 3 });
      const upsert = await request(app, 'POST', `/v1/collections/${name}/documents`, {
        documents: [
          { id: 'ok', embedding: [1, 2, 3] },
          { id: 'short', embedding: [1, 2] },
        ],
      });
      expect(upsert.status).toBe(422);
      expect(upsert.body).toMatchObject({ code: 'DIMENSION_MISMATCH', path: '/documents/1/embedding', expected: 3, got: 2, collection: name });
      // All or nothing: the valid document of the rejected batch was not stored.
      expect(await count(name)).toBe(0);

      const search = await request(app, 'POST', `/v1/collections/${name}/search`, { vector: [1, 2, 3, 4] });
      expect(search.status).toBe(422);
      expect(search.body).toMatchObject({ code: 'DIMENSION_MISMATCH', path: '/vector', expected: 3, got: 4 });
    });

    it('zero vector rejected on upsert and query', async () => {
      const name = await collection('zero', { dimensions: 3 });
      const upsert = await request(app, 'POST', `/v1/collections/${name}/documents`, { documents: [{ id: 'z', embedding: [0, 0, 0] }] });
      expect(upsert.status).toBe(422);
      expect(upsert.body).toMatchObject({ code: 'ZERO_NORM_VECTOR', path: '/documents/0/embedding' });

      // 1e-30 is non-zero in float64, but its square underflows in float32, so pgvector's norm would be 0.
      const underflow = await request(app, 'POST', `/v1/collections/${name}/documents`, { documents: [{ id: 'tiny', embedding: [1e-30, 0, -1e-30] }] });
      expect(underflow.body).toMatchObject({ code: 'ZERO_NORM_VECTOR', path: '/documents/0/embedding' });

      const query = await request(app, 'POST', `/v1/collections/${name}/search`, { vector: [0, 0, 0] });
      expect(query.status).toBe(422);
      expect(query.body).toMatchObject({ code: 'ZERO_NORM_VECTOR', path: '/vector' });

      // In an l2 collection the zero vector is an ordinary point.
      const l2 = await collection('zero-l2', { dimensions: 3, metric: 'l2' });
      const stored = await request(app, 'POST', `/v1/collections/${l2}/documents`, { documents: [{ id: 'origin', embedding: [0, 0, 0] }] });
      expect(stored.status).toBe(200);
    });

    it('non-finite and out-of-range values rejected', async () => {
      const name = await collection('range', { dimensions: 2 });
      const raw = (embedding: string) =>
        app.inject({ method: 'POST', url: `/v1/collections/${name}/documents`, headers: { 'content-type': 'application/json' }, payload: `{"documents":[{"id":"x","embedding":${embedding}}]}` });

      const infinite = await raw('[1e999, 1]');
      expect(infinite.statusCode).toBe(400);
      expect(infinite.json()).toMatchObject({ code: 'NON_FINITE_VALUE', path: '/documents/0/embedding/0', value: 'Infinity' });

      const tooLarge = await raw('[1, 3.5e38]');
      expect(tooLarge.statusCode).toBe(422);
      expect(tooLarge.json()).toMatchObject({ code: 'VALUE_OUT_OF_RANGE', path: '/documents/0/embedding/1', value: 3.5e38 });

      const normTooLarge = await raw('[1e19, 1e19]');
      expect(normTooLarge.json()).toMatchObject({ code: 'VALUE_OUT_OF_RANGE', path: '/documents/0/embedding' });

      const notNumber = await raw('[1, "2"]');
      expect(notNumber.json()).toMatchObject({ code: 'NOT_A_NUMBER', path: '/documents/0/embedding/1', value: '2' });
      expect(await count(name)).toBe(0);
    });

    it('duplicate ids in a batch rejected', async () => {
      const name = await collection('dup', { dimensions: 2 });
      const reply = await request(app, 'POST', `/v1/collections/${name}/documents`, {
        documents: [
          { id: 'a', embedding: [1, 0] },
          { id: 'b', embedding: [1, 1] },
          { id: 'a', embedding: [0, 1] },
        ],
      });
      expect(reply.status).toBe(400);
      expect(reply.body).toMatchObject({ code: 'DUPLICATE_DOCUMENT_ID', id: 'a', path: '/documents/2/id', firstPath: '/documents/0/id' });
    });

    it('document get and delete', async () => {
      const name = await collection('docs', { dimensions: 2 });
      await request(app, 'POST', `/v1/collections/${name}/documents`, { documents: [{ id: 'note/1', embedding: [1, 0], text: 'hello' }, { id: 'bare', text: 'no vector yet' }] });

      const get = await request(app, 'GET', `/v1/collections/${name}/documents/${encodeURIComponent('note/1')}`);
      expect(get.body).toMatchObject({ id: 'note/1', text: 'hello', embedding: [1, 0] });

      // A document without embedding is stored but never a hit, and cannot be a query.
      const bare = await request(app, 'GET', `/v1/collections/${name}/documents/bare`);
      expect(bare.body).toMatchObject({ id: 'bare', embedding: null });
      const hits = await request(app, 'POST', `/v1/collections/${name}/search`, { vector: [1, 1], k: 5 });
      expect(hits.body.hits.map((hit: { id: string }) => hit.id)).toEqual(['note/1']);
      const byBare = await request(app, 'POST', `/v1/collections/${name}/search`, { id: 'bare' });
      expect(byBare.body).toMatchObject({ code: 'DOCUMENT_WITHOUT_EMBEDDING', id: 'bare' });

      const deleted = await request(app, 'DELETE', `/v1/collections/${name}/documents/bare`);
      expect(deleted.body).toEqual({ deleted: 'bare' });
      const again = await request(app, 'DELETE', `/v1/collections/${name}/documents/bare`);
      expect(again.status).toBe(404);
      expect(again.body).toMatchObject({ code: 'DOCUMENT_NOT_FOUND', id: 'bare', collection: name });
    });
  });
}
