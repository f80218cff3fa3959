import { describe, expect, it } from 'vitest';

import { type Dense, fromRows, matmul, zeros } from '../../src/compute/dense.js';
import { directSum, sumAndIntersection } from '../../src/compute/subspace-sum.js';
import { randomMatrix, seededRandom } from '../helpers.js';
import { availableEngines } from '../../src/compute/engines.js';

describe.each(availableEngines())('$name engine', (engine) => {
  function concat(left: Dense, right: Dense): Dense {
    const out = zeros(left.rows, left.cols + right.cols);
    for (let i = 0; i < left.rows; i++) {
      for (let j = 0; j < left.cols; j++) out.data[i * out.cols + j] = left.data[i * left.cols + j]!;
      for (let j = 0; j < right.cols; j++) out.data[i * out.cols + left.cols + j] = right.data[i * right.cols + j]!;
    }
    return out;
  }

  describe('sumAndIntersection', () => {
    it('two planes in ℝ³ meet in a line', () => {
      // U = the xy-plane, W = span{(1, 1, 0), (0, 0, 1)}, the plane x = y: they meet in the line through (1, 1, 0).
      const u = fromRows([[1, 0], [0, 1], [0, 0]]);
      const w = fromRows([[1, 0], [1, 0], [0, 1]]);
      const result = sumAndIntersection(engine, u, w, {});
      expect(result.dimensions).toEqual({ u: 2, w: 2, sum: 3, intersection: 1, ambient: 3, formulaHolds: true });
      const line = Array.from(result.intersectionBasis.data);
      expect(line[0]).toBeCloseTo(Math.SQRT1_2, 15);
      expect(line[1]).toBeCloseTo(Math.SQRT1_2, 15);
      expect(line[2]).toBe(0);
      expect(result.intersectionResidual).toBeLessThan(1e-15);
    });

    it('a line inside a plane: sum is the plane, intersection the line', () => {
      const result = sumAndIntersection(engine, fromRows([[1, 0], [0, 1], [0, 0]]), fromRows([[2], [3], [0]]), {});
      expect(result.dimensions.sum).toBe(2);
      expect(result.dimensions.intersection).toBe(1);
    });

    it('dimension formula on random subspaces', () => {
      const random = seededRandom(6);
      for (let trial = 0; trial < 40; trial++) {
        const n = 4 + Math.floor(random() * 8);
        const shared = Math.floor(random() * 3);
        const ownU = 1 + Math.floor(random() * 3);
        const ownW = 1 + Math.floor(random() * 3);
        const common = randomMatrix(n, shared, random);
        // Spanning sets mixed by random square matrices, so U and W do not list the shared vectors literally.
        const u = matmul(concat(common, randomMatrix(n, ownU, random)), randomMatrix(shared + ownU, shared + ownU, random));
        const w = matmul(concat(common, randomMatrix(n, ownW, random)), randomMatrix(shared + ownW, shared + ownW, random));
        const result = sumAndIntersection(engine, u, w, {});
        const d = result.dimensions;
        expect(d.sum).toBe(d.u + d.w - d.intersection);
        expect(d.formulaHolds).toBe(true);
        const expectedSum = Math.min(n, shared + ownU + ownW);
        expect(d.sum).toBe(expectedSum);
        expect(d.intersection).toBe(d.u + d.w - expectedSum);
        expect(result.intersectionResidual).toBeLessThan(1e-12);
      }
    });

    it('zero subspaces give empty bases', () => {
      const result = sumAndIntersection(engine, fromRows([[0], [0]]), fromRows([[0], [0]]), {});
      expect(result.dimensions).toEqual({ u: 0, w: 0, sum: 0, intersection: 0, ambient: 2, formulaHolds: true });
    });
  });

  describe('directSum', () => {
    it('splits a vector over two complementary lines', () => {
      // ℝ² = span{(1, 0)} ⊕ span{(1, 1)}: (3, 2) = (1, 0) + (2, 2).
      const result = directSum(engine, fromRows([[1], [0]]), fromRows([[1], [1]]), fromRows([[3], [2]]), {});
      expect(result.direct).toBe(true);
      expect(result.complementary).toBe(true);
      const { x, y, inSum } = result.decomposition!;
      expect(inSum).toEqual([true]);
      expect(x.data[0]).toBeCloseTo(1, 14);
      expect(x.data[1]).toBe(0);
      expect(y.data[0]).toBeCloseTo(2, 14);
      expect(y.data[1]).toBeCloseTo(2, 14);
    });

    it('planes meeting in a line are not a direct sum', () => {
      const result = directSum(engine, fromRows([[1, 0], [0, 1], [0, 0]]), fromRows([[1, 0], [1, 0], [0, 1]]), fromRows([[1], [1], [1]]), {});
      expect(result.direct).toBe(false);
      expect(result.decomposition).toBeUndefined();
    });

    it('two lines in ℝ³: direct, not complementary', () => {
      const v = fromRows([[3, 0], [2, 0], [0, 1]]);
      const result = directSum(engine, fromRows([[1], [0], [0]]), fromRows([[1], [1], [0]]), v, {});
      expect(result.direct).toBe(true);
      expect(result.complementary).toBe(false);
      expect(result.decomposition!.inSum).toEqual([true, false]);
    });

    it('x + y reproduces v for random complementary subspaces', () => {
      const random = seededRandom(7);
      const u = randomMatrix(6, 2, random);
      const w = randomMatrix(6, 4, random);
      const v = randomMatrix(6, 3, random);
      const result = directSum(engine, u, w, v, {});
      expect(result.complementary).toBe(true);
      const { x, y } = result.decomposition!;
      v.data.forEach((value, i) => expect(x.data[i]! + y.data[i]!).toBeCloseTo(value, 12));
    });
  });
});
