import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { errorCatalogue } from '../../src/errors.js';
import { makeApp, post } from '../helpers.js';

function binary(values: number[], shape: number[], dtype: 'float64' | 'float32' = 'float64') {
  const typed = dtype === 'float64' ? Float64Array.from(values) : Float32Array.from(values);
  return { shape, dtype, data: Buffer.from(typed.buffer).toString('base64') };
}

describe('error catalogue through HTTP', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await makeApp({ maxMatrixElements: 64, bodyLimitBytes: 4096 }, (instance) => {
      instance.post('/test/throws', async () => {
        throw new Error('deliberate failure');
      });
    });
  });
  afterAll(async () => app.close());

  it.each([
    ['INVALID_REQUEST', '/v1/decompositions/svd', {}, '/matrix'],
    ['INVALID_REQUEST', '/v1/decompositions/qr', { matrix: [[1]], mode: 'thin' }, '/mode'],
    ['INVALID_REQUEST', '/v1/decompositions/svd', { matrix: [[1]], fulll: true }, '/fulll'],
    ['INVALID_REQUEST', '/v1/orthogonalization/gram-schmidt', { vectors: [[1, 0]] }, '/layout'],
    ['EMPTY_MATRIX', '/v1/decompositions/svd', { matrix: [] }, '/matrix'],
    ['EMPTY_MATRIX', '/v1/decompositions/svd', { matrix: [[]] }, '/matrix/0'],
    ['RAGGED_MATRIX', '/v1/decompositions/svd', { matrix: [[1, 2], [3]] }, '/matrix'],
    ['NOT_A_NUMBER', '/v1/decompositions/svd', { matrix: [[1, 2], [3, '4']] }, '/matrix/1/1'],
    ['NOT_A_NUMBER', '/v1/decompositions/svd', { matrix: [[1, null]] }, '/matrix/0/1'],
    ['INVALID_MATRIX', '/v1/decompositions/svd', { matrix: 'abc' }, '/matrix'],
    ['INVALID_MATRIX', '/v1/decompositions/svd', { matrix: [1, 2] }, '/matrix/0'],
    ['INVALID_MATRIX', '/v1/decompositions/svd', { matrix: { shape: [2], dtype: 'float64', data: '' } }, '/matrix/shape'],
    ['INVALID_MATRIX', '/v1/decompositions/svd', { matrix: { shape: [1, 1], dtype: 'int8', data: 'AA==' } }, '/matrix/dtype'],
    ['INVALID_BASE64', '/v1/decompositions/svd', { matrix: { shape: [1, 1], dtype: 'float64', data: 'not base64!' } }, '/matrix/data'],
    ['DATA_LENGTH_MISMATCH', '/v1/decompositions/svd', { matrix: binary([1, 2, 3], [2, 2]) }, '/matrix/data'],
    ['NON_FINITE_VALUE', '/v1/decompositions/svd', { matrix: binary([1, Number.NaN], [1, 2]) }, '/matrix/data'],
    ['NON_FINITE_VALUE', '/v1/decompositions/svd', { matrix: binary([Number.POSITIVE_INFINITY], [1, 1], 'float32') }, '/matrix/data'],
    ['MATRIX_TOO_LARGE', '/v1/decompositions/svd', { matrix: Array.from({ length: 9 }, () => Array(9).fill(1)) }, '/matrix'],
    ['INVALID_PARAMETER', '/v1/decompositions/svd', { matrix: [[1, 2], [3, 4]], rank: 3 }, '/rank'],
    ['CONFLICTING_TOLERANCES', '/v1/analysis/rank', { matrix: [[1, 2]], rtol: 1e-3, atol: 1e-3 }, undefined],
    ['NOT_SQUARE', '/v1/analysis/det', { matrix: [[1, 2, 3]] }, '/matrix'],
    ['NOT_SYMMETRIC', '/v1/decompositions/eigh', { matrix: [[1, 2], [3, 1]] }, '/matrix'],
    ['SHAPE_MISMATCH', '/v1/solve/lstsq', { matrix: [[1, 0], [0, 1]], b: [1, 2, 3] }, '/b'],
    ['LINEARLY_DEPENDENT', '/v1/orthogonalization/gram-schmidt', { vectors: [[1, 2], [2, 4]], layout: 'rows' }, '/vectors/1'],
  ])('%s from %s', async (code, url, payload, path) => {
    const reply = await post(app, url, payload);
    expect(reply.body.code).toBe(code);
    expect(reply.status).toBe(errorCatalogue[code as keyof typeof errorCatalogue].status);
    expect(reply.body.statusCode).toBe(reply.status);
    expect(typeof reply.body.message).toBe('string');
    if (path !== undefined) expect(reply.body.path).toBe(path);
  });

  it('names the offending value', async () => {
    const reply = await post(app, '/v1/decompositions/svd', { matrix: [[1, 2], [3, 'four']] });
    expect(reply.body.value).toBe('four');
    expect(reply.body.message).toContain('"four"');
  });

  it('rejects a number that overflows to Infinity in JSON', async () => {
    const response = await app.inject({ method: 'POST', url: '/v1/decompositions/svd', headers: { 'content-type': 'application/json' }, payload: '{"matrix": [[1, 1e999]]}' });
    expect(response.statusCode).toBe(400);
    expect(response.json().code).toBe('NON_FINITE_VALUE');
    expect(response.json().path).toBe('/matrix/0/1');
  });

  it('rejects a full SVD whose U would exceed the element limit', async () => {
    const tall = Array.from({ length: 20 }, (_, i) => [i, 1]);
    const reply = await post(app, '/v1/decompositions/svd', { matrix: tall, full: true });
    expect(reply.status).toBe(422);
    expect(reply.body.code).toBe('RESULT_TOO_LARGE');
  });

  it('rejects malformed JSON with INVALID_JSON', async () => {
    const response = await app.inject({ method: 'POST', url: '/v1/decompositions/svd', headers: { 'content-type': 'application/json' }, payload: '{"matrix": [[1, 2]' });
    expect(response.statusCode).toBe(400);
    expect(response.json().code).toBe('INVALID_JSON');
  });

  it('rejects an empty JSON body with INVALID_JSON', async () => {
    const response = await app.inject({ method: 'POST', url: '/v1/decompositions/svd', headers: { 'content-type': 'application/json' }, payload: '' });
    expect(response.statusCode).toBe(400);
    expect(response.json().code).toBe('INVALID_JSON');
  });

  it('rejects a body over BODY_LIMIT_BYTES with BODY_TOO_LARGE', async () => {
    const response = await app.inject({ method: 'POST', url: '/v1/decompositions/svd', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ matrix: [[1]], pad: 'x'.repeat(5000) }) });
    expect(response.statusCode).toBe(413);
    expect(response.json().code).toBe('BODY_TOO_LARGE');
  });

  it('rejects a non-JSON content type with UNSUPPORTED_MEDIA_TYPE', async () => {
    const response = await app.inject({ method: 'POST', url: '/v1/decompositions/svd', headers: { 'content-type': 'text/csv' }, payload: '1,2\n3,4' });
    expect(response.statusCode).toBe(415);
    expect(response.json().code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('answers an unknown route with NOT_FOUND', async () => {
    const response = await app.inject({ method: 'GET', url: '/v1/nothing-here' });
    expect(response.statusCode).toBe(404);
    expect(response.json().code).toBe('NOT_FOUND');
  });

  it('hides an unexpected failure behind INTERNAL_ERROR', async () => {
    const response = await app.inject({ method: 'POST', url: '/test/throws', payload: {} });
    expect(response.statusCode).toBe(500);
    expect(response.json().code).toBe('INTERNAL_ERROR');
    expect(response.json().message).not.toContain('deliberate');
  });
});
