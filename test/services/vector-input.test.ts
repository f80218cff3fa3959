import { describe, expect, it } from 'vitest';

import type { CollectionRecord } from '../../src/db/collections.js';
import { DomainError } from '../../src/errors.js';
import { readFilter } from '../../src/services/metadata-filter.js';
import { FLOAT32_MAX, readVector } from '../../src/services/vector-input.js';

const cosine: CollectionRecord = { id: 1, tenant: 'default', name: 'c', dimensions: 2, metric: 'cosine', model: null, hnswM: 16, hnswEfConstruction: 64, createdAt: '', embedderId: null };

function rejection(action: () => unknown): DomainError {
  try {
    action();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError');
}

describe('readVector', () => {
  it('accepts float32 extremes', () => {
    expect(readVector([FLOAT32_MAX / 1e20, -1e-38], '/v', cosine)).toEqual([FLOAT32_MAX / 1e20, -1e-38]);
  });

  it('rejects with codes and paths', () => {
    expect(rejection(() => readVector([1], '/v', cosine))).toMatchObject({ code: 'DIMENSION_MISMATCH', params: { path: '/v', expected: 2, got: 1 } });
    expect(rejection(() => readVector([1, Number.NaN], '/v', cosine))).toMatchObject({ code: 'NON_FINITE_VALUE', params: { path: '/v/1', value: 'NaN' } });
    expect(rejection(() => readVector([-3.41e38, 0], '/v', cosine))).toMatchObject({ code: 'VALUE_OUT_OF_RANGE', params: { path: '/v/0' } });
    expect(rejection(() => readVector([1e-46, 0], '/v', cosine))).toMatchObject({ code: 'ZERO_NORM_VECTOR', params: { path: '/v' } });
    expect(rejection(() => readVector('1,2', '/v', cosine))).toMatchObject({ code: 'INVALID_PARAMETER' });
    expect(readVector([0, 0], '/v', { ...cosine, metric: 'l2' })).toEqual([0, 0]);
  });
});

describe('readFilter', () => {
  it('reads every operator', () => {
    expect(readFilter({ a: 'x', b: { in: [1, 'two', null] }, c: { gte: 3, lt: '2024-05-01' }, d: { ne: true, nin: [false] } })).toEqual([
      { key: 'a', op: 'eq', value: 'x' },
      { key: 'b', op: 'in', values: [1, 'two', null] },
      { key: 'c', op: 'gte', kind: 'number', value: 3 },
      { key: 'c', op: 'lt', kind: 'date', value: '2024-05-01' },
      { key: 'd', op: 'ne', value: true },
      { key: 'd', op: 'nin', values: [false] },
    ]);
  });

  it('rejects with the JSON pointer', () => {
    expect(rejection(() => readFilter({ 'a/b': { in: [] } }))).toMatchObject({ code: 'INVALID_FILTER', params: { path: '/filter/a~1b/in' } });
    expect(rejection(() => readFilter({ a: { gt: 'yesterday' } }))).toMatchObject({ code: 'INVALID_FILTER', params: { path: '/filter/a/gt' } });
    expect(rejection(() => readFilter({ a: [1, 2] }))).toMatchObject({ code: 'INVALID_FILTER', params: { path: '/filter/a' } });
    expect(rejection(() => readFilter({ a: {} }))).toMatchObject({ code: 'INVALID_FILTER', params: { path: '/filter/a' } });
    expect(rejection(() => readFilter([]))).toMatchObject({ code: 'INVALID_FILTER', params: { path: '/filter' } });
  });
});
