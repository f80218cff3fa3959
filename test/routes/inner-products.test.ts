import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { makeApp, post } from '../helpers.js';

let app: FastifyInstance;
beforeAll(async () => {
  app = await makeApp();
});
afterAll(async () => {
  await app.close();
});

describe('POST /v1/inner-products', () => {
  it('vectors with weights', async () => {
    const reply = await post(app, '/v1/inner-products/vectors', { x: [1, 0], y: [1, 1], weights: [1, 2] });
    expect(reply.status).toBe(200);
    expect(reply.body.dot).toBe(1);
    expect(reply.body.angleDegrees).toBeCloseTo(45, 12);
    expect(reply.body.weighted.normY).toBeCloseTo(Math.sqrt(3), 15);
  });

  it('zero vector gives null cosine', async () => {
    const reply = await post(app, '/v1/inner-products/vectors', { x: [0, 0], y: [1, 1] });
    expect(reply.status).toBe(200);
    expect(reply.body.cosine).toBeNull();
    expect(reply.body.angle).toBeNull();
  });

  it('Frobenius inner product of matrices', async () => {
    const reply = await post(app, '/v1/inner-products/matrices', { a: [[1, 0], [0, 1]], b: [[1, 1], [0, 1]] });
    expect(reply.status).toBe(200);
    expect(reply.body.frobenius).toBe(2);
    expect(reply.body.distance).toBe(1);
    expect(reply.body.cosine).toBeCloseTo(2 / Math.sqrt(6), 15);
  });

  it('cosine similarity with top pairs', async () => {
    const reply = await post(app, '/v1/inner-products/cosine-similarity', { vectors: [[1, 0, 1], [0, 1, 1]], layout: 'columns', top: 1 });
    expect(reply.status).toBe(200);
    expect(reply.body.count).toBe(3);
    expect(reply.body.topPairs).toEqual([{ i: 0, j: 2, cosine: expect.closeTo(Math.SQRT1_2, 15) }]);
    expect(reply.body.matrix).toHaveLength(3);
  });

  it('cosine similarity without the matrix', async () => {
    const reply = await post(app, '/v1/inner-products/cosine-similarity', { vectors: [[1, 0], [1, 1]], layout: 'rows', includeMatrix: false });
    expect(reply.body.matrix).toBeUndefined();
    expect(reply.body.topPairs).toHaveLength(1);
  });
});

describe('POST /v1/inner-products errors', () => {
  it('SHAPE_MISMATCH for vectors of different lengths', async () => {
    const reply = await post(app, '/v1/inner-products/vectors', { x: [1, 2], y: [1, 2, 3] });
    expect(reply.status).toBe(422);
    expect(reply.body.code).toBe('SHAPE_MISMATCH');
    expect(reply.body.shapes).toEqual({ x: [2], y: [3] });
  });

  it('SHAPE_MISMATCH for weights and matrices of other shapes', async () => {
    const weights = await post(app, '/v1/inner-products/vectors', { x: [1, 2], y: [1, 2], weights: [1] });
    expect(weights.body.code).toBe('SHAPE_MISMATCH');
    expect(weights.body.path).toBe('/weights');
    const matrices = await post(app, '/v1/inner-products/matrices', { a: [[1, 2]], b: [[1], [2]] });
    expect(matrices.body.code).toBe('SHAPE_MISMATCH');
    expect(matrices.body.shapes).toEqual({ a: [1, 2], b: [2, 1] });
  });

  it('INVALID_PARAMETER for a non-positive weight', async () => {
    const reply = await post(app, '/v1/inner-products/vectors', { x: [1, 2], y: [1, 2], weights: [1, 0] });
    expect(reply.status).toBe(400);
    expect(reply.body.code).toBe('INVALID_PARAMETER');
    expect(reply.body.path).toBe('/weights/1');
  });

  it('INVALID_MATRIX for a matrix where a vector is expected', async () => {
    const reply = await post(app, '/v1/inner-products/vectors', { x: [[1, 2], [3, 4]], y: [1, 2] });
    expect(reply.status).toBe(400);
    expect(reply.body.code).toBe('INVALID_MATRIX');
  });

  it('ZERO_NORM_VECTOR points at the vector in the caller layout', async () => {
    const rows = await post(app, '/v1/inner-products/cosine-similarity', { vectors: [[1, 0], [0, 0]], layout: 'rows' });
    expect(rows.status).toBe(422);
    expect(rows.body.code).toBe('ZERO_NORM_VECTOR');
    expect(rows.body.path).toBe('/vectors/1');
    const columns = await post(app, '/v1/inner-products/cosine-similarity', { vectors: [[0, 1], [0, 1]], layout: 'columns' });
    expect(columns.body.path).toBe('/vectors (column 0)');
  });
});
