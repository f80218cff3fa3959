import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { makeApp, post } from '../helpers.js';

function encode(values: number[], shape: number[], dtype: 'float64' | 'float32' = 'float64') {
  const typed = dtype === 'float64' ? Float64Array.from(values) : Float32Array.from(values);
  return { shape, dtype, data: Buffer.from(typed.buffer).toString('base64') };
}

function decode(binary: { shape: number[]; dtype: string; data: string }): number[] {
  const bytes = Buffer.from(binary.data, 'base64');
  const copy = new Uint8Array(bytes);
  return Array.from(binary.dtype === 'float64' ? new Float64Array(copy.buffer) : new Float32Array(copy.buffer));
}

describe('linear-algebra endpoints', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await makeApp();
  });
  afterAll(async () => app.close());

  it('svd returns hand-checked factors and its guarantees', async () => {
    const { status, body } = await post(app, '/v1/decompositions/svd', { matrix: [[3, 0], [4, 5]] });
    expect(status).toBe(200);
    expect(body.s[0]).toBeCloseTo(3 * Math.sqrt(5), 14);
    expect(body.s[1]).toBeCloseTo(Math.sqrt(5), 14);
    expect(body.u).toHaveLength(2);
    expect(body.reconstructionError).toBeLessThan(1e-15);
    expect(body.orthogonalityError.u).toBeLessThan(1e-15);
    expect(body.signRule).toMatch(/largest magnitude/);
    expect(body.computeDtype).toBe('float64');
  });

  it('svd answers in the binary form when asked in it', async () => {
    const { status, body } = await post(app, '/v1/decompositions/svd', { matrix: encode([3, 0, 4, 5], [2, 2]) });
    expect(status).toBe(200);
    expect(body.s.shape).toEqual([2]);
    expect(body.u.shape).toEqual([2, 2]);
    expect(decode(body.s)[0]).toBeCloseTo(3 * Math.sqrt(5), 14);
  });

  it('keeps float32 input as float32 in the reply and honours format', async () => {
    const float32 = await post(app, '/v1/decompositions/svd', { matrix: encode([3, 0, 4, 5], [2, 2], 'float32') });
    expect(float32.body.s.dtype).toBe('float32');
    expect(decode(float32.body.s)[0]).toBeCloseTo(3 * Math.sqrt(5), 5);
    const json = await post(app, '/v1/decompositions/svd', { matrix: encode([3, 0, 4, 5], [2, 2]), format: 'json' });
    expect(Array.isArray(json.body.s)).toBe(true);
    const binary = await post(app, '/v1/decompositions/svd', { matrix: [[3, 0], [4, 5]], format: 'base64' });
    expect(binary.body.s.dtype).toBe('float64');
  });

  it('svd truncates to rank k with the Eckart–Young error', async () => {
    const { body } = await post(app, '/v1/decompositions/svd', { matrix: [[3, 0], [4, 5]], rank: 1 });
    expect(body.s).toHaveLength(1);
    expect(body.truncationError).toBeCloseTo(Math.sqrt(5), 14);
  });

  it('svd full mode completes U of a tall matrix', async () => {
    const { body } = await post(app, '/v1/decompositions/svd', { matrix: [[1, 0], [0, 1], [1, 1]], full: true });
    expect(body.u).toHaveLength(3);
    expect(body.u[0]).toHaveLength(3);
    expect(body.v).toHaveLength(2);
  });

  it('qr pivots and echoes the permutation', async () => {
    const { body } = await post(app, '/v1/decompositions/qr', { matrix: [[1, 0, 10], [0, 1, 0]], pivoting: true });
    expect(body.permutation[0]).toBe(2);
    expect(body.r[0][0]).toBeCloseTo(10, 14);
    expect(body.reconstructionError).toBeLessThan(1e-15);
    expect(body.orthogonalityError).toBeLessThan(1e-15);
  });

  it('eigh symmetrizes only when asked', async () => {
    const { body } = await post(app, '/v1/decompositions/eigh', { matrix: [[1, 2], [3, 1]], symmetrize: 'upper' });
    expect(body.eigenvalues[0]).toBeCloseTo(-1, 14);
    expect(body.eigenvalues[1]).toBeCloseTo(3, 14);
    expect(body.symmetrize).toBe('upper');
    expect(body.maxAsymmetry).toBe(1);
    expect(body.order).toBe('ascending');
  });

  it('rank reads a flat array as a 1×n matrix and echoes the tolerance', async () => {
    const { body } = await post(app, '/v1/analysis/rank', { matrix: [3, 4] });
    expect(body.shape).toEqual([1, 2]);
    expect(body.rank).toBe(1);
    expect(body.singularValues).toEqual([5]);
    expect(body.tolerance).toEqual({ value: 5 * 2 * Number.EPSILON, rule: 'default', rtol: 2 * Number.EPSILON, atol: null });
  });

  it('rank is the same for the matrix scaled by 1e-9 and 1e9', async () => {
    const matrix = [[1, 2, 3], [2, 4, 6], [1, 0, 1]];
    for (const factor of [1, 1e-9, 1e9]) {
      const { body } = await post(app, '/v1/analysis/rank', { matrix: matrix.map((row) => row.map((x) => x * factor)) });
      expect(body.rank).toBe(2);
    }
  });

  it('nullspace of a wide matrix is complete', async () => {
    const { body } = await post(app, '/v1/analysis/nullspace', { matrix: [[1, 2, 3, 4]] });
    expect(body.nullity).toBe(3);
    expect(body.basis).toHaveLength(4);
    expect(body.basis[0]).toHaveLength(3);
    expect(body.residual).toBeLessThan(1e-15);
  });

  it('subspaces reports the four bases and rank–nullity', async () => {
    const { body } = await post(app, '/v1/analysis/subspaces', { matrix: [[1, 2], [2, 4], [3, 6]] });
    expect(body.rank).toBe(1);
    expect(body.columnSpace.dimension).toBe(1);
    expect(body.rowSpace.dimension).toBe(1);
    expect(body.nullspace.dimension).toBe(1);
    expect(body.leftNullspace.dimension).toBe(2);
    expect(body.rankNullity.holds).toBe(true);
  });

  it('gram-schmidt works on rows and drops dependent vectors', async () => {
    const { body } = await post(app, '/v1/orthogonalization/gram-schmidt', { vectors: [[3, 4], [6, 8], [1, 0]], layout: 'rows', dropDependent: true });
    expect(body.method).toBe('reorthogonalized');
    expect(body.dropped).toEqual([1]);
    expect(body.basis[0][0]).toBeCloseTo(0.6, 15);
    expect(body.basis[1][0]).toBeCloseTo(0.8, 15);
    expect(body.orthogonalityError).toBeLessThan(1e-15);
  });

  it('lstsq solves a vector right-hand side', async () => {
    const { body } = await post(app, '/v1/solve/lstsq', { matrix: [[1, 0], [1, 1], [1, 2]], b: [6, 0, 0] });
    expect(body.solution[0]).toBeCloseTo(5, 13);
    expect(body.solution[1]).toBeCloseTo(-3, 13);
    expect(body.residuals[0]).toBeCloseTo(6, 12);
  });

  it('pinv, det, cond and norm return hand-checked values', async () => {
    const pinv = await post(app, '/v1/analysis/pinv', { matrix: [[2, 0], [0, 4]] });
    expect(pinv.body.pinv).toEqual([[0.5, 0], [0, 0.25]]);
    const det = await post(app, '/v1/analysis/det', { matrix: [[1, 2], [3, 4]] });
    expect(det.body.det).toBeCloseTo(-2, 14);
    const singular = await post(app, '/v1/analysis/cond', { matrix: [[1, 2], [2, 4]] });
    expect(singular.body).toMatchObject({ cond: null, singular: true, rank: 1 });
    const norm = await post(app, '/v1/analysis/norm', { matrix: [[3, 0], [4, 5]], ord: 'inf' });
    expect(norm.body.norm).toBe(9);
  });

  it('never shows a signed zero', async () => {
    const { body } = await post(app, '/v1/decompositions/svd', { matrix: [[0, 0], [0, 0]] });
    expect(JSON.stringify(body)).not.toContain('-0,');
    expect(body.s).toEqual([0, 0]);
  });

  it('serves the OpenAPI document with every route', async () => {
    const response = await app.inject({ method: 'GET', url: '/docs/json' });
    const paths = Object.keys(response.json().paths);
    for (const route of ['/v1/decompositions/svd', '/v1/decompositions/qr', '/v1/decompositions/eigh', '/v1/analysis/rank', '/v1/analysis/nullspace', '/v1/analysis/subspaces', '/v1/orthogonalization/gram-schmidt', '/v1/solve/lstsq', '/v1/analysis/pinv', '/v1/analysis/det', '/v1/analysis/cond', '/v1/analysis/norm']) {
      expect(paths).toContain(route);
    }
  });

  it('echoes a request id', async () => {
    const response = await app.inject({ method: 'GET', url: '/health/live', headers: { 'x-request-id': 'abc-123' } });
    expect(response.headers['x-request-id']).toBe('abc-123');
  });
});
