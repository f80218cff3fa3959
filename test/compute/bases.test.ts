import { describe, expect, it } from 'vitest';

import { type Dense, fromRows, matmul, maxAbs, subtract } from '../../src/compute/dense.js';
import { coordinatesInBasis, dimension, extractBasis, independence } from '../../src/compute/bases.js';
import { DomainError } from '../../src/errors.js';
import { randomMatrix, seededRandom } from '../helpers.js';
import { availableEngines } from '../../src/compute/engines.js';

describe.each(availableEngines())('$name engine', (engine) => {
  describe('independence', () => {
    it('standard basis vectors are independent', () => {
      const result = independence(engine, fromRows([[1, 0], [0, 1], [0, 0]]), {});
      expect(result.independent).toBe(true);
      expect(result.rank).toBe(2);
      expect(result.condition).toBe(1);
    });

    it('a multiple makes the set dependent', () => {
      const result = independence(engine, fromRows([[1, 2], [2, 4], [3, 6]]), {});
      expect(result.independent).toBe(false);
      expect(result.rank).toBe(1);
    });

    it('more vectors than dimensions are dependent', () => {
      const result = independence(engine, randomMatrix(2, 3, seededRandom(1)), {});
      expect(result.independent).toBe(false);
      expect(result.condition).toBeNull();
    });

    it('rtol decides nearly dependent vectors', () => {
      const a = fromRows([[1, 1], [0, 1e-9]]);
      expect(independence(engine, a, {}).independent).toBe(true);
      expect(independence(engine, a, { rtol: 1e-6 }).independent).toBe(false);
    });
  });

  describe('extractBasis', () => {
    it('names the chosen vectors and expresses the others in them', () => {
      // Columns: (1, 0, 0), (2, 0, 0), (0, 1, 0), (1, 1, 0). Pivoted QR takes (2, 0, 0) first (largest norm), then
      // (1, 1, 0), whose remainder after removing the first direction is larger than that of (0, 1, 0).
      const a = fromRows([[1, 2, 0, 1], [0, 0, 1, 1], [0, 0, 0, 0]]);
      const result = extractBasis(engine, a, {});
      expect(result.rank).toBe(2);
      expect(result.pivotOrder).toEqual([1, 3]);
      expect(result.chosen).toEqual([1, 3]);
      expect(result.dropped).toEqual([0, 2]);
      expect(result.reconstructionError).toBeLessThan(1e-15);
      // (1, 0, 0) = ½·(2, 0, 0); (0, 1, 0) = −½·(2, 0, 0) + (1, 1, 0).
      const c = result.coordinates;
      expect(c.data[0 * 4 + 0]).toBeCloseTo(0.5, 15);
      expect(c.data[1 * 4 + 0]).toBeCloseTo(0, 15);
      expect(c.data[0 * 4 + 2]).toBeCloseTo(-0.5, 15);
      expect(c.data[1 * 4 + 2]).toBeCloseTo(1, 15);
    });

    it('chosen vectors are independent and span everything', () => {
      const random = seededRandom(2);
      for (let trial = 0; trial < 10; trial++) {
        const rank = 1 + Math.floor(random() * 4);
        const a = matmul(randomMatrix(8, rank, random), randomMatrix(rank, 7, random));
        const result = extractBasis(engine, a, {});
        expect(result.rank).toBe(rank);
        expect(independence(engine, result.basis, {}).independent).toBe(true);
        expect(maxAbs(subtract(a, matmul(result.basis, result.coordinates)))).toBeLessThan(1e-12);
      }
    });

    it('zero vectors give an empty basis', () => {
      const result = extractBasis(engine, fromRows([[0, 0], [0, 0]]), {});
      expect(result.rank).toBe(0);
      expect(result.chosen).toEqual([]);
      expect(result.dropped).toEqual([0, 1]);
    });
  });

  describe('coordinatesInBasis', () => {
    it('(3, 2) in the basis (1, 0), (1, 1) is (1, 2)', () => {
      const result = coordinatesInBasis(engine, fromRows([[1, 1], [0, 1]]), fromRows([[3], [2]]), {});
      expect(result.coordinates.data[0]).toBeCloseTo(1, 15);
      expect(result.coordinates.data[1]).toBeCloseTo(2, 15);
      expect(result.inSpan).toEqual([true]);
    });

    it('a vector off the span is flagged', () => {
      const result = coordinatesInBasis(engine, fromRows([[1], [0], [0]]), fromRows([[1], [0], [1]]), {});
      expect(result.inSpan).toEqual([false]);
      expect(result.relativeResiduals[0]).toBeCloseTo(Math.SQRT1_2, 15);
    });

    it('a dependent basis is rejected with NOT_A_BASIS', () => {
      const call = () => coordinatesInBasis(engine, fromRows([[1, 2], [1, 2]]), fromRows([[1], [1]]), {});
      expect(call).toThrowError(DomainError);
      try {
        call();
      } catch (error) {
        expect((error as DomainError).code).toBe('NOT_A_BASIS');
        expect((error as DomainError).params.rank).toBe(1);
      }
    });

    it('B·coordinates reproduces vectors of the span', () => {
      const random = seededRandom(3);
      const b: Dense = randomMatrix(10, 4, random);
      const v = matmul(b, randomMatrix(4, 6, random));
      const result = coordinatesInBasis(engine, b, v, {});
      expect(result.inSpan.every(Boolean)).toBe(true);
      expect(maxAbs(subtract(v, matmul(b, result.coordinates)))).toBeLessThan(1e-13);
    });
  });

  describe('dimension', () => {
    it('of three vectors in a plane is 2', () => {
      const result = dimension(engine, fromRows([[1, 0, 1], [0, 1, 1], [0, 0, 0]]), {});
      expect(result.dimension).toBe(2);
      expect(result.ambientDimension).toBe(3);
      expect(result.count).toBe(3);
    });
  });
});
