import { describe, expect, it } from 'vitest';

import { type Dense, fromRows, matmul, orthogonalityError, transpose } from '../../src/compute/dense.js';
import { eigh } from '../../src/compute/eigh.js';
import { availableEngines } from '../../src/compute/engines.js';
import { DomainError } from '../../src/errors.js';
import { hilbert, randomMatrix, seededRandom } from '../helpers.js';

const engines = availableEngines();

function symmetricRandom(n: number, seed: number): Dense {
  const a = randomMatrix(n, n, seededRandom(seed));
  return matmul(a, transpose(a));
}

describe.each(engines)('eigh on the $name engine', (engine) => {
  it.each([
    ['random 7×7 Gram matrix', symmetricRandom(7, 3)],
    ['Hilbert 8×8', hilbert(8)],
    ['1×1', fromRows([[4]])],
    ['zero 3×3', fromRows([[0, 0, 0], [0, 0, 0], [0, 0, 0]])],
    ['rank-1 4×4', matmul(fromRows([[1], [2], [3], [4]]), fromRows([[1, 2, 3, 4]]))],
  ])('%s: A·V = V·Λ, ascending, orthonormal', (_name, matrix) => {
    const result = eigh(engine, matrix, 'none');
    expect(result.residual).toBeLessThan(1e-13);
    expect(orthogonalityError(result.vectors)).toBeLessThan(1e-12);
    for (let i = 1; i < result.values.length; i++) expect(result.values[i]).toBeGreaterThanOrEqual(result.values[i - 1]!);
  });

  it('matches hand-checked eigenvalues of [[2, 1], [1, 2]]', () => {
    const result = eigh(engine, fromRows([[2, 1], [1, 2]]), 'none');
    expect(result.values[0]).toBeCloseTo(1, 14);
    expect(result.values[1]).toBeCloseTo(3, 14);
    // The eigenvector of 3 is (1, 1)/√2; of 1 it is ±(1, −1)/√2 with the first entry positive on the tie.
    expect(Array.from(result.vectors.data).map((x) => Number(x.toFixed(12)))).toEqual([0.707106781187, 0.707106781187, -0.707106781187, 0.707106781187]);
  });

  it('rejects a non-symmetric matrix with its largest asymmetry', () => {
    try {
      eigh(engine, fromRows([[1, 2, 0], [3, 1, 0], [0, 0.5, 1]]), 'none');
      expect.unreachable('eigh accepted a non-symmetric matrix');
    } catch (error) {
      expect(error).toBeInstanceOf(DomainError);
      expect((error as DomainError).code).toBe('NOT_SYMMETRIC');
      expect((error as DomainError).params.maxAsymmetry).toBe(1);
      expect((error as DomainError).params.row).toBe(0);
      expect((error as DomainError).params.col).toBe(1);
    }
  });

  it.each([
    // lower reads [[1, 3], [3, 1]]: eigenvalues −2 and 4.
    ['lower', [-2, 4]],
    // upper reads [[1, 2], [2, 1]]: −1 and 3.
    ['upper', [-1, 3]],
    // average reads [[1, 2.5], [2.5, 1]]: −1.5 and 3.5.
    ['average', [-1.5, 3.5]],
  ] as const)('symmetrize "%s" reads the chosen triangle', (rule, expected) => {
    const result = eigh(engine, fromRows([[1, 2], [3, 1]]), rule);
    expect(result.values[0]).toBeCloseTo(expected[0], 13);
    expect(result.values[1]).toBeCloseTo(expected[1], 13);
  });

  it('rejects a non-square matrix', () => {
    expect(() => eigh(engine, fromRows([[1, 2, 3]]), 'none')).toThrow(/square/);
  });
});
