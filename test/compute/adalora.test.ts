import { describe, expect, it } from 'vitest';

import { allocateRanks } from '../../src/compute/adalora.js';
import { fromRows, matmul, relativeError, subtract, frobeniusNorm } from '../../src/compute/dense.js';
import { randomMatrix, seededRandom } from '../helpers.js';
import { availableEngines } from '../../src/compute/engines.js';

describe.each(availableEngines())('$name engine', (engine) => {
  const defaults = { importance: 'magnitude' as const, minRank: 0, returnFactors: false };
  const diag = (a: number, b: number) => ({ deltaW: fromRows([[a, 0], [0, b]]) });

  describe('allocateRanks', () => {
    it('keeps the largest singular values across layers', () => {
      const result = allocateRanks(engine, [diag(3, 1), diag(2, 0.5)], { ...defaults, budget: 2 });
      expect(result.layers.map((layer) => layer.rank)).toEqual([1, 1]);
      expect(result.layers[0]!.energyKept).toBeCloseTo(9 / 10, 15);
      expect(result.layers[1]!.energyKept).toBeCloseTo(4 / 4.25, 15);
      expect(result.energyKept).toBeCloseTo(13 / 14.25, 15);
      expect(result.layers[0]!.truncationError).toBeCloseTo(1, 15);
      expect(result.threshold).toBe(2);
      expect(result.unusedBudget).toBe(0);
    });

    it('ranks by energy share under relative importance', () => {
      // Magnitude: 10, 5, 1 win. Relative: shares 0.8 and 0.2 against 1/1.81 and 0.81/1.81, so 0.8, 0.552, 0.448 win.
      const layers = [diag(10, 5), diag(1, 0.9)];
      expect(allocateRanks(engine, layers, { ...defaults, budget: 3 }).layers.map((layer) => layer.rank)).toEqual([2, 1]);
      expect(allocateRanks(engine, layers, { ...defaults, budget: 3, importance: 'relative' }).layers.map((layer) => layer.rank)).toEqual([1, 2]);
    });

    it('gives every layer minRank first', () => {
      const result = allocateRanks(engine, [diag(10, 5), diag(1, 0.9)], { ...defaults, budget: 2, minRank: 1 });
      expect(result.layers.map((layer) => layer.rank)).toEqual([1, 1]);
      expect(result.threshold).toBeNull();
      expect(() => allocateRanks(engine, [diag(1, 1), diag(1, 1)], { ...defaults, budget: 1, minRank: 1 })).toThrow(expect.objectContaining({ code: 'INVALID_PARAMETER' }));
    });

    it('leaves budget unused beyond the numerical ranks', () => {
      const result = allocateRanks(engine, [diag(1, 0), { deltaW: fromRows([[0, 0], [0, 0]]) }], { ...defaults, budget: 5 });
      expect(result.allocated).toBe(1);
      expect(result.unusedBudget).toBe(4);
      expect(result.layers[1]!.energyKept).toBe(1);
    });

    it('reads LoRA factors without changing the spectrum', () => {
      const random = seededRandom(31);
      const b = randomMatrix(6, 3, random);
      const a = randomMatrix(3, 5, random);
      const fromFactors = allocateRanks(engine, [{ a, b }], { ...defaults, budget: 3 });
      const fromMatrix = allocateRanks(engine, [{ deltaW: matmul(b, a) }], { ...defaults, budget: 3 });
      const s1 = fromFactors.layers[0]!.singularValues;
      const s2 = fromMatrix.layers[0]!.singularValues;
      for (let i = 0; i < 3; i++) expect(s1[i]).toBeCloseTo(s2[i]!, 12);
      expect(fromFactors.layers[0]!.shape).toEqual([6, 5]);
      expect(fromFactors.layers[0]!.numericalRank).toBe(3);
    });

    it('returns truncated factors whose product has the Eckart–Young error', () => {
      const random = seededRandom(32);
      const deltaW = randomMatrix(7, 5, random);
      const other = randomMatrix(4, 4, random, 0.1);
      const result = allocateRanks(engine, [{ deltaW }, { deltaW: other }], { ...defaults, budget: 3, returnFactors: true });
      const layer = result.layers[0]!;
      expect(layer.rank).toBe(3);
      const product = matmul(layer.factors!.b, layer.factors!.a);
      expect(frobeniusNorm(subtract(deltaW, product))).toBeCloseTo(layer.truncationError, 12);

      const fromFactors = allocateRanks(engine, [{ b: layer.factors!.b, a: layer.factors!.a }], { ...defaults, budget: 3, returnFactors: true });
      expect(relativeError(product, matmul(fromFactors.layers[0]!.factors!.b, fromFactors.layers[0]!.factors!.a))).toBeLessThan(1e-13);
    });

    it('rejects factors whose ranks differ', () => {
      expect(() => allocateRanks(engine, [{ a: fromRows([[1, 2]]), b: fromRows([[1, 2]]) }], { ...defaults, budget: 1 })).toThrow(
        expect.objectContaining({ code: 'SHAPE_MISMATCH', params: expect.objectContaining({ path: '/layers/0/a' }) }),
      );
    });
  });
});
