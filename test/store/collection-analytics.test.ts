import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Database } from '../../src/db/database.js';
import { createCollection, makeStoreApp, request, storeModes, uniqueName } from './store-helpers.js';

for (const mode of storeModes) {
  describe.skipIf(mode.skipReason !== undefined)(`analytics on stored collections (${mode.name})`, () => {
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

    it('k-means clusters a collection by id and writes the labels back', async () => {
      const name = await collection('kmeans', { dimensions: 2, metric: 'l2' });
      // Two groups: a1…a3 around (0, 0) and b1…b3 around (10, 10); c has no embedding and is never read.
      const documents = [
        { id: 'a1', embedding: [0, 0], metadata: { keep: 'yes' } },
        { id: 'a2', embedding: [1, 0] },
        { id: 'a3', embedding: [0, 1] },
        { id: 'b1', embedding: [10, 10] },
        { id: 'b2', embedding: [11, 10] },
        { id: 'b3', embedding: [10, 11] },
        { id: 'c', metadata: { note: 'no embedding' } },
      ];
      expect((await request(app, 'POST', `/v1/collections/${name}/documents`, { documents })).status).toBe(200);

      const reply = await request(app, 'POST', '/v1/clustering/kmeans', { collection: name, k: 2, writeLabelsTo: 'cluster' });
      expect(reply.status).toBe(200);
      expect(reply.body.ids).toEqual(['a1', 'a2', 'a3', 'b1', 'b2', 'b3']);
      expect(reply.body.source).toEqual({ collection: name, matching: 6, sampleSize: 6, exhaustive: true, sampleSeed: 0 });
      const [a, , , b] = reply.body.labels;
      expect(a).not.toBe(b);
      expect(reply.body.labels).toEqual([a, a, a, b, b, b]);
      expect(reply.body.sizes).toEqual([3, 3]);
      // Each group's squared distances to its mean (1/3, 1/3): 2/9 + 5/9 + 5/9 = 4/3; two groups give 8/3.
      expect(reply.body.inertia).toBeCloseTo(8 / 3, 10);
      expect(reply.body.labelsWritten).toEqual({ key: 'cluster', documents: 6 });

      const a1 = await request(app, 'GET', `/v1/collections/${name}/documents/a1`);
      expect(a1.body.metadata).toEqual({ keep: 'yes', cluster: a });
      const b2 = await request(app, 'GET', `/v1/collections/${name}/documents/b2`);
      expect(b2.body.metadata).toEqual({ cluster: b });
      const c = await request(app, 'GET', `/v1/collections/${name}/documents/c`);
      expect(c.body.metadata).toEqual({ note: 'no embedding' });

      // A filter on the written key clusters one group alone.
      const filtered = await request(app, 'POST', '/v1/clustering/kmeans', { collection: name, k: 1, filter: { cluster: b } });
      expect(filtered.body.ids).toEqual(['b1', 'b2', 'b3']);
      expect(filtered.body.centroids).toEqual([[31 / 3, 31 / 3]].map((row) => row.map((x) => expect.closeTo(x, 6))));
    });

    it('samples a collection deterministically under the cap', async () => {
      const name = await collection('kmeans-sample', { dimensions: 3 });
      const documents = Array.from({ length: 40 }, (_, i) => ({ id: `d${String(i).padStart(2, '0')}`, embedding: [1 + (i % 4), 1 + (i % 5), 1 + (i % 7)] }));
      await request(app, 'POST', `/v1/collections/${name}/documents`, { documents });

      const first = await request(app, 'POST', '/v1/clustering/kmeans', { collection: name, k: 2, sampleSize: 10, seed: 7 });
      const again = await request(app, 'POST', '/v1/clustering/kmeans', { collection: name, k: 2, sampleSize: 10, seed: 7 });
      expect(first.status).toBe(200);
      expect(first.body.source).toEqual({ collection: name, matching: 40, sampleSize: 10, exhaustive: false, sampleSeed: 7 });
      expect(first.body.ids).toHaveLength(10);
      expect([...first.body.ids].sort()).toEqual(first.body.ids);
      expect(again.body.ids).toEqual(first.body.ids);
      expect(again.body.labels).toEqual(first.body.labels);
    });

    it('rejects a bad collection input with catalogue codes', async () => {
      const name = await collection('kmeans-errors', { dimensions: 2 });
      const missing = await request(app, 'POST', '/v1/clustering/kmeans', { collection: uniqueName('absent'), k: 2 });
      expect(missing.status).toBe(404);
      expect(missing.body.code).toBe('COLLECTION_NOT_FOUND');

      const empty = await request(app, 'POST', '/v1/clustering/kmeans', { collection: name, k: 1 });
      expect(empty.status).toBe(400);
      expect(empty.body.code).toBe('EMPTY_MATRIX');

      const both = await request(app, 'POST', '/v1/clustering/kmeans', { collection: name, vectors: [[1, 2]], k: 1 });
      expect(both.body.code).toBe('INVALID_REQUEST');

      const stray = await request(app, 'POST', '/v1/clustering/kmeans', { vectors: [[1, 2]], k: 1, writeLabelsTo: 'x' });
      expect(stray.status).toBe(400);
      expect(stray.body).toMatchObject({ code: 'INVALID_REQUEST', path: '/writeLabelsTo' });
    });
    it('fits an affine relation map exactly and finds held-out objects', async () => {
      const name = await collection('relations', { dimensions: 2, metric: 'l2' });
      // o = W·s + b with W = [[0, −1], [1, 0]] (a quarter turn) and b = (1, 2).
      const subjects: Record<string, number[]> = { s1: [1, 0], s2: [0, 1], s3: [1, 1], s4: [2, 1] };
      const objects: Record<string, number[]> = { o1: [1, 3], o2: [0, 2], o3: [0, 3], o4: [0, 4] };
      const documents = Object.entries({ ...subjects, ...objects }).map(([id, embedding]) => ({ id, embedding }));
      await request(app, 'POST', `/v1/collections/${name}/documents`, { documents });
      const pairs = ['1', '2', '3', '4'].map((i) => ({ subject: `s${i}`, object: `o${i}` }));

      const whole = await request(app, 'POST', `/v1/collections/${name}/relations/fit`, { pairs, testFraction: 0, normalize: false, returnMap: true, exact: true });
      expect(whole.status).toBe(200);
      expect(whole.body.rank).toBe(2);
      expect(whole.body.trainResidual).toBeLessThan(1e-12);
      expect(whole.body.accuracy).toBeNull();
      whole.body.map.w.flat().forEach((value: number, i: number) => expect(value).toBeCloseTo([0, -1, 1, 0][i]!, 10));
      whole.body.map.b.forEach((value: number, i: number) => expect(value).toBeCloseTo([1, 2][i]!, 10));

      // One pair held out: three training pairs still determine W and b, so its object is found at distance 0.
      const held = await request(app, 'POST', `/v1/collections/${name}/relations/fit`, { pairs, testFraction: 0.25, normalize: false, exact: true, k: 2, subjects: ['s2'] });
      expect(held.status).toBe(200);
      expect(held.body.split).toMatchObject({ trainSize: 3, testSize: 1 });
      const [result] = held.body.heldOut;
      expect(result.affine[0]).toEqual({ id: result.expected, similarity: expect.closeTo(1, 6) });
      expect(held.body.accuracy.affine).toEqual({ top1: 1, top2: 1 });
      expect(result.meanOffset).toHaveLength(2);
      expect(held.body.candidates[0].affine[0].id).toBe('o2');

      // A ridge penalty shrinks W, so the training pairs are no longer fitted exactly.
      const ridged = await request(app, 'POST', `/v1/collections/${name}/relations/fit`, { pairs, testFraction: 0, normalize: false, ridge: 10 });
      expect(ridged.body.trainResidual).toBeGreaterThan(0.1);
    });

    it('rejects unknown ids and too few fitting pairs', async () => {
      const name = await collection('relations-errors', { dimensions: 2 });
      await request(app, 'POST', `/v1/collections/${name}/documents`, { documents: [{ id: 'a', embedding: [1, 0] }, { id: 'b', embedding: [0, 1] }, { id: 'c', embedding: [1, 1] }] });
      const missing = await request(app, 'POST', `/v1/collections/${name}/relations/fit`, { pairs: [{ subject: 'a', object: 'b' }, { subject: 'b', object: 'zz' }, { subject: 'c', object: 'a' }] });
      expect(missing.status).toBe(404);
      expect(missing.body).toMatchObject({ code: 'DOCUMENT_NOT_FOUND', path: '/pairs/1/object' });

      const few = await request(app, 'POST', `/v1/collections/${name}/relations/fit`, { pairs: [{ subject: 'a', object: 'b' }, { subject: 'b', object: 'c' }, { subject: 'c', object: 'a' }], testFraction: 0.5 });
      expect(few.status).toBe(400);
      expect(few.body).toMatchObject({ code: 'INVALID_PARAMETER', path: '/pairs' });
    });
    it('a relational probe separates a shared offset from other pairs', async () => {
      const name = await collection('probe', { dimensions: 3, metric: 'l2' });
      // Every object is its subject moved by +1 along the third axis; negatives pair a subject with another object.
      const subjects = [[0, 0, 0], [2, 0, 0], [0, 2, 0], [2, 2, 0], [4, 0, 0], [0, 4, 0], [4, 4, 0], [4, 2, 0]];
      const documents = subjects.flatMap((s, i) => [
        { id: `s${i}`, embedding: s },
        { id: `o${i}`, embedding: [s[0], s[1], 1] },
      ]);
      await request(app, 'POST', `/v1/collections/${name}/documents`, { documents });
      const pairs = subjects.map((_, i) => ({ subject: `s${i}`, object: `o${i}` }));

      // Reversed negatives differ by (0, 0, −1): by symmetry w = (0, 0, w₃) with w₃ > 0 and b = 0.
      const body = { pairs, negatives: 'reversed', normalize: false, testFraction: 0.25, seed: 3, epochs: 200, l2: 0 };
      const reply = await request(app, 'POST', `/v1/collections/${name}/relations/probe`, body);
      expect(reply.status).toBe(200);
      expect(reply.body.training).toMatchObject({ examples: 12, accuracy: 1 });
      expect(reply.body.heldOut).toMatchObject({ pairs: 2, examples: 4, accuracy: 1, confusion: { truePositive: 2, trueNegative: 2, falsePositive: 0, falseNegative: 0 } });
      expect(reply.body.weights[0]).toBe(0);
      expect(reply.body.weights[1]).toBe(0);
      expect(reply.body.weights[2]).toBeGreaterThan(1);
      expect(Math.abs(reply.body.bias)).toBeLessThan(1e-5);
      expect(['wasm', 'cpu', 'tensorflow']).toContain(reply.body.backend);

      const again = await request(app, 'POST', `/v1/collections/${name}/relations/probe`, body);
      expect(again.body.weights).toEqual(reply.body.weights);

      // Two pairs with swapped objects as negatives: (o₀ − s₀) + (o₁ − s₁) = (o₁ − s₀) + (o₀ − s₁), so both classes
      // have one mean, the gradient at w = 0 vanishes, and the probe stays at w = 0 with loss ln 2.
      const swapped = await request(app, 'POST', `/v1/collections/${name}/relations/probe`, { pairs: pairs.slice(0, 2), testFraction: 0, normalize: false });
      expect(swapped.body.weightNorm).toBe(0);
      expect(swapped.body.training.loss).toBeCloseTo(Math.log(2), 6);
      expect(swapped.body.heldOut).toBeNull();

      const tooMany = await request(app, 'POST', `/v1/collections/${name}/relations/probe`, { pairs: pairs.slice(0, 2), negativesPerPair: 2, testFraction: 0, normalize: false });
      expect(tooMany.status).toBe(400);
      expect(tooMany.body).toMatchObject({ code: 'INVALID_PARAMETER', path: '/negativesPerPair' });

      // s0 is the origin, which has no direction to normalise.
      const zero = await request(app, 'POST', `/v1/collections/${name}/relations/probe`, { pairs });
      expect(zero.status).toBe(422);
      expect(zero.body).toMatchObject({ code: 'ZERO_NORM_VECTOR', path: '/pairs/0/subject' });
    });
    it('searches one collection with vectors mapped from another space', async () => {
      const target = await collection('mapped-target', { dimensions: 2, metric: 'l2' });
      const source = await collection('mapped-source', { dimensions: 3, metric: 'l2' });
      await request(app, 'POST', `/v1/collections/${target}/documents`, {
        documents: [
          { id: 't1', embedding: [1, 2] },
          { id: 't2', embedding: [5, 5] },
          { id: 't3', embedding: [-3, 0] },
        ],
      });
      await request(app, 'POST', `/v1/collections/${source}/documents`, { documents: [{ id: 's1', embedding: [1, 1, 1] }] });
      // (1, 1, 1)·map = (1 + 0 + 3, 0 + 2 + 3) = (4, 5), plus bias (1, 0) = (5, 5): t2 exactly.
      const map = [
        [1, 0],
        [0, 2],
        [3, 3],
      ];
      const reply = await request(app, 'POST', `/v1/collections/${target}/search-mapped`, { map, bias: [1, 0], from: { collection: source, id: 's1' }, k: 2, exact: true });
      expect(reply.status).toBe(200);
      expect(reply.body.hits.map((hit: { id: string }) => hit.id)).toEqual(['t2', 't1']);
      expect(reply.body.hits[0].distance).toBeCloseTo(0, 6);
      // t1 is at distance ‖(5, 5) − (1, 2)‖ = 5.
      expect(reply.body.hits[1].distance).toBeCloseTo(5, 6);
      expect(reply.body.mapped).toEqual({ sourceDimensions: 3, targetDimensions: 2, from: { collection: source, id: 's1' } });

      const posted = await request(app, 'POST', `/v1/collections/${target}/search-mapped`, { map, vector: [-1, 0, 0], k: 1, exact: true });
      // (−1, 0, 0)·map = (−1, 0): t3 at distance 2 is nearer than t1 at √8.
      expect(posted.body.hits[0]).toMatchObject({ id: 't3', distance: expect.closeTo(2, 6) });

      const wrongRows = await request(app, 'POST', `/v1/collections/${target}/search-mapped`, { map, vector: [1, 2] });
      expect(wrongRows.body).toMatchObject({ code: 'SHAPE_MISMATCH', path: '/vector' });
      const wrongCols = await request(app, 'POST', `/v1/collections/${source}/search-mapped`, { map, vector: [1, 2, 3] });
      expect(wrongCols.body).toMatchObject({ code: 'SHAPE_MISMATCH', path: '/map' });
      const wrongBias = await request(app, 'POST', `/v1/collections/${target}/search-mapped`, { map, bias: [1], vector: [1, 2, 3] });
      expect(wrongBias.body).toMatchObject({ code: 'SHAPE_MISMATCH', path: '/bias' });
    });
    it('PCA of a stored collection matches PCA of the same rows posted', async () => {
      const name = await collection('pca', { dimensions: 2, metric: 'l2' });
      // Points on the line y = 2x (mean (1, 2)): one component (1, 2)/√5 carries all the variance.
      const documents = [0, 1, 2].map((x) => ({ id: `p${x}`, embedding: [x, 2 * x], metadata: { keep: x !== 1 } }));
      documents.push({ id: 'q', embedding: [10, -3], metadata: { keep: false } });
      await request(app, 'POST', `/v1/collections/${name}/documents`, { documents });

      const stored = await request(app, 'POST', '/v1/analytics/pca', { collection: name, filter: { keep: { ne: false } }, components: 1 });
      expect(stored.status).toBe(200);
      expect(stored.body.ids).toEqual(['p0', 'p2']);
      expect(stored.body.source).toMatchObject({ collection: name, matching: 2, sampleSize: 2, exhaustive: true });
      const [c0, c1] = stored.body.components[0];
      expect(c0).toBeCloseTo(1 / Math.sqrt(5), 12);
      expect(c1).toBeCloseTo(2 / Math.sqrt(5), 12);
      expect(stored.body.explainedVarianceRatio[0]).toBeCloseTo(1, 12);

      const posted = await request(app, 'POST', '/v1/analytics/pca', { data: [[0, 0], [2, 4]], components: 1 });
      expect(stored.body.projections).toEqual(posted.body.projections);
      expect(stored.body.mean).toEqual([1, 2]);

      const both = await request(app, 'POST', '/v1/analytics/pca', { collection: name, data: [[1, 2]] });
      expect(both.body.code).toBe('INVALID_REQUEST');
    });
  });
}
