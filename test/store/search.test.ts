import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Database } from '../../src/db/database.js';
import { seededRandom } from '../helpers.js';
import { createCollection, makeStoreApp, request, storeModes, uniqueName } from './store-helpers.js';

function randomVector(random: () => number, dimensions: number): number[] {
  return Array.from({ length: dimensions }, () => random() * 2 - 1);
}

for (const mode of storeModes) {
  describe.skipIf(mode.skipReason !== undefined)(`embedding store search (${mode.name})`, () => {
    let database: Database;
    let app: FastifyInstance;
    const created: string[] = [];

    const collection = async (prefix: string, body: Record<string, unknown>): Promise<string> => {
      const name = uniqueName(prefix);
      await createCollection(app, { name, ...body });
      created.push(name);
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

    it('filtered hnsw search returns exactly k, equal to exact', async () => {
      const name = await collection('filtered', { dimensions: 16 });
      const random = seededRandom(42);
      const documents = Array.from({ length: 200 }, (_, i) => ({
        id: `doc-${String(i).padStart(3, '0')}`,
        embedding: randomVector(random, 16),
        metadata: { group: i % 10 === 3 ? 'target' : 'other', index: i },
      }));
      const upsert = await request(app, 'POST', `/v1/collections/${name}/documents`, { documents });
      expect(upsert.status).toBe(200);
      expect(upsert.body.inserted).toBe(200);

      for (let q = 0; q < 5; q++) {
        const vector = randomVector(random, 16);
        for (const k of [1, 10, 20]) {
          const body = { vector, k, filter: { group: 'target' } };
          const hnsw = await request(app, 'POST', `/v1/collections/${name}/search`, body);
          const exact = await request(app, 'POST', `/v1/collections/${name}/search`, { ...body, exact: true });

          expect(hnsw.status).toBe(200);
          expect(hnsw.body.method).toBe('hnsw');
          expect(exact.body.method).toBe('exact');
          expect(hnsw.body.hits).toHaveLength(k);
          expect(hnsw.body.scanLimitReached).toBe(false);
          expect(hnsw.body.hits.map((hit: { id: string }) => hit.id)).toEqual(exact.body.hits.map((hit: { id: string }) => hit.id));
          for (const hit of hnsw.body.hits) expect(hit.metadata.group).toBe('target');
        }
      }

      // Only 20 documents match, so k = 25 gives all 20 and the scan limit did not cut anything off.
      const all = await request(app, 'POST', `/v1/collections/${name}/search`, { vector: randomVector(random, 16), k: 25, filter: { group: 'target' } });
      expect(all.body.hits).toHaveLength(20);
      expect(all.body.scanLimitReached).toBe(false);
    });

    it('scan limit cut-off is reported', async () => {
      const limited = await makeStoreApp(database, { hnswMaxScanTuples: 1, hnswEfSearch: 1 });
      try {
        const name = await collection('scanlimit', { dimensions: 4 });
        const random = seededRandom(7);
        const documents = Array.from({ length: 100 }, (_, i) => ({ id: `d${i}`, embedding: randomVector(random, 4), metadata: { rare: i === 99 } }));
        await request(limited, 'POST', `/v1/collections/${name}/documents`, { documents });
        // The one matching document is the farthest from the query, so a scan that may read one tuple cannot reach it.
        const query = documents[99]!.embedding.map((x) => -x);

        const hnsw = await request(limited, 'POST', `/v1/collections/${name}/search`, { vector: query, k: 1, filter: { rare: true } });
        expect(hnsw.status).toBe(200);
        expect(hnsw.body.hits).toEqual([]);
        expect(hnsw.body.scanLimitReached).toBe(true);

        const exact = await request(limited, 'POST', `/v1/collections/${name}/search`, { vector: query, k: 1, filter: { rare: true }, exact: true });
        expect(exact.body.hits.map((hit: { id: string }) => hit.id)).toEqual(['d99']);
        expect(exact.body.scanLimitReached).toBe(false);
      } finally {
        await limited.close();
      }
    });

    it('minSimilarity boundary is inclusive', async () => {
      const name = await collection('minsim', { dimensions: 2 });
      await request(app, 'POST', `/v1/collections/${name}/documents`, {
        documents: [
          { id: 'same', embedding: [2, 0] },
          { id: 'three-four', embedding: [3, 4] },
          { id: 'orthogonal', embedding: [0, 5] },
          { id: 'opposite', embedding: [-1, 0] },
        ],
      });
      const search = (minSimilarity: number, exact: boolean) =>
        request(app, 'POST', `/v1/collections/${name}/search`, { vector: [1, 0], k: 10, minSimilarity, exact });

      for (const exact of [false, true]) {
        const atBound = await search(0.6, exact);
        expect(atBound.body.hits.map((hit: { id: string }) => hit.id)).toEqual(['same', 'three-four']);
        // cos = 3/5 exactly, so distance 1 − 0.6 and similarity 0.6 survive the round trip.
        expect(atBound.body.hits[1].similarity).toBe(0.6);
        expect(atBound.body.hits[1].distance).toBe(0.4);

        const aboveBound = await search(0.6000000000000001, exact);
        expect(aboveBound.body.hits.map((hit: { id: string }) => hit.id)).toEqual(['same']);

        const zero = await search(0, exact);
        expect(zero.body.hits.map((hit: { id: string }) => hit.id)).toEqual(['same', 'three-four', 'orthogonal']);

        const everything = await search(-1, exact);
        expect(everything.body.hits).toHaveLength(4);
        expect(everything.body.hits[3]).toMatchObject({ id: 'opposite', similarity: -1, distance: 2 });
      }
    });

    it('metadata filters: in, nin, ne, ranges', async () => {
      const name = await collection('filters', { dimensions: 2 });
      const documents = [
        { id: 'n1', embedding: [1, 0.1], metadata: { specialty: 'Cardiology', age: 30, date: '2024-01-15', patient: 'p1' } },
        { id: 'n2', embedding: [1, 0.2], metadata: { specialty: 'Neurology', age: 45, date: '2024-03-01', patient: 'p1' } },
        { id: 'n3', embedding: [1, 0.3], metadata: { specialty: 'Cardiology', age: 61, date: '2024-06-30T12:00:00Z', patient: 'p2' } },
        { id: 'n4', embedding: [1, 0.4], metadata: { specialty: 'Oncology', age: 'unknown', date: 'not a date', patient: 'p3' } },
        { id: 'n5', embedding: [1, 0.5], metadata: {} },
      ];
      await request(app, 'POST', `/v1/collections/${name}/documents`, { documents });
      const ids = async (body: Record<string, unknown>) => {
        const query = 'id' in body ? {} : { vector: [1, 0] };
        const reply = await request(app, 'POST', `/v1/collections/${name}/search`, { ...query, k: 10, ...body });
        expect(reply.status, JSON.stringify(reply.body)).toBe(200);
        return reply.body.hits.map((hit: { id: string }) => hit.id);
      };

      expect(await ids({ filter: { specialty: { in: ['Cardiology', 'Oncology'] } } })).toEqual(['n1', 'n3', 'n4']);
      expect(await ids({ filter: { specialty: { nin: ['Cardiology'] } } })).toEqual(['n2', 'n4', 'n5']);
      expect(await ids({ filter: { patient: { ne: 'p1' } } })).toEqual(['n3', 'n4', 'n5']);
      expect(await ids({ filter: { age: { gte: 45, lt: 61 } } })).toEqual(['n2']);
      expect(await ids({ filter: { age: { gt: 29 } }, exact: true })).toEqual(['n1', 'n2', 'n3']);
      expect(await ids({ filter: { date: { gte: '2024-02-01', lte: '2024-12-31' } } })).toEqual(['n2', 'n3']);
      expect(await ids({ filter: { date: { lt: '2024-06-30T12:00:00Z' } } })).toEqual(['n1', 'n2']);
      expect(await ids({ id: 'n1', excludeSame: ['patient'] })).toEqual(['n3', 'n4', 'n5']);
      expect(await ids({ id: 'n1' })).toEqual(['n2', 'n3', 'n4', 'n5']);

      const badOperator = await request(app, 'POST', `/v1/collections/${name}/search`, { vector: [1, 0], filter: { age: { between: [1, 2] } } });
      expect(badOperator.status).toBe(400);
      expect(badOperator.body).toMatchObject({ code: 'INVALID_FILTER', path: '/filter/age/between' });

      const badDate = await request(app, 'POST', `/v1/collections/${name}/search`, { vector: [1, 0], filter: { date: { gte: '2024-13-45' } } });
      expect(badDate.status).toBe(400);
      expect(badDate.body).toMatchObject({ code: 'INVALID_FILTER', path: '/filter/date/gte' });
    });

    it('analogies rank b - a + c without a, b, c', async () => {
      const name = await collection('analogy', { dimensions: 3 });
      await request(app, 'POST', `/v1/collections/${name}/documents`, {
        documents: [
          { id: 'man', embedding: [1, 0, 0] },
          { id: 'woman', embedding: [1, 1, 0] },
          { id: 'king', embedding: [1, 0, 1] },
          { id: 'queen', embedding: [1, 1, 1] },
          { id: 'apple', embedding: [0, 0, -1] },
        ],
      });
      for (const exact of [false, true]) {
        const reply = await request(app, 'POST', `/v1/collections/${name}/analogies`, { a: 'man', b: 'woman', c: 'king', k: 2, exact });
        expect(reply.status).toBe(200);
        expect(reply.body.query).toEqual({ a: 'man', b: 'woman', c: 'king' });
        expect(reply.body.hits.map((hit: { id: string }) => hit.id)).toEqual(['queen', 'apple']);
      }

      const missing = await request(app, 'POST', `/v1/collections/${name}/analogies`, { a: 'man', b: 'nobody', c: 'king' });
      expect(missing.status).toBe(404);
      expect(missing.body).toMatchObject({ code: 'DOCUMENT_NOT_FOUND', id: 'nobody', path: '/b' });
    });

    it('relations return the mean offset and candidates', async () => {
      const name = await collection('relations', { dimensions: 2 });
      await request(app, 'POST', `/v1/collections/${name}/documents`, {
        documents: [
          { id: 's1', embedding: [1, 0] },
          { id: 'o1', embedding: [0, 1] },
          { id: 's2', embedding: [2, 0] },
          { id: 'o2', embedding: [0, 3] },
          { id: 's3', embedding: [1, -1] },
          { id: 'o3', embedding: [1, 1] },
          { id: 'x', embedding: [-1, 0] },
        ],
      });
      const reply = await request(app, 'POST', `/v1/collections/${name}/relations`, {
        pairs: [
          { subject: 's1', object: 'o1' },
          { subject: 's2', object: 'o2' },
        ],
        subject: 's3',
        k: 2,
      });
      expect(reply.status).toBe(200);
      // Both pairs normalise to (0, 1) − (1, 0).
      expect(reply.body.offset).toEqual([-1, 1]);
      expect(reply.body.offsetNorm).toBeCloseTo(Math.SQRT2, 12);
      // ŝ3 + offset = (1/√2 − 1, 1 − 1/√2): nearest by cosine are o1 and o2 (direction (0, 1)).
      expect(reply.body.candidates.subject).toBe('s3');
      expect(reply.body.candidates.hits).toHaveLength(2);
      expect(reply.body.candidates.hits.map((hit: { id: string }) => hit.id).sort()).toEqual(['o1', 'o2']);
    });

    it('other metrics rank by their distance', async () => {
      const l2 = await collection('l2', { dimensions: 2, metric: 'l2' });
      await request(app, 'POST', `/v1/collections/${l2}/documents`, { documents: [{ id: 'near', embedding: [3, 4] }, { id: 'far', embedding: [30, 40] }, { id: 'zero', embedding: [0, 0] }] });
      const l2Reply = await request(app, 'POST', `/v1/collections/${l2}/search`, { vector: [0, 0], k: 3 });
      expect(l2Reply.body.hits.map((hit: { id: string; distance: number; similarity: number }) => [hit.id, hit.distance, hit.similarity])).toEqual([
        ['zero', 0, 1],
        ['near', 5, 1 / 6],
        ['far', 50, 1 / 51],
      ]);

      const ip = await collection('ip', { dimensions: 2, metric: 'inner_product' });
      await request(app, 'POST', `/v1/collections/${ip}/documents`, { documents: [{ id: 'small', embedding: [1, 0] }, { id: 'large', embedding: [3, 1] }] });
      const ipReply = await request(app, 'POST', `/v1/collections/${ip}/search`, { vector: [2, 0], k: 2 });
      expect(ipReply.body.hits.map((hit: { id: string; similarity: number }) => [hit.id, hit.similarity])).toEqual([
        ['large', 6],
        ['small', 2],
      ]);
    });
  });
}
