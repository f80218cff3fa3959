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

const xyPlane = [[1, 0, 0], [0, 1, 0]];
const planeXEqualsY = [[1, 1, 0], [0, 0, 1]];

describe('POST /v1/subspaces', () => {
  it('membership with one vector and with several', async () => {
    const one = await post(app, '/v1/subspaces/membership', { U: xyPlane, v: [3, 4, 0], layout: 'rows' });
    expect(one.status).toBe(200);
    expect(one.body.member).toBe(true);
    expect(one.body.dimension).toBe(2);
    expect(one.body.tolerance.rule).toBe('default');

    const several = await post(app, '/v1/subspaces/membership', { U: [[1, 0], [0, 1], [0, 0]], v: [[3, 0], [4, 0], [0, 2]], layout: 'columns' });
    expect(several.body.member).toEqual([true, false]);
    expect(several.body.residualNorm).toEqual([0, 2]);
  });

  it('projection returns both parts in the caller layout', async () => {
    const reply = await post(app, '/v1/subspaces/projection', { U: xyPlane, v: [[1, 2, 3], [0, 0, 5]], layout: 'rows', includeProjector: true });
    expect(reply.status).toBe(200);
    expect(reply.body.projection).toEqual([[1, 2, 0], [0, 0, 0]]);
    expect(reply.body.complement).toEqual([[0, 0, 3], [0, 0, 5]]);
    expect(reply.body.projector).toEqual([[1, 0, 0], [0, 1, 0], [0, 0, 0]]);
  });

  it('sum and intersection of two planes in ℝ³', async () => {
    const sum = await post(app, '/v1/subspaces/sum', { U: xyPlane, W: planeXEqualsY, layout: 'rows' });
    expect(sum.status).toBe(200);
    expect(sum.body.dimension).toBe(3);
    expect(sum.body.dimensions.formulaHolds).toBe(true);

    const intersection = await post(app, '/v1/subspaces/intersection', { U: xyPlane, W: planeXEqualsY, layout: 'rows' });
    expect(intersection.body.dimension).toBe(1);
    const [line] = intersection.body.basis;
    expect(line[0]).toBeCloseTo(Math.SQRT1_2, 15);
    expect(line[1]).toBeCloseTo(Math.SQRT1_2, 15);
    expect(line[2]).toBe(0);
  });

  it('direct sum splits (3, 2) over two lines', async () => {
    const reply = await post(app, '/v1/subspaces/direct-sum', { U: [[1, 0]], W: [[1, 1]], v: [3, 2], layout: 'rows' });
    expect(reply.status).toBe(200);
    expect(reply.body.direct).toBe(true);
    expect(reply.body.complementary).toBe(true);
    expect(reply.body.decomposition.x[0]).toBeCloseTo(1, 14);
    expect(reply.body.decomposition.y[1]).toBeCloseTo(2, 14);
  });

  it('direct sum of meeting planes has no decomposition', async () => {
    const reply = await post(app, '/v1/subspaces/direct-sum', { U: xyPlane, W: planeXEqualsY, v: [1, 1, 1], layout: 'rows' });
    expect(reply.body.direct).toBe(false);
    expect(reply.body.decomposition).toBeNull();
    expect(reply.body.intersectionBasis).toHaveLength(1);
  });

  it('angles of identical planes are below 1e-15', async () => {
    const reply = await post(app, '/v1/subspaces/angles', { U: [[1, 2, 3], [4, 5, 6]], W: [[1, 2, 3], [4, 5, 6]], layout: 'rows' });
    expect(reply.status).toBe(200);
    for (const angle of reply.body.angles) expect(angle).toBeLessThan(1e-15);
  });

  it('angles of two lines at 45°', async () => {
    const reply = await post(app, '/v1/subspaces/angles', { U: [[1, 0]], W: [[1, 1]], layout: 'rows' });
    expect(reply.body.angles[0]).toBeCloseTo(Math.PI / 4, 15);
    expect(reply.body.degrees[0]).toBeCloseTo(45, 12);
  });

  it('base64 input gives base64 bases', async () => {
    const data = Buffer.from(new Float64Array([1, 0, 0, 0, 1, 0]).buffer).toString('base64');
    const reply = await post(app, '/v1/subspaces/sum', { U: { shape: [2, 3], dtype: 'float64', data }, W: [[0, 0, 1]], layout: 'rows' });
    expect(reply.status).toBe(200);
    expect(reply.body.basis.shape).toEqual([3, 3]);
  });
});

describe('POST /v1/subspaces errors', () => {
  it('SHAPE_MISMATCH names both shapes', async () => {
    const reply = await post(app, '/v1/subspaces/sum', { U: xyPlane, W: [[1, 0]], layout: 'rows' });
    expect(reply.status).toBe(422);
    expect(reply.body.code).toBe('SHAPE_MISMATCH');
    expect(reply.body.shapes).toEqual({ U: [2, 3], W: [1, 2] });
    expect(reply.body.message).toContain('[2, 3]');
    expect(reply.body.message).toContain('[1, 2]');
  });

  it('SHAPE_MISMATCH for v of the wrong length', async () => {
    const reply = await post(app, '/v1/subspaces/membership', { U: xyPlane, v: [1, 2], layout: 'rows' });
    expect(reply.status).toBe(422);
    expect(reply.body.code).toBe('SHAPE_MISMATCH');
    expect(reply.body.path).toBe('/v');
  });

  it('INVALID_REQUEST for a missing or unknown layout', async () => {
    const missing = await post(app, '/v1/subspaces/angles', { U: xyPlane, W: xyPlane });
    expect(missing.status).toBe(400);
    expect(missing.body.code).toBe('INVALID_REQUEST');
    expect(missing.body.path).toBe('/layout');

    const unknown = await post(app, '/v1/subspaces/angles', { U: xyPlane, W: xyPlane, layout: 'diagonal' });
    expect(unknown.body.code).toBe('INVALID_REQUEST');
    expect(unknown.body.allowed).toEqual(['rows', 'columns']);
  });

  it('CONFLICTING_TOLERANCES for rtol and atol together', async () => {
    const reply = await post(app, '/v1/subspaces/intersection', { U: xyPlane, W: xyPlane, layout: 'rows', rtol: 1e-8, atol: 1e-8 });
    expect(reply.status).toBe(400);
    expect(reply.body.code).toBe('CONFLICTING_TOLERANCES');
  });

  it('RAGGED_MATRIX and NOT_A_NUMBER from the wire format', async () => {
    const ragged = await post(app, '/v1/subspaces/sum', { U: [[1, 0, 0], [1]], W: xyPlane, layout: 'rows' });
    expect(ragged.body.code).toBe('RAGGED_MATRIX');
    const text = await post(app, '/v1/subspaces/membership', { U: xyPlane, v: [1, 'x', 0], layout: 'rows' });
    expect(text.body.code).toBe('NOT_A_NUMBER');
    expect(text.body.path).toBe('/v/1');
  });

  it('RESULT_TOO_LARGE for a projector beyond the element limit', async () => {
    const small = await makeApp({ maxMatrixElements: 8 });
    try {
      const reply = await post(small, '/v1/subspaces/projection', { U: [[1, 0, 0]], v: [1, 2, 3], layout: 'rows', includeProjector: true });
      expect(reply.status).toBe(422);
      expect(reply.body.code).toBe('RESULT_TOO_LARGE');
    } finally {
      await small.close();
    }
  });
});
