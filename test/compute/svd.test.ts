import { describe, expect, it } from 'vitest';

import { type Dense, fromRows, leadingColumns, matmul, orthogonalityError, relativeError, scaleColumns, transpose } from '../../src/compute/dense.js';
import { availableEngines } from '../../src/compute/engines.js';
import { svd } from '../../src/compute/svd.js';
import { DomainError } from '../../src/errors.js';
import { propertyFixtures } from '../fixtures.js';
import { randomMatrix, seededRandom } from '../helpers.js';

const engines = availableEngines();

function largestEntryIsPositive(matrix: Dense, column: number): boolean {
  let best = 0;
  let value = 0;
  for (let i = 0; i < matrix.rows; i++) {
    const entry = matrix.data[i * matrix.cols + column]!;
    if (Math.abs(entry) > best) {
      best = Math.abs(entry);
      value = entry;
    }
  }
  return value >= 0;
}

describe.each(engines)('svd on the $name engine', (engine) => {
  describe.each(propertyFixtures())('$name', ({ matrix }) => {
    const p = Math.min(matrix.rows, matrix.cols);

    it('reconstructs A from the reduced factors', () => {
      const result = svd(engine, matrix, { full: false });
      const product = matmul(scaleColumns(result.u, result.s), transpose(result.v));
      expect(relativeError(matrix, product)).toBeLessThan(1e-12);
      expect(result.reconstructionError).toBeLessThan(1e-12);
    });

    it('returns orthonormal U and V', () => {
      const result = svd(engine, matrix, { full: false });
      expect(result.u.rows).toBe(matrix.rows);
      expect(result.u.cols).toBe(p);
      expect(result.v.rows).toBe(matrix.cols);
      expect(result.v.cols).toBe(p);
      expect(orthogonalityError(result.u)).toBeLessThan(1e-12);
      expect(orthogonalityError(result.v)).toBeLessThan(1e-12);
    });

    it('returns complete U and V in full mode', () => {
      const result = svd(engine, matrix, { full: true });
      expect(result.u.cols).toBe(matrix.rows);
      expect(result.v.cols).toBe(matrix.cols);
      expect(orthogonalityError(result.u)).toBeLessThan(1e-12);
      expect(orthogonalityError(result.v)).toBeLessThan(1e-12);
      const product = matmul(scaleColumns(leadingColumns(result.u, p), result.s), transpose(leadingColumns(result.v, p)));
      expect(relativeError(matrix, product)).toBeLessThan(1e-12);
    });

    it('sorts singular values descending and non-negative', () => {
      const { s } = svd(engine, matrix, { full: false });
      for (let i = 0; i < s.length; i++) {
        expect(s[i]).toBeGreaterThanOrEqual(0);
        if (i > 0) expect(s[i]).toBeLessThanOrEqual(s[i - 1]!);
      }
    });

    it('applies the sign rule to every column', () => {
      const result = svd(engine, matrix, { full: true });
      for (let j = 0; j < result.u.cols; j++) expect(largestEntryIsPositive(result.u, j)).toBe(true);
      for (let j = p; j < result.v.cols; j++) expect(largestEntryIsPositive(result.v, j)).toBe(true);
    });

    it('gives identical output run after run', () => {
      const first = svd(engine, matrix, { full: true });
      const second = svd(engine, matrix, { full: true });
      expect(Array.from(second.u.data)).toEqual(Array.from(first.u.data));
      expect(Array.from(second.v.data)).toEqual(Array.from(first.v.data));
      expect(Array.from(second.s)).toEqual(Array.from(first.s));
    });

    it('never returns NaN', () => {
      const result = svd(engine, matrix, { full: true });
      for (const value of [...result.u.data, ...result.v.data, ...result.s]) expect(Number.isFinite(value)).toBe(true);
    });
  });

  it('matches hand-checked singular values of [[3, 0], [4, 5]]', () => {
    // AᵀA = [[25, 20], [20, 25]] has eigenvalues 45 and 5, so σ = 3√5 and √5.
    const result = svd(engine, fromRows([[3, 0], [4, 5]]), { full: false });
    expect(result.s[0]).toBeCloseTo(3 * Math.sqrt(5), 14);
    expect(result.s[1]).toBeCloseTo(Math.sqrt(5), 14);
    // v₁ ∝ (1, 1) and u₁ = A·v₁/σ₁ = (1, 3)/√10, both with positive largest entries.
    expect(result.v.data[0]).toBeCloseTo(Math.SQRT1_2, 14);
    expect(result.v.data[2]).toBeCloseTo(Math.SQRT1_2, 14);
    expect(result.u.data[0]).toBeCloseTo(1 / Math.sqrt(10), 14);
    expect(result.u.data[2]).toBeCloseTo(3 / Math.sqrt(10), 14);
  });

  it('gives a wide matrix its complete right singular vectors', () => {
    // ml-matrix alone returns an incomplete V for wide input; full V must span ℝⁿ.
    const wide = randomMatrix(2, 9, seededRandom(7));
    const result = svd(engine, wide, { full: true });
    expect(result.v.rows).toBe(9);
    expect(result.v.cols).toBe(9);
    expect(orthogonalityError(result.v)).toBeLessThan(1e-12);
    const image = matmul(wide, result.v);
    for (let j = 2; j < 9; j++) {
      for (let i = 0; i < 2; i++) expect(Math.abs(image.data[i * 9 + j]!)).toBeLessThan(1e-13);
    }
  });

  it('reports the Eckart–Young error of a truncation', () => {
    const matrix = randomMatrix(12, 8, seededRandom(11));
    const full = svd(engine, matrix, { full: false });
    const truncated = svd(engine, matrix, { full: false, rank: 3 });
    expect(truncated.s.length).toBe(3);
    expect(truncated.u.cols).toBe(3);
    const approximation = matmul(scaleColumns(truncated.u, truncated.s), transpose(truncated.v));
    let squared = 0;
    for (let i = 0; i < matrix.data.length; i++) squared += (matrix.data[i]! - approximation.data[i]!) ** 2;
    expect(truncated.truncationError).toBeCloseTo(Math.sqrt(squared), 12);
    const tail = Math.sqrt(Array.from(full.s.slice(3)).reduce((sum, x) => sum + x * x, 0));
    expect(truncated.truncationError).toBeCloseTo(tail, 12);
  });

  it('rejects a truncation rank above min(m, n)', () => {
    expect(() => svd(engine, randomMatrix(3, 4, seededRandom(1)), { full: false, rank: 4 })).toThrow(DomainError);
  });
});
