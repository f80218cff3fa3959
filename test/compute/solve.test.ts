import { describe, expect, it } from 'vitest';

import { fromRows, matmul, relativeError } from '../../src/compute/dense.js';
import { det } from '../../src/compute/det.js';
import { availableEngines } from '../../src/compute/engines.js';
import { lstsq } from '../../src/compute/lstsq.js';
import { cond, matrixNorm } from '../../src/compute/norms.js';
import { pinv } from '../../src/compute/pinv.js';
import { propertyFixtures } from '../fixtures.js';

const engines = availableEngines();

describe.each(engines)('least squares, pinv, det, cond and norms on the $name engine', (engine) => {
  it('fits the hand-checked line through (0, 6), (1, 0), (2, 0)', () => {
    // Normal equations give C = 5, D = −3; the residual (1, −2, 1) has squared norm 6.
    const result = lstsq(engine, fromRows([[1, 0], [1, 1], [1, 2]]), fromRows([[6], [0], [0]]), {});
    expect(result.solution.data[0]).toBeCloseTo(5, 13);
    expect(result.solution.data[1]).toBeCloseTo(-3, 13);
    expect(result.residuals[0]).toBeCloseTo(6, 12);
    expect(result.rank).toBe(2);
  });

  it('returns the minimum-norm solution of a rank-deficient system', () => {
    // x₁ + x₂ = 2 has minimum-norm solution (1, 1).
    const result = lstsq(engine, fromRows([[1, 1]]), fromRows([[2]]), {});
    expect(result.solution.data[0]).toBeCloseTo(1, 14);
    expect(result.solution.data[1]).toBeCloseTo(1, 14);
    expect(result.rank).toBe(1);
  });

  it('rejects b with the wrong number of rows', () => {
    expect(() => lstsq(engine, fromRows([[1, 0], [0, 1]]), fromRows([[1], [2], [3]]), {})).toThrow(/b needs 2 rows/);
  });

  it('gives the hand-checked pseudo-inverse of a rank-1 matrix', () => {
    // For rank 1, A⁺ = Aᵀ/‖A‖²_F = [[1, 2], [2, 4]]/25.
    const result = pinv(engine, fromRows([[1, 2], [2, 4]]), {});
    expect(Array.from(result.pinv.data).map((x) => Number((x * 25).toFixed(12)))).toEqual([1, 2, 2, 4]);
    expect(result.rank).toBe(1);
  });

  describe.each(propertyFixtures())('$name', ({ matrix }) => {
    it('satisfies A·A⁺·A = A to within the conditioning', () => {
      const result = pinv(engine, matrix, {});
      // The error of A·A⁺·A grows like ε·κ(A) on the kept singular values; κ(Hilbert 8×8) ≈ 1.5e10.
      const kept = result.singularValues.slice(0, Math.max(result.rank, 1));
      const kappa = kept[0]! === 0 ? 1 : kept[0]! / kept[kept.length - 1]!;
      expect(relativeError(matrix, matmul(matmul(matrix, result.pinv), matrix))).toBeLessThan(Math.max(1e-12, 100 * Number.EPSILON * kappa));
    });
  });

  it('computes hand-checked determinants', () => {
    expect(det(engine, fromRows([[1, 2], [3, 4]])).det).toBeCloseTo(-2, 14);
    expect(det(engine, fromRows([[0, 1], [1, 0]])).sign).toBe(-1);
    expect(det(engine, fromRows([[1, 2], [2, 4]]))).toEqual({ det: 0, sign: 0, logAbsDet: null, outOfRange: null });
    expect(det(engine, fromRows([[7]])).det).toBe(7);
  });

  it('reports an overflowing determinant as null with its logarithm', () => {
    const result = det(engine, fromRows([[1e200, 0], [0, 1e200]]));
    expect(result.det).toBeNull();
    expect(result.outOfRange).toBe('overflow');
    expect(result.logAbsDet).toBeCloseTo(400 * Math.LN10, 10);
  });

  it('computes hand-checked norms of [[3, 0], [4, 5]]', () => {
    const a = fromRows([[3, 0], [4, 5]]);
    expect(matrixNorm(engine, a, 'fro')).toBeCloseTo(Math.sqrt(50), 14);
    expect(matrixNorm(engine, a, '1')).toBe(7);
    expect(matrixNorm(engine, a, 'inf')).toBe(9);
    expect(matrixNorm(engine, a, '2')).toBeCloseTo(3 * Math.sqrt(5), 14);
    expect(matrixNorm(engine, a, 'nuc')).toBeCloseTo(4 * Math.sqrt(5), 14);
  });

  it('computes condition numbers and flags singular matrices', () => {
    expect(cond(engine, fromRows([[1, 0], [0, 1e-3]]), '2').cond).toBeCloseTo(1000, 9);
    expect(cond(engine, fromRows([[1, 0], [0, 1e-3]]), '1').cond).toBeCloseTo(1000, 9);
    const singular = cond(engine, fromRows([[1, 2], [2, 4]]), '2');
    expect(singular.singular).toBe(true);
    expect(singular.cond).toBeNull();
    expect(() => cond(engine, fromRows([[1, 2, 3]]), 'fro')).toThrow(/square/);
  });
});
