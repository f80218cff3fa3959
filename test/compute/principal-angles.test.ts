import { describe, expect, it } from 'vitest';

import { type Dense, fromRows, matmul } from '../../src/compute/dense.js';
import { principalAngles } from '../../src/compute/principal-angles.js';
import { randomMatrix, seededRandom } from '../helpers.js';
import { availableEngines } from '../../src/compute/engines.js';

describe.each(availableEngines())('$name engine', (engine) => {
  const angles = (a: Dense, b: Dense) => principalAngles(engine, a, b, {}).angles;

  describe('principalAngles', () => {
    it('identical small subspaces give angle 0', () => {
      const plane = fromRows([[1, 2], [3, 4], [5, 6]]);
      const result = angles(plane, plane);
      expect(result).toHaveLength(2);
      for (const angle of result) expect(angle).toBeLessThan(1e-15);
    });

    it('identical random subspaces stay at rounding level', () => {
      // The sines are ‖Q·(I − QᵀQ)‖, the orthogonality error of the computed basis: about 1e-15 here, not 1.5e-8.
      const a = randomMatrix(50, 5, seededRandom(1));
      const result = angles(a, a);
      expect(result).toHaveLength(5);
      for (const angle of result) expect(angle).toBeLessThan(1e-14);
    });

    it('same subspace from another spanning set gives angles near ε', () => {
      const random = seededRandom(2);
      const a = randomMatrix(40, 4, random);
      const mixed = matmul(a, randomMatrix(4, 4, random));
      for (const angle of angles(a, mixed)) expect(angle).toBeLessThan(1e-14);
    });

    it('cosine-only formula would lose the zero angle', () => {
      // arccos of the largest double below 1 is about 1.5e-8; the sine-based angle stays at rounding level.
      expect(Math.acos(1 - Number.EPSILON / 2)).toBeGreaterThan(1e-8);
      const a = fromRows([[1, 0, 0], [0, 1, 0]]);
      const b = fromRows([[1, 1, 0], [1, -1, 0]]);
      for (const angle of angles(a, b)) expect(angle).toBeLessThan(1e-15);
    });

    it('45° between two lines in the plane', () => {
      const result = angles(fromRows([[1], [0]]), fromRows([[1], [1]]));
      expect(result).toHaveLength(1);
      expect(result[0]).toBeCloseTo(Math.PI / 4, 15);
    });

    it('tiny angle is resolved to full relative accuracy', () => {
      const result = angles(fromRows([[1], [0]]), fromRows([[1], [1e-10]]));
      expect(Math.abs(result[0]! - 1e-10) / 1e-10).toBeLessThan(1e-12);
    });

    it('planes meeting in a line: 0 and the dihedral angle', () => {
      // The xy-plane and the plane spanned by e1 and (0, 1, 1): they share e1 and meet at 45°.
      const result = angles(fromRows([[1, 0], [0, 1], [0, 0]]), fromRows([[1, 0], [0, 1], [0, 1]]));
      expect(result[0]).toBeCloseTo(Math.PI / 4, 15);
      expect(result[1]).toBeLessThan(1e-15);
    });

    it('orthogonal subspaces give π/2', () => {
      const result = angles(fromRows([[1], [0], [0]]), fromRows([[0, 0], [1, 0], [0, 1]]));
      expect(result).toEqual([Math.PI / 2]);
    });

    it('random angles in [0, π/2], descending', () => {
      const random = seededRandom(3);
      for (let trial = 0; trial < 20; trial++) {
        const n = 3 + Math.floor(random() * 10);
        const k = 1 + Math.floor(random() * n);
        const l = 1 + Math.floor(random() * n);
        const result = principalAngles(engine, randomMatrix(n, k, random), randomMatrix(n, l, random), {});
        expect(result.angles).toHaveLength(Math.min(k, l));
        result.angles.forEach((angle, i) => {
          expect(angle).toBeGreaterThanOrEqual(0);
          expect(angle).toBeLessThanOrEqual(Math.PI / 2);
          if (i > 0) expect(angle).toBeLessThanOrEqual(result.angles[i - 1]!);
          expect(result.cosines[i]! ** 2 + result.sines[i]! ** 2).toBeCloseTo(1, 14);
        });
      }
    });

    it('angles are symmetric in U and W', () => {
      const random = seededRandom(4);
      const a = randomMatrix(8, 3, random);
      const b = randomMatrix(8, 5, random);
      const forward = angles(a, b);
      const backward = angles(b, a);
      forward.forEach((angle, i) => expect(angle).toBeCloseTo(backward[i]!, 14));
    });

    it('zero subspace has no angles', () => {
      expect(angles(fromRows([[0], [0]]), fromRows([[1], [0]]))).toEqual([]);
    });
  });
});
