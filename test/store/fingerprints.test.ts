import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Database } from '../../src/db/database.js';
import { makeStoreApp, request, storeModes, uniqueName } from './store-helpers.js';

// Query 11110000 against five 8-bit fingerprints, by hand:
//   a 11110000: ∧ 4, ∨ 4 → Tanimoto 1,   Hamming 0
//   b 11100000: ∧ 3, ∨ 4 → 3/4,          Hamming 1
//   c 11001100: ∧ 2, ∨ 6 → 1/3,          Hamming 4
//   e 10000001: ∧ 1, ∨ 5 → 1/5,          Hamming 4
//   d 00001111: ∧ 0, ∨ 8 → 0,            Hamming 8
const DOCUMENTS = [
  { id: 'a', bits: '11110000', metadata: { group: 'x' } },
  { id: 'b', onBits: [2, 1, 0], metadata: { group: 'y' } },
  { id: 'c', bits: '11001100', metadata: { group: 'x' } },
  { id: 'd', onBits: [4, 5, 6, 7], metadata: { group: 'y' } },
  { id: 'e', bits: '10000001', metadata: { group: 'x' } },
];

for (const mode of storeModes) {
  describe.skipIf(mode.skipReason !== undefined)(`binary fingerprint collections (${mode.name})`, () => {
    let database: Database;
    let app: FastifyInstance;
    const created: string[] = [];

    const collection = async (metric: 'jaccard' | 'hamming'): Promise<string> => {
      const name = uniqueName(`fp-${metric}`);
      const reply = await request(app, 'POST', '/v1/fingerprint-collections', { name, bits: 8, metric });
      expect(reply.status).toBe(201);
      expect(reply.body).toMatchObject({ name, kind: 'binary', bits: 8, metric, documentCount: 0 });
      created.push(name);
      const upsert = await request(app, 'POST', `/v1/fingerprint-collections/${name}/documents`, { documents: DOCUMENTS });
      expect(upsert.body).toMatchObject({ upserted: 5, inserted: 5, updated: 0 });
      return name;
    };

    beforeAll(async () => {
      database = await mode.open();
      app = await makeStoreApp(database);
    });

    afterAll(async () => {
      for (const name of created) await request(app, 'DELETE', `/v1/collections/${name}`);
      await app?.close();
      await database?.close();
    });

    it('ranks by Tanimoto with hand-checked similarities, exact and HNSW alike', async () => {
      const name = await collection('jaccard');
      for (const exact of [true, false]) {
        const reply = await request(app, 'POST', `/v1/fingerprint-collections/${name}/search`, { onBits: [0, 1, 2, 3], k: 5, exact });
        expect(reply.status).toBe(200);
        expect(reply.body.method).toBe(exact ? 'exact' : 'hnsw');
        expect(reply.body.hits.map((hit: { id: string }) => hit.id)).toEqual(['a', 'b', 'c', 'e', 'd']);
        const similarities = reply.body.hits.map((hit: { similarity: number }) => hit.similarity);
        [1, 3 / 4, 1 / 3, 1 / 5, 0].forEach((value, i) => expect(similarities[i]).toBeCloseTo(value, 12));
        expect(reply.body.hits.map((hit: { onBits: number }) => hit.onBits)).toEqual([4, 3, 4, 2, 4]);
      }

      const filtered = await request(app, 'POST', `/v1/fingerprint-collections/${name}/search`, { bits: '11110000', k: 2, filter: { group: 'x' }, minSimilarity: 0.3 });
      expect(filtered.body.hits.map((hit: { id: string }) => hit.id)).toEqual(['a', 'c']);

      // By id: the query document is left out.
      const byId = await request(app, 'POST', `/v1/fingerprint-collections/${name}/search`, { id: 'a', k: 1, exact: true });
      expect(byId.body.hits).toEqual([{ id: 'b', similarity: 0.75, distance: 0.25, onBits: 3, metadata: { group: 'y' } }]);

      const stored = await request(app, 'GET', `/v1/fingerprint-collections/${name}/documents/b`);
      expect(stored.body).toMatchObject({ id: 'b', bits: '11100000', onBits: [0, 1, 2] });
      expect((await request(app, 'GET', `/v1/fingerprint-collections/${name}`)).body.documentCount).toBe(5);

      // Each kind is listed by its own route.
      const binaryNames = (await request(app, 'GET', '/v1/fingerprint-collections')).body.collections.map((c: { name: string }) => c.name);
      expect(binaryNames).toContain(name);
      const denseNames = (await request(app, 'GET', '/v1/collections')).body.collections.map((c: { name: string }) => c.name);
      expect(denseNames).not.toContain(name);
    });

    it('ranks by Hamming distance, ties by id', async () => {
      const name = await collection('hamming');
      const reply = await request(app, 'POST', `/v1/fingerprint-collections/${name}/search`, { bits: '11110000', k: 5, exact: true });
      expect(reply.body.hits.map((hit: { id: string; distance: number }) => [hit.id, hit.distance])).toEqual([
        ['a', 0],
        ['b', 1],
        ['c', 4],
        ['e', 4],
        ['d', 8],
      ]);
      expect(reply.body.hits[2].similarity).toBe(0.5);
    });

    it('rejects bad fingerprints and keeps the kinds apart', async () => {
      const name = await collection('jaccard');
      const cases: Array<[unknown, string]> = [
        [{ bits: '1111000' }, '/bits'],
        [{ bits: '1111000x' }, '/bits'],
        [{ onBits: [8] }, '/onBits/0'],
        [{ onBits: [1, 1] }, '/onBits/1'],
        [{ bits: '00000000' }, '/'],
      ];
      for (const [body, path] of cases) {
        const reply = await request(app, 'POST', `/v1/fingerprint-collections/${name}/search`, body);
        expect(reply.status).toBe(400);
        expect(reply.body).toMatchObject({ code: 'INVALID_FINGERPRINT', path });
      }
      const both = await request(app, 'POST', `/v1/fingerprint-collections/${name}/search`, { bits: '11110000', id: 'a' });
      expect(both.body.code).toBe('INVALID_REQUEST');

      const bad = await request(app, 'POST', `/v1/fingerprint-collections/${name}/documents`, { documents: [{ id: 'z', onBits: [9] }] });
      expect(bad.body).toMatchObject({ code: 'INVALID_FINGERPRINT', path: '/documents/0/onBits/0' });

      // A dense route does not see a binary collection, and a dense name cannot be reused for one.
      expect((await request(app, 'POST', `/v1/collections/${name}/search`, { vector: [1], k: 1 })).body.code).toBe('COLLECTION_NOT_FOUND');
      expect((await request(app, 'POST', '/v1/fingerprint-collections', { name, bits: 8 })).status).toBe(409);
      expect((await request(app, 'POST', '/v1/collections', { name, dimensions: 3 })).status).toBe(409);
      expect((await request(app, 'POST', `/v1/fingerprint-collections/${uniqueName('none')}/search`, { bits: '1' })).body.code).toBe('COLLECTION_NOT_FOUND');
    });
  });
}
