import { describe, expect, it } from 'vitest';

import { fromRows, matmul, maxAbs, orthogonalityError, scale } from '../../src/compute/dense.js';
import { availableEngines } from '../../src/compute/engines.js';
import { fundamentalSubspaces, nullspace, rank } from '../../src/compute/subspaces.js';
import { DomainError } from '../../src/errors.js';
import { propertyFixtures } from '../fixtures.js';
import { hilbert } from '../helpers.js';

const engines = availableEngines();

describe.each(engines)('rank and subspaces on the $name engine', (engine) => {
  describe.each(propertyFixtures())('$name', ({ matrix, rank: expectedRank }) => {
    it('finds the rank known by construction', () => {
      expect(rank(engine, matrix, {}).rank).toBe(expectedRank);
    });

    it('keeps the default rank under scaling by 1e-9 and 1e9', () => {
      const base = rank(engine, matrix, {}).rank;
      expect(rank(engine, scale(matrix, 1e-9), {}).rank).toBe(base);
      expect(rank(engine, scale(matrix, 1e9), {}).rank).toBe(base);
    });

    it('returns an orthonormal null space that A maps to zero', () => {
      const result = nullspace(engine, matrix, {});
      expect(result.basis.rows).toBe(matrix.cols);
      expect(result.basis.cols).toBe(matrix.cols - result.rank);
      if (result.basis.cols > 0) {
        expect(orthogonalityError(result.basis)).toBeLessThan(1e-12);
        expect(maxAbs(matmul(matrix, result.basis))).toBeLessThanOrEqual(1e-12 * Math.max(result.singularValues[0]!, Number.MIN_VALUE));
      }
    });

    it('satisfies rank–nullity for the four subspaces', () => {
      const result = fundamentalSubspaces(engine, matrix, {});
      expect(result.checks.holds).toBe(true);
      expect(result.columnSpace.cols + result.leftNullspace.cols).toBe(matrix.rows);
      expect(result.rowSpace.cols + result.nullspace.cols).toBe(matrix.cols);
      expect(result.orthogonalityError).toBeLessThan(1e-12);
    });
  });

  it('uses numpy\'s default tolerance σmax·max(m, n)·ε', () => {
    const result = rank(engine, fromRows([[3, 0], [4, 5]]), {});
    expect(result.tolerance.rule).toBe('default');
    // σmax = 3√5 to within rounding, which differs by engine.
    expect(result.tolerance.tolerance / (3 * Math.sqrt(5) * 2 * Number.EPSILON)).toBeCloseTo(1, 14);
  });

  it('applies rtol relative to σmax and atol absolutely', () => {
    const matrix = fromRows([[1, 0, 0], [0, 1e-3, 0], [0, 0, 1e-6]]);
    expect(rank(engine, matrix, {}).rank).toBe(3);
    expect(rank(engine, matrix, { rtol: 1e-4 }).rank).toBe(2);
    expect(rank(engine, matrix, { atol: 1e-2 }).rank).toBe(1);
    // Strictly greater: a singular value equal to the tolerance does not count.
    expect(rank(engine, matrix, { atol: 1e-3 }).rank).toBe(1);
  });

  it('rejects rtol and atol together, as numpy does', () => {
    expect(() => rank(engine, hilbert(3), { rtol: 1e-3, atol: 1e-3 })).toThrow(DomainError);
  });

  it('reads a 1×n vector with the tolerance applied', () => {
    expect(rank(engine, fromRows([[0, 0, 0]]), {}).rank).toBe(0);
    expect(rank(engine, fromRows([[1e-300, 0, 0]]), {}).rank).toBe(1);
    expect(rank(engine, fromRows([[1e-300, 0, 0]]), { atol: 1e-200 }).rank).toBe(0);
  });

  it('gives the hand-checked null space of [[1, 1]]', () => {
    const result = nullspace(engine, fromRows([[1, 1]]), {});
    expect(result.basis.cols).toBe(1);
    // ±(1, −1)/√2; the sign rule makes the first largest-magnitude entry positive.
    expect(result.basis.data[0]).toBeCloseTo(Math.SQRT1_2, 14);
    expect(result.basis.data[1]).toBeCloseTo(-Math.SQRT1_2, 14);
  });
});
