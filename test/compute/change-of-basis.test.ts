import { describe, expect, it } from 'vitest';

import { type Dense, fromRows, identity, matmul, maxAbs, subtract } from '../../src/compute/dense.js';
import { changeOfBasis } from '../../src/compute/change-of-basis.js';
import { DomainError } from '../../src/errors.js';
import { randomMatrix, seededRandom } from '../helpers.js';
import { availableEngines } from '../../src/compute/engines.js';

describe.each(availableEngines())('$name engine', (engine) => {
  function codeOf(call: () => unknown): string | undefined {
    try {
      call();
    } catch (error) {
      return error instanceof DomainError ? error.code : 'not a DomainError';
    }
    return undefined;
  }

  describe('changeOfBasis', () => {
    it('from the standard basis to (1, 0), (1, 1)', () => {
      // [v]_C = C⁻¹·v, and C⁻¹ = [[1, −1], [0, 1]].
      const result = changeOfBasis(engine, identity(2), fromRows([[1, 1], [0, 1]]), { vectors: fromRows([[3], [2]]) });
      const p = Array.from(result.p.data);
      [1, -1, 0, 1].forEach((value, i) => expect(p[i]).toBeCloseTo(value, 15));
      expect(result.coordinates!.to.data[0]).toBeCloseTo(1, 15);
      expect(result.coordinates!.to.data[1]).toBeCloseTo(2, 15);
    });

    it('P·P⁻¹ = I for random bases', () => {
      const random = seededRandom(1);
      for (let trial = 0; trial < 10; trial++) {
        const n = 2 + Math.floor(random() * 6);
        const result = changeOfBasis(engine, randomMatrix(n, n, random), randomMatrix(n, n, random), {});
        expect(result.inverseError).toBeLessThan(1e-10);
        expect(maxAbs(subtract(matmul(result.pInverse, result.p), identity(n)))).toBeLessThan(1e-10);
      }
    });

    it('[v]_to = P·[v]_from for bases of a plane in ℝ⁴', () => {
      const random = seededRandom(2);
      const from = randomMatrix(4, 2, random);
      const to = matmul(from, randomMatrix(2, 2, random));
      const coefficients = randomMatrix(2, 3, random);
      const v = matmul(from, coefficients);
      const result = changeOfBasis(engine, from, to, { vectors: v });
      expect(maxAbs(subtract(result.coordinates!.from, coefficients))).toBeLessThan(1e-12);
      expect(maxAbs(subtract(matmul(to, result.coordinates!.to), v))).toBeLessThan(1e-12);
      expect(result.coordinates!.inSpan).toEqual([true, true, true]);
    });

    it('a map in the new basis is similar: same trace and determinant', () => {
      const random = seededRandom(3);
      const map: Dense = randomMatrix(3, 3, random);
      const result = changeOfBasis(engine, identity(3), randomMatrix(3, 3, random), { map });
      const trace = (a: Dense) => a.data[0]! + a.data[4]! + a.data[8]!;
      expect(trace(result.mapInTo!)).toBeCloseTo(trace(map), 12);
      const det = (a: Dense) => engine.slogdet(a);
      expect(det(result.mapInTo!).logAbsDet).toBeCloseTo(det(map).logAbsDet, 10);
    });

    it('rejects dependent vectors and different spans', () => {
      expect(codeOf(() => changeOfBasis(engine, fromRows([[1, 2], [1, 2]]), identity(2), {}))).toBe('NOT_A_BASIS');
      expect(codeOf(() => changeOfBasis(engine, identity(2), fromRows([[1, 2], [1, 2]]), {}))).toBe('NOT_A_BASIS');
      const xy = fromRows([[1, 0], [0, 1], [0, 0]]);
      const xz = fromRows([[1, 0], [0, 0], [0, 1]]);
      expect(codeOf(() => changeOfBasis(engine, xy, xz, {}))).toBe('DIFFERENT_SPANS');
    });
  });
});
