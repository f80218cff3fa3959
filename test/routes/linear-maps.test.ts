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

describe('POST /v1/linear-maps', () => {
  it('compose applies maps in order', async () => {
    const reply = await post(app, '/v1/linear-maps/compose', { maps: [[[1, 0]], [[1], [1]]] });
    expect(reply.status).toBe(200);
    expect(reply.body.matrix).toEqual([[1, 0], [1, 0]]);
    expect(reply.body.shape).toEqual([2, 2]);
  });

  it('inverse with verdicts', async () => {
    const good = await post(app, '/v1/linear-maps/inverse', { matrix: [[2, 0], [0, 4]] });
    expect(good.body.verdict).toBe('invertible');
    expect(good.body.inverse).toEqual([[0.5, 0], [0, 0.25]]);
    expect(good.body.condition).toBe(2);

    const singular = await post(app, '/v1/linear-maps/inverse', { matrix: [[1, 2], [2, 4]] });
    expect(singular.status).toBe(200);
    expect(singular.body.verdict).toBe('singular');
    expect(singular.body.inverse).toBeNull();
  });

  it('kernel and image of a rank-one map', async () => {
    const reply = await post(app, '/v1/linear-maps/kernel-image', { matrix: [[1, 2], [2, 4]] });
    expect(reply.status).toBe(200);
    expect(reply.body.kernel.dimension).toBe(1);
    expect(reply.body.image.dimension).toBe(1);
    expect(reply.body.rankNullity.holds).toBe(true);
    const [[k0], [k1]] = reply.body.kernel.basis;
    expect(k0 + 2 * k1).toBeCloseTo(0, 15);
  });

  it('linearity of a matrix and of samples', async () => {
    const matrix = await post(app, '/v1/linear-maps/linearity', { matrix: [[1, 2], [3, 4]] });
    expect(matrix.body.given).toBe('matrix');
    expect(matrix.body.linear).toBe(true);

    const affine = await post(app, '/v1/linear-maps/linearity', { inputs: [[1, 0], [0, 1], [1, 1]], outputs: [[3], [4], [6]] });
    expect(affine.body.verdict).toBe('affine');
    expect(affine.body.affineFit.intercept[0]).toBeCloseTo(1, 13);
  });
});

describe('POST /v1/linear-maps errors', () => {
  it('SHAPE_MISMATCH names both maps', async () => {
    const reply = await post(app, '/v1/linear-maps/compose', { maps: [[[1, 0]], [[1, 2]]] });
    expect(reply.status).toBe(422);
    expect(reply.body.code).toBe('SHAPE_MISMATCH');
    expect(reply.body.shapes).toEqual({ 'maps/0': [1, 2], 'maps/1': [1, 2] });
  });

  it('NOT_SQUARE for the inverse of a wide matrix', async () => {
    const reply = await post(app, '/v1/linear-maps/inverse', { matrix: [[1, 2, 3]] });
    expect(reply.status).toBe(422);
    expect(reply.body.code).toBe('NOT_SQUARE');
  });

  it('SHAPE_MISMATCH for unequal sample counts', async () => {
    const reply = await post(app, '/v1/linear-maps/linearity', { inputs: [[1], [2]], outputs: [[1]] });
    expect(reply.status).toBe(422);
    expect(reply.body.code).toBe('SHAPE_MISMATCH');
    expect(reply.body.shapes).toEqual({ inputs: [2, 1], outputs: [1, 1] });
  });

  it('INVALID_PARAMETER for a matrix and samples together', async () => {
    const reply = await post(app, '/v1/linear-maps/linearity', { matrix: [[1]], inputs: [[1]], outputs: [[1]] });
    expect(reply.status).toBe(400);
    expect(reply.body.code).toBe('INVALID_PARAMETER');
  });

  it('INVALID_REQUEST for nothing or half the samples', async () => {
    const nothing = await post(app, '/v1/linear-maps/linearity', {});
    expect(nothing.body.code).toBe('INVALID_REQUEST');
    const half = await post(app, '/v1/linear-maps/linearity', { inputs: [[1]] });
    expect(half.body.code).toBe('INVALID_REQUEST');
    expect(half.body.path).toBe('/outputs');
  });

  it('INVALID_REQUEST for an empty list of maps', async () => {
    const reply = await post(app, '/v1/linear-maps/compose', { maps: [] });
    expect(reply.status).toBe(400);
    expect(reply.body.code).toBe('INVALID_REQUEST');
  });
});
