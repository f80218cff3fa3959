import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { NF4_LEVELS } from '../../src/compute/nf4.js';
import { makeApp, post } from '../helpers.js';

const twoClusters = [[0, 0], [0, 1], [1, 0], [10, 10], [10, 11], [11, 10]];

describe('clustering, alignment, low-rank and positional endpoints', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await makeApp();
  });
  afterAll(async () => app.close());

  describe('POST /v1/clustering/kmeans', () => {
    it('clusters two obvious groups, with labels in input order', async () => {
      const { status, body } = await post(app, '/v1/clustering/kmeans', { vectors: twoClusters, k: 2, seed: 3 });
      expect(status).toBe(200);
      expect(body.labels).toHaveLength(6);
      expect(new Set(body.labels.slice(0, 3)).size).toBe(1);
      expect(new Set(body.labels.slice(3)).size).toBe(1);
      expect(body.labels[0]).not.toBe(body.labels[3]);
      expect(body.sizes).toEqual([3, 3]);
      expect(body.inertia).toBeCloseTo(8 / 3, 12);
      expect(body.centroids).toHaveLength(2);
      expect(body.silhouette.sampleSize).toBe(6);
      expect(body.silhouette.score).toBeGreaterThan(0.9);
      expect(body.seeding).toBe('k-means++');
    });

    it('chooses k over kRange and reports agreement with reference labels', async () => {
      const { status, body } = await post(app, '/v1/clustering/kmeans', {
        vectors: twoClusters,
        kRange: [2, 4],
        referenceLabels: ['a', 'a', 'a', 'b', 'b', 'b'],
      });
      expect(status).toBe(200);
      expect(body.k).toBe(2);
      expect(body.selection.candidates.map((c: { k: number }) => c.k)).toEqual([2, 3, 4]);
      expect(body.agreement).toEqual({ adjustedRandIndex: 1, purity: 1, classes: 2 });
    });

    it('returns the same labels for the same seed', async () => {
      const vectors = Array.from({ length: 40 }, (_, i) => [Math.sin(i * 1.7) * 5, Math.cos(i * 2.3) * 5]);
      const first = await post(app, '/v1/clustering/kmeans', { vectors, k: 4, seed: 11, metric: 'cosine' });
      const second = await post(app, '/v1/clustering/kmeans', { vectors, k: 4, seed: 11, metric: 'cosine' });
      expect(second.body.labels).toEqual(first.body.labels);
      expect(second.body.centroids).toEqual(first.body.centroids);
    });

    it('kmeans rejects invalid input with codes', async () => {
      const both = await post(app, '/v1/clustering/kmeans', { vectors: twoClusters, k: 2, kRange: [2, 3] });
      expect(both.status).toBe(400);
      expect(both.body.code).toBe('INVALID_REQUEST');

      const tooMany = await post(app, '/v1/clustering/kmeans', { vectors: twoClusters, k: 7 });
      expect(tooMany.status).toBe(400);
      expect(tooMany.body.code).toBe('INVALID_PARAMETER');
      expect(tooMany.body.path).toBe('/k');

      const duplicates = await post(app, '/v1/clustering/kmeans', { vectors: [[1, 1], [1, 1], [1, 1]], k: 2 });
      expect(duplicates.status).toBe(422);
      expect(duplicates.body.code).toBe('TOO_FEW_DISTINCT_VECTORS');

      const zero = await post(app, '/v1/clustering/kmeans', { vectors: [[1, 0], [0, 0]], k: 1, metric: 'cosine' });
      expect(zero.status).toBe(422);
      expect(zero.body.code).toBe('ZERO_NORM_VECTOR');
      expect(zero.body.path).toBe('/vectors/1');

      const labels = await post(app, '/v1/clustering/kmeans', { vectors: twoClusters, k: 2, referenceLabels: [1, 2] });
      expect(labels.status).toBe(422);
      expect(labels.body.code).toBe('SHAPE_MISMATCH');

      const metric = await post(app, '/v1/clustering/kmeans', { vectors: twoClusters, k: 2, metric: 'manhattan' });
      expect(metric.status).toBe(400);
      expect(metric.body.allowed).toEqual(['euclidean', 'cosine']);
    });
  });

  describe('POST /v1/alignment/fit and /v1/alignment/apply', () => {
    const angle = Math.PI / 5;
    const rotation = [[Math.cos(angle), Math.sin(angle)], [-Math.sin(angle), Math.cos(angle)]];
    const source = Array.from({ length: 20 }, (_, i) => [Math.cos(i), Math.sin(2 * i) + 0.5]);
    const target = source.map(([a, b]) => [a! * rotation[0]![0]! + b! * rotation[1]![0]!, a! * rotation[0]![1]! + b! * rotation[1]![1]!]);

    it('recovers a rotation and retrieves the held-out pairs', async () => {
      const { status, body } = await post(app, '/v1/alignment/fit', { source, target, seed: 1 });
      expect(status).toBe(200);
      expect(body.method).toBe('procrustes');
      body.map.forEach((row: number[], i: number) => row.forEach((value, j) => expect(value).toBeCloseTo(rotation[i]![j]!, 13)));
      expect(body.split.testSize).toBe(4);
      expect(body.split.testIndices).toHaveLength(4);
      expect(body.testResidual.relative).toBeLessThan(1e-13);
      expect(body.retrieval.top1).toBe(1);
      expect(body.orthogonalityError).toBeLessThan(1e-15);
    });

    it('applies a map to vectors', async () => {
      const { status, body } = await post(app, '/v1/alignment/apply', { map: [[0, 1], [1, 0]], vectors: [[3, 4], [5, 6]] });
      expect(status).toBe(200);
      expect(body.mapped).toEqual([[4, 3], [6, 5]]);
    });

    it('rejects unpaired vectors, ridge with procrustes and a map of the wrong size', async () => {
      const unpaired = await post(app, '/v1/alignment/fit', { source, target: target.slice(1) });
      expect(unpaired.status).toBe(422);
      expect(unpaired.body.code).toBe('SHAPE_MISMATCH');

      const ridge = await post(app, '/v1/alignment/fit', { source, target, ridge: 0.1 });
      expect(ridge.status).toBe(400);
      expect(ridge.body.path).toBe('/ridge');

      const wrong = await post(app, '/v1/alignment/apply', { map: [[1, 0, 0]], vectors: [[1, 2]] });
      expect(wrong.status).toBe(422);
      expect(wrong.body.code).toBe('SHAPE_MISMATCH');
    });
  });

  describe('POST /v1/lora/adalora-allocate', () => {
    it('allocates a budget across whole and factored layers', async () => {
      const { status, body } = await post(app, '/v1/lora/adalora-allocate', {
        layers: [
          { name: 'q_proj', deltaW: [[3, 0], [0, 1]] },
          { name: 'v_proj', b: [[1], [0]], a: [[2, 0]] },
        ],
        budget: 2,
        returnFactors: true,
      });
      expect(status).toBe(200);
      expect(body.layers.map((layer: { rank: number }) => layer.rank)).toEqual([1, 1]);
      expect(body.layers[0].name).toBe('q_proj');
      expect(body.layers[0].energyKept).toBeCloseTo(0.9, 15);
      expect(body.layers[1].singularValues[0]).toBeCloseTo(2, 15);
      expect(body.layers[1].energyKept).toBeCloseTo(1, 15);
      expect(body.layers[0].b).toHaveLength(2);
      expect(body.energyKept).toBeCloseTo(13 / 14, 15);
    });

    it('rejects a layer with neither form and an incomplete factor pair', async () => {
      const neither = await post(app, '/v1/lora/adalora-allocate', { layers: [{ name: 'x' }], budget: 1 });
      expect(neither.status).toBe(400);
      expect(neither.body.path).toBe('/layers/0/deltaW');

      const half = await post(app, '/v1/lora/adalora-allocate', { layers: [{ a: [[1, 2]] }], budget: 1 });
      expect(half.status).toBe(400);
      expect(half.body.path).toBe('/layers/0/b');

      const ragged = await post(app, '/v1/lora/adalora-allocate', { layers: [{ deltaW: [[1, 2], [3]] }], budget: 1 });
      expect(ragged.body.code).toBe('RAGGED_MATRIX');
      expect(ragged.body.path).toBe('/layers/0/deltaW');
    });
  });

  describe('POST /v1/lora/nf4', () => {
    it('round-trips the NF4 levels and de-quantises posted codes', async () => {
      const weight = [NF4_LEVELS.map((level) => level * 4)];
      const { status, body } = await post(app, '/v1/lora/nf4', { weight, blockSize: 16 });
      expect(status).toBe(200);
      expect(body.codes).toEqual(Array.from({ length: 16 }, (_, i) => i));
      expect(body.absmax).toEqual([4]);
      expect(body.dequantized).toEqual(weight);
      expect(body.error.maxAbs).toBe(0);
      expect(body.bitsPerValue).toBe(6);

      const back = await post(app, '/v1/lora/nf4', { codes: body.codes, absmax: body.absmax, shape: [1, 16], blockSize: 16 });
      expect(back.status).toBe(200);
      expect(back.body.dequantized).toEqual(weight);
    });

    it('reports the merge error of a LoRA update', async () => {
      const weight = Array.from({ length: 4 }, (_, i) => Array.from({ length: 8 }, (_, j) => Math.sin(i * 8 + j)));
      const { status, body } = await post(app, '/v1/lora/nf4', {
        weight,
        blockSize: 8,
        lora: { b: [[0.1], [0], [0.2], [0]], a: [[1, 0, 0, 0, 0, 0, 0, 1]], scaling: 2 },
      });
      expect(status).toBe(200);
      expect(body.merge.scaling).toBe(2);
      expect(body.merge.mergedError.frobenius).toBeCloseTo(body.error.frobenius, 12);
      expect(body.merge.updateNorm).toBeCloseTo(2 * Math.sqrt(0.1), 12);
      expect(body.merge.requantizedError.frobenius).toBeGreaterThan(0);
    });

    it('nf4 rejects invalid codes and inputs', async () => {
      const short = await post(app, '/v1/lora/nf4', { codes: [1, 2, 3], absmax: [1], shape: [2, 2], blockSize: 64 });
      expect(short.status).toBe(422);
      expect(short.body.code).toBe('SHAPE_MISMATCH');
      expect(short.body.path).toBe('/codes');

      const both = await post(app, '/v1/lora/nf4', { weight: [[1]], codes: [1], absmax: [1], shape: [1, 1] });
      expect(both.status).toBe(400);
      expect(both.body.code).toBe('INVALID_REQUEST');

      const range = await post(app, '/v1/lora/nf4', { codes: [16], absmax: [1], shape: [1, 1] });
      expect(range.status).toBe(400);
      expect(range.body.path).toBe('/codes/0');
    });
  });

  describe('POST /v1/lora/null-space-project', () => {
    it('removes interference on posted activations', async () => {
      const { status, body } = await post(app, '/v1/lora/null-space-project', {
        deltaW: [[1, 2, 3], [4, 5, 6]],
        activations: [[1, 1, 0], [2, 2, 0]],
      });
      expect(status).toBe(200);
      expect(body.subspace.dimension).toBe(1);
      expect(body.interference.before).toBeGreaterThan(1);
      expect(body.interference.after).toBeLessThan(1e-14);
      // (I − uuᵀ) with u = (1, 1, 0)/√2 averages the first two columns.
      expect(body.deltaW[0][0]).toBeCloseTo(-0.5, 14);
      expect(body.deltaW[0][1]).toBeCloseTo(0.5, 14);
      expect(body.deltaW[1][2]).toBeCloseTo(6, 14);
    });

    it('projects factor A against a basis', async () => {
      const { status, body } = await post(app, '/v1/lora/null-space-project', { b: [[1], [2]], a: [[3, 4]], basis: [[1], [0]] });
      expect(status).toBe(200);
      expect(body.a).toEqual([[0, 4]]);
      expect(body.interference.after).toBe(0);
    });

    it('rejects both subspace forms and a basis of the wrong dimension', async () => {
      const both = await post(app, '/v1/lora/null-space-project', { deltaW: [[1, 2]], activations: [[1, 0]], basis: [[1], [0]] });
      expect(both.status).toBe(400);

      const wrong = await post(app, '/v1/lora/null-space-project', { deltaW: [[1, 2]], basis: [[1], [0], [0]] });
      expect(wrong.status).toBe(422);
      expect(wrong.body.code).toBe('SHAPE_MISMATCH');
      expect(wrong.body.path).toBe('/basis');
    });
  });

  describe('POST /v1/positional/*', () => {
    it('sinusoidal: pinned values and an offset-only inner product', async () => {
      const { status, body } = await post(app, '/v1/positional/sinusoidal', { length: 16, dimension: 8, includeGram: true });
      expect(status).toBe(200);
      expect(body.encodings[0]).toEqual([0, 1, 0, 1, 0, 1, 0, 1]);
      expect(body.encodings[1][0]).toBeCloseTo(Math.sin(1), 15);
      expect(body.encodings[1][3]).toBeCloseTo(Math.cos(0.1), 15);
      expect(body.innerProductByOffset).toHaveLength(16);
      expect(body.innerProductByOffset[0].innerProduct).toBeCloseTo(4, 13);
      expect(body.maxDeviationAtEqualOffset).toBeLessThan(1e-12);
      expect(body.gram).toHaveLength(16);
    });

    it('random-fourier: shift-invariant cos-sin features of positions', async () => {
      const { status, body } = await post(app, '/v1/positional/random-fourier', { length: 10, features: 64, lengthScale: 3, seed: 4 });
      expect(status).toBe(200);
      expect(body.featureMatrix).toHaveLength(10);
      expect(body.featureMatrix[0]).toHaveLength(64);
      expect(body.maxDeviationAtEqualOffset).toBeLessThan(1e-13);
      expect(body.innerProductByOffset[0].expected).toBe(1);
      expect(body.kernelError.maxAbs).toBeLessThan(1);
    });

    it('rejects an odd dimension, length with positions and oversized results', async () => {
      const odd = await post(app, '/v1/positional/sinusoidal', { length: 4, dimension: 5 });
      expect(odd.status).toBe(400);
      expect(odd.body.code).toBe('INVALID_PARAMETER');

      const both = await post(app, '/v1/positional/sinusoidal', { length: 4, positions: [1, 2], dimension: 4 });
      expect(both.status).toBe(400);
      expect(both.body.code).toBe('INVALID_REQUEST');

      const huge = await post(app, '/v1/positional/random-fourier', { length: 5000, features: 2 });
      expect(huge.status).toBe(422);
      expect(huge.body.code).toBe('RESULT_TOO_LARGE');
    });
  });
});
