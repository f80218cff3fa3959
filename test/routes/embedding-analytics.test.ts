import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { makeApp, post, randomMatrix, seededRandom } from '../helpers.js';
import { toRows } from '../../src/compute/dense.js';

let app: FastifyInstance;
beforeAll(async () => {
  app = await makeApp();
});
afterAll(async () => {
  await app.close();
});

describe('POST /v1/analytics', () => {
  it('superposition of three features in the plane', async () => {
    const s = Math.sqrt(3) / 2;
    const reply = await post(app, '/v1/analytics/superposition', { features: [[1, 0], [-0.5, s], [-0.5, -s]], layout: 'rows', sparsity: 0.9 });
    expect(reply.status).toBe(200);
    expect(reply.body.ratio).toBe(1.5);
    expect(reply.body.interference.maxAbsCosine).toBeCloseTo(0.5, 15);
    expect(reply.body.expected.meanSquaredInterference).toBeCloseTo(0.05, 15);
    expect(reply.body.expected.formula).toContain('p·Σ');
    expect(reply.body.gram).toHaveLength(3);
    expect(reply.body.neighbours).toHaveLength(3);
  });

  it('PCA of points on a line', async () => {
    const reply = await post(app, '/v1/analytics/pca', { data: [[3, 4], [6, 8], [-3, -4], [0, 0]], components: 1 });
    expect(reply.status).toBe(200);
    expect(reply.body.components[0][0]).toBeCloseTo(0.6, 15);
    expect(reply.body.components[0][1]).toBeCloseTo(0.8, 15);
    expect(reply.body.explainedVarianceRatio[0]).toBeCloseTo(1, 15);
    expect(reply.body.projections).toHaveLength(4);
    expect(reply.body.sampled).toBe(false);
  });

  it('PCA states the sample cap when it samples', async () => {
    const data = toRows(randomMatrix(40, 3, seededRandom(1)));
    const reply = await post(app, '/v1/analytics/pca', { data, maxSamples: 10, includeProjections: false });
    expect(reply.body.sampled).toBe(true);
    expect(reply.body.samplesUsed).toBe(10);
    expect(reply.body.maxSamples).toBe(10);
    expect(reply.body.sampleIndices).toHaveLength(10);
    expect(reply.body.projections).toBeUndefined();
  });
});

describe('POST /v1/analytics errors', () => {
  it('ZERO_NORM_VECTOR for a zero feature', async () => {
    const reply = await post(app, '/v1/analytics/superposition', { features: [[1, 0], [0, 0]], layout: 'rows' });
    expect(reply.status).toBe(422);
    expect(reply.body.code).toBe('ZERO_NORM_VECTOR');
    expect(reply.body.path).toBe('/features/1');
  });

  it('INVALID_PARAMETER for a single feature', async () => {
    const reply = await post(app, '/v1/analytics/superposition', { features: [[1, 0]], layout: 'rows' });
    expect(reply.status).toBe(400);
    expect(reply.body.code).toBe('INVALID_PARAMETER');
  });

  it('INVALID_REQUEST for sparsity 1', async () => {
    const reply = await post(app, '/v1/analytics/superposition', { features: [[1, 0], [0, 1]], layout: 'rows', sparsity: 1 });
    expect(reply.status).toBe(400);
    expect(reply.body.code).toBe('INVALID_REQUEST');
    expect(reply.body.path).toBe('/sparsity');
  });

  it('INVALID_PARAMETER for more components than the data has', async () => {
    const reply = await post(app, '/v1/analytics/pca', { data: [[1, 2], [3, 4], [5, 7]], components: 3 });
    expect(reply.status).toBe(400);
    expect(reply.body.code).toBe('INVALID_PARAMETER');
    expect(reply.body.path).toBe('/components');
  });

  it('INVALID_PARAMETER for a single sample', async () => {
    const reply = await post(app, '/v1/analytics/pca', { data: [[1, 2]] });
    expect(reply.body.code).toBe('INVALID_PARAMETER');
    expect(reply.body.path).toBe('/data');
  });

  it('INVALID_REQUEST for a sample cap above the limit', async () => {
    const reply = await post(app, '/v1/analytics/pca', { data: [[1, 2], [3, 4]], maxSamples: 1_000_000 });
    expect(reply.body.code).toBe('INVALID_REQUEST');
    expect(reply.body.path).toBe('/maxSamples');
  });

  it('RESULT_TOO_LARGE for a Gram matrix beyond the element limit', async () => {
    const small = await makeApp({ maxMatrixElements: 10 });
    try {
      const reply = await post(small, '/v1/analytics/superposition', { features: [[1], [2], [3], [4]], layout: 'rows' });
      expect(reply.status).toBe(422);
      expect(reply.body.code).toBe('RESULT_TOO_LARGE');
    } finally {
      await small.close();
    }
  });
});
