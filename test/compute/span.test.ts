import { describe, expect, it } from 'vitest';

import { type Dense, fromRows, matmul, maxAbs, subtract, transpose } from '../../src/compute/dense.js';
import { membership, projection, spanBasis } from '../../src/compute/span.js';
import { randomMatrix, seededRandom } from '../helpers.js';
import { availableEngines } from '../../src/compute/engines.js';

describe.each(availableEngines())('$name engine', (engine) => {
  const column = (...values: number[]): Dense => ({ rows: values.length, cols: 1, data: Float64Array.from(values) });

  describe('spanBasis', () => {
    it('dimension of dependent vectors is their rank', () => {
      const span = spanBasis(engine, fromRows([[1, 2, 3], [2, 4, 6], [0, 1, 1]]), {});
      expect(span.dimension).toBe(2);
      expect(span.basis.rows).toBe(3);
      expect(span.basis.cols).toBe(2);
    });

    it('dimension ignores a common scale', () => {
      const a = randomMatrix(6, 3, seededRandom(1));
      const scaled: Dense = { ...a, data: a.data.map((x) => x * 1e-200) };
      expect(spanBasis(engine, scaled, {}).dimension).toBe(3);
    });
  });

  describe('membership', () => {
    it('vectors in and out of the xy-plane', () => {
      const plane = fromRows([[1, 0], [0, 1], [0, 0]]);
      const result = membership(engine, plane, fromRows([[1, 0], [2, 0], [0, 1]]), {});
      expect(result.member).toEqual([true, false]);
      expect(result.residualNorms).toEqual([0, 1]);
      expect(result.relativeResiduals).toEqual([0, 1]);
    });

    it('zero vector is a member of every span', () => {
      const result = membership(engine, fromRows([[1], [1]]), column(0, 0), {});
      expect(result.member).toEqual([true]);
    });

    it('combinations of ill-conditioned spanning vectors are members', () => {
      const random = seededRandom(2);
      const a = randomMatrix(20, 4, random);
      // Make the last vector nearly parallel to the first: σ1/σ4 grows, and the default tolerance grows with it.
      for (let i = 0; i < 20; i++) a.data[i * 4 + 3] = a.data[i * 4]! + 1e-6 * a.data[i * 4 + 3]!;
      const v = matmul(a, randomMatrix(4, 5, random));
      expect(membership(engine, a, v, {}).member).toEqual([true, true, true, true, true]);
    });

    it('explicit residualRtol decides', () => {
      const line = fromRows([[1], [0]]);
      const v = column(1, 1e-6);
      expect(membership(engine, line, v, {}).member).toEqual([false]);
      expect(membership(engine, line, v, { residualRtol: 1e-5 }).member).toEqual([true]);
    });
  });

  describe('projection', () => {
    it('splits a vector over the xy-plane and the z-axis', () => {
      const result = projection(engine, fromRows([[1, 0], [0, 1], [0, 0]]), column(1, 2, 3), {});
      expect(Array.from(result.projection.data)).toEqual([1, 2, 0]);
      expect(Array.from(result.complement.data)).toEqual([0, 0, 3]);
    });

    it('projector is idempotent and symmetric', () => {
      const random = seededRandom(3);
      for (let trial = 0; trial < 10; trial++) {
        const a = randomMatrix(7, 1 + Math.floor(random() * 6), random);
        const p = projection(engine, a, randomMatrix(7, 1, random), { includeProjector: true }).projector!;
        expect(maxAbs(subtract(matmul(p, p), p))).toBeLessThan(1e-14);
        expect(maxAbs(subtract(p, transpose(p)))).toBeLessThan(1e-15);
      }
    });

    it('projection and complement are orthogonal and add up to v', () => {
      const random = seededRandom(4);
      const v = randomMatrix(9, 4, random);
      const result = projection(engine, randomMatrix(9, 3, random), v, {});
      expect(result.orthogonalityError).toBeLessThan(1e-14);
      const sum = result.projection.data.map((x, i) => x + result.complement.data[i]!);
      sum.forEach((x, i) => expect(x).toBeCloseTo(v.data[i]!, 14));
    });

    it('projecting twice changes nothing', () => {
      const random = seededRandom(5);
      const a = randomMatrix(6, 2, random);
      const once = projection(engine, a, randomMatrix(6, 3, random), {}).projection;
      const twice = projection(engine, a, once, {}).projection;
      expect(maxAbs(subtract(once, twice))).toBeLessThan(1e-14);
    });
  });
});
