import { describe, expect, it } from 'vitest';

import { type Dense, matmul, orthogonalityError, scaleColumns, transpose } from '../../../src/compute/dense.js';
import { csrFromDense } from '../../../src/compute/lsa/csr.js';
import { csrOperator, denseOperator, randomizedSvd } from '../../../src/compute/lsa/randomized-svd.js';
import { svd } from '../../../src/compute/svd.js';
import { randomMatrix, seededRandom } from '../../helpers.js';
import { availableEngines } from '../../../src/compute/engines.js';

describe.each(availableEngines())('$name engine', (engine) => {
  /** A = Q₁·diag(σ)·Q₂ᵀ with random orthonormal Q₁ (m×p), Q₂ (n×p) and the given singular values. */
  function withSpectrum(m: number, n: number, sigma: number[], seed: number): Dense {
    const random = seededRandom(seed);
    const left = engine.qr(randomMatrix(m, sigma.length, random), 'reduced', false).q;
    const right = engine.qr(randomMatrix(n, sigma.length, random), 'reduced', false).q;
    return matmul(scaleColumns(left, sigma), transpose(right));
  }

  function maxRelativeError(actual: ArrayLike<number>, expected: ArrayLike<number>, count: number): number {
    let error = 0;
    for (let i = 0; i < count; i++) error = Math.max(error, Math.abs(actual[i]! - expected[i]!) / expected[i]!);
    return error;
  }

  describe('randomized svd', () => {
    it('matches the exact top-k singular values', () => {
      // Singular values 0.9^i: a slowly decaying spectrum with no large gap at k.
      const sigma = Array.from({ length: 40 }, (_, i) => 0.9 ** i);
      const a = withSpectrum(60, 50, sigma, 11);
      const exact = svd(engine, a, { full: false });

      const k = 8;
      const result = randomizedSvd(engine, denseOperator(a), { rank: k, seed: 1, powerIterations: 12 });

      expect(result.s.length).toBe(k);
      expect(maxRelativeError(result.s, exact.s, k)).toBeLessThan(1e-6);
      expect(orthogonalityError(result.u)).toBeLessThan(1e-12);
      expect(orthogonalityError(result.v)).toBeLessThan(1e-12);
    });

    it('matches the exact singular vectors under the same sign rule', () => {
      const sigma = [10, 7, 5, 3, 1, 0.1, 0.01, 0.001];
      const a = withSpectrum(30, 45, sigma, 12);
      const exact = svd(engine, a, { full: false, rank: 4 });

      const result = randomizedSvd(engine, denseOperator(a), { rank: 4, seed: 2, powerIterations: 6 });

      expect(maxRelativeError(result.s, exact.s, 4)).toBeLessThan(1e-12);
      for (let i = 0; i < result.u.data.length; i++) expect(Math.abs(result.u.data[i]! - exact.u.data[i]!)).toBeLessThan(1e-9);
      for (let i = 0; i < result.v.data.length; i++) expect(Math.abs(result.v.data[i]! - exact.v.data[i]!)).toBeLessThan(1e-9);
    });

    it('handles a tall matrix through its transpose', () => {
      const sigma = [5, 4, 3, 2, 1, 0.5];
      const a = withSpectrum(80, 12, sigma, 13);
      const exact = svd(engine, a, { full: false, rank: 3 });

      const result = randomizedSvd(engine, denseOperator(a), { rank: 3, seed: 3, powerIterations: 8 });

      expect(result.u.rows).toBe(80);
      expect(result.v.rows).toBe(12);
      expect(maxRelativeError(result.s, exact.s, 3)).toBeLessThan(1e-10);
      for (let i = 0; i < result.u.data.length; i++) expect(Math.abs(result.u.data[i]! - exact.u.data[i]!)).toBeLessThan(1e-8);
    });

    it('is deterministic for a seed', () => {
      const a = randomMatrix(25, 35, seededRandom(14));
      const first = randomizedSvd(engine, denseOperator(a), { rank: 5, seed: 42 });
      const second = randomizedSvd(engine, denseOperator(a), { rank: 5, seed: 42 });

      expect(second.s).toEqual(first.s);
      expect(second.u).toEqual(first.u);
      expect(second.v).toEqual(first.v);
    });

    it('gives the same result on a sparse operator', () => {
      const a = randomMatrix(20, 30, seededRandom(15));
      for (let i = 0; i < a.data.length; i += 3) a.data[i] = 0;
      const dense = randomizedSvd(engine, denseOperator(a), { rank: 4, seed: 5 });
      const sparse = randomizedSvd(engine, csrOperator(csrFromDense(a)), { rank: 4, seed: 5 });

      expect(maxRelativeError(sparse.s, dense.s, 4)).toBeLessThan(1e-12);
    });

    it('reports every pass over the matrix', () => {
      const a = randomMatrix(10, 12, seededRandom(16));
      const passes: [number, number][] = [];
      randomizedSvd(engine, denseOperator(a), { rank: 2, seed: 1, powerIterations: 3, onPass: (done, total) => passes.push([done, total]) });

      expect(passes).toEqual([1, 2, 3, 4, 5, 6, 7, 8].map((done) => [done, 8]));
    });

    it('rejects a rank outside 1…min(m, n)', () => {
      const a = denseOperator(randomMatrix(4, 6, seededRandom(17)));

      expect(() => randomizedSvd(engine, a, { rank: 0, seed: 1 })).toThrow(RangeError);
      expect(() => randomizedSvd(engine, a, { rank: 5, seed: 1 })).toThrow(RangeError);
    });
  });
});
