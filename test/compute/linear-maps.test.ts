import { describe, expect, it } from 'vitest';

import { fromRows, identity, matmul, maxAbs, subtract } from '../../src/compute/dense.js';
import { ILL_CONDITIONED_ABOVE, compose, inverse } from '../../src/compute/linear-maps.js';
import { DomainError } from '../../src/errors.js';
import { hilbert, randomMatrix, seededRandom } from '../helpers.js';
import { availableEngines } from '../../src/compute/engines.js';

describe.each(availableEngines())('$name engine', (engine) => {
  describe('compose', () => {
    it('applies maps in list order', () => {
      // First project ℝ² onto x (1×2), then embed ℝ → ℝ² along (1, 1): the result maps (a, b) to (a, a).
      const result = compose([fromRows([[1, 0]]), fromRows([[1], [1]])]);
      expect(result.rows).toBe(2);
      expect(result.cols).toBe(2);
      expect(Array.from(result.data)).toEqual([1, 0, 1, 0]);
    });

    it('rotation by 90° four times is the identity', () => {
      const rotation = fromRows([[0, -1], [1, 0]]);
      expect(Array.from(compose([rotation, rotation, rotation, rotation]).data)).toEqual([1, 0, 0, 1]);
    });
  });

  describe('inverse', () => {
    it('of a diagonal matrix', () => {
      const result = inverse(engine, fromRows([[2, 0], [0, 4]]), {});
      expect(result.verdict).toBe('invertible');
      expect(Array.from(result.inverse!.data)).toEqual([0.5, 0, 0, 0.25]);
      expect(result.condition).toBe(2);
    });

    it('A·A⁻¹ = I for random matrices', () => {
      const random = seededRandom(1);
      for (let trial = 0; trial < 10; trial++) {
        const n = 1 + Math.floor(random() * 8);
        const a = randomMatrix(n, n, random);
        const result = inverse(engine, a, {});
        expect(result.inverse).not.toBeNull();
        expect(maxAbs(subtract(matmul(a, result.inverse!), identity(n)))).toBeLessThan(1e-10);
      }
    });

    it('a singular matrix has no inverse', () => {
      const result = inverse(engine, fromRows([[1, 2], [2, 4]]), {});
      expect(result.verdict).toBe('singular');
      expect(result.inverse).toBeNull();
      expect(result.rank).toBe(1);
    });

    it('Hilbert(8) is ill-conditioned', () => {
      const result = inverse(engine, hilbert(8), {});
      expect(result.verdict).toBe('ill-conditioned');
      expect(result.condition!).toBeGreaterThan(ILL_CONDITIONED_ABOVE);
      expect(result.digitsLost!).toBeGreaterThan(10);
    });

    it('a rectangular matrix is rejected with NOT_SQUARE', () => {
      expect(() => inverse(engine, fromRows([[1, 2, 3]]), {})).toThrowError(DomainError);
    });
  });
});
