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

describe('POST /v1/bases', () => {
  it('independence of dependent rows', async () => {
    const reply = await post(app, '/v1/bases/independence', { vectors: [[1, 2, 3], [2, 4, 6]], layout: 'rows' });
    expect(reply.status).toBe(200);
    expect(reply.body.independent).toBe(false);
    expect(reply.body.rank).toBe(1);
    expect(reply.body.condition).toBeNull();
  });

  it('basis names the chosen vectors', async () => {
    const reply = await post(app, '/v1/bases/basis', { vectors: [[1, 0, 0], [2, 0, 0], [0, 1, 0], [1, 1, 0]], layout: 'rows' });
    expect(reply.status).toBe(200);
    expect(reply.body.chosen).toEqual([1, 3]);
    expect(reply.body.dropped).toEqual([0, 2]);
    expect(reply.body.basis).toEqual([[2, 0, 0], [1, 1, 0]]);
  });

  it('coordinates of (3, 2) in (1, 0), (1, 1)', async () => {
    const reply = await post(app, '/v1/bases/coordinates', { basis: [[1, 0], [1, 1]], v: [3, 2], layout: 'rows' });
    expect(reply.status).toBe(200);
    expect(reply.body.coordinates[0]).toBeCloseTo(1, 15);
    expect(reply.body.coordinates[1]).toBeCloseTo(2, 15);
    expect(reply.body.inSpan).toBe(true);
  });

  it('dimension of a span', async () => {
    const reply = await post(app, '/v1/bases/dimension', { vectors: [[1, 0, 1], [0, 1, 1], [1, 1, 2]], layout: 'rows' });
    expect(reply.body.dimension).toBe(2);
    expect(reply.body.ambientDimension).toBe(3);
  });

  it('change of basis with a map and a vector', async () => {
    const reply = await post(app, '/v1/bases/change-of-basis', { to: [[1, 0], [1, 1]], layout: 'rows', map: [[2, 0], [0, 3]], v: [3, 2] });
    expect(reply.status).toBe(200);
    expect(reply.body.standardFrom).toBe(true);
    expect(reply.body.coordinates.to[0]).toBeCloseTo(1, 15);
    expect(reply.body.coordinates.to[1]).toBeCloseTo(2, 15);
    expect(reply.body.inverseError).toBeLessThan(1e-15);
    // [T]_C = C⁻¹·diag(2, 3)·C with C = [[1, 1], [0, 1]]: [[2, −1], [0, 3]].
    const mapped = reply.body.mapInTo.flat();
    [2, -1, 0, 3].forEach((value, i) => expect(mapped[i]).toBeCloseTo(value, 14));
  });
});

describe('POST /v1/bases errors', () => {
  it('NOT_A_BASIS for a dependent basis', async () => {
    const reply = await post(app, '/v1/bases/coordinates', { basis: [[1, 2], [2, 4]], v: [1, 2], layout: 'rows' });
    expect(reply.status).toBe(422);
    expect(reply.body.code).toBe('NOT_A_BASIS');
    expect(reply.body.path).toBe('/basis');
    expect(reply.body.rank).toBe(1);
  });

  it('SHAPE_MISMATCH for coordinates of a vector of the wrong length', async () => {
    const reply = await post(app, '/v1/bases/coordinates', { basis: [[1, 0], [1, 1]], v: [1, 2, 3], layout: 'rows' });
    expect(reply.status).toBe(422);
    expect(reply.body.code).toBe('SHAPE_MISMATCH');
    expect(reply.body.shapes).toEqual({ basis: [2, 2], v: [1, 3] });
  });

  it('SHAPE_MISMATCH for basis and map sizes', async () => {
    const sizes = await post(app, '/v1/bases/change-of-basis', { from: [[1, 0, 0]], to: [[1, 0, 0], [0, 1, 0]], layout: 'rows' });
    expect(sizes.body.code).toBe('SHAPE_MISMATCH');
    expect(sizes.body.path).toBe('/from');
    const map = await post(app, '/v1/bases/change-of-basis', { to: [[1, 0], [1, 1]], layout: 'rows', map: [[1, 2, 3]] });
    expect(map.body.code).toBe('SHAPE_MISMATCH');
    expect(map.body.path).toBe('/map');
  });

  it('SHAPE_MISMATCH for too few vectors without from', async () => {
    const reply = await post(app, '/v1/bases/change-of-basis', { to: [[1, 0, 0], [0, 1, 0]], layout: 'rows' });
    expect(reply.status).toBe(422);
    expect(reply.body.code).toBe('SHAPE_MISMATCH');
    expect(reply.body.path).toBe('/to');
    expect(reply.body.message).toContain('send from as well');
  });

  it('DIFFERENT_SPANS for bases of different planes', async () => {
    const reply = await post(app, '/v1/bases/change-of-basis', { from: [[1, 0, 0], [0, 1, 0]], to: [[1, 0, 0], [0, 0, 1]], layout: 'rows' });
    expect(reply.status).toBe(422);
    expect(reply.body.code).toBe('DIFFERENT_SPANS');
    expect(reply.body.largestAngle).toBeCloseTo(Math.PI / 2, 15);
  });

  it('NOT_A_BASIS for a dependent target basis', async () => {
    const reply = await post(app, '/v1/bases/change-of-basis', { to: [[1, 1], [2, 2]], layout: 'rows' });
    expect(reply.body.code).toBe('NOT_A_BASIS');
    expect(reply.body.path).toBe('/to');
  });

  it('INVALID_REQUEST for a negative rtol', async () => {
    const reply = await post(app, '/v1/bases/independence', { vectors: [[1]], layout: 'rows', rtol: -1 });
    expect(reply.status).toBe(400);
    expect(reply.body.code).toBe('INVALID_REQUEST');
    expect(reply.body.path).toBe('/rtol');
  });

  it('EMPTY_MATRIX for no vectors', async () => {
    const reply = await post(app, '/v1/bases/basis', { vectors: [], layout: 'rows' });
    expect(reply.body.code).toBe('EMPTY_MATRIX');
  });
});
