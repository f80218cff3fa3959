import { describe, expect, it } from 'vitest';

import { type Dense, fromRows, matmul, maxAbs, relativeError, transpose } from '../../src/compute/dense.js';
import { projectAdapter } from '../../src/compute/lora-null.js';
import { randomMatrix, seededRandom } from '../helpers.js';
import { availableEngines } from '../../src/compute/engines.js';

describe.each(availableEngines())('$name engine', (engine) => {
  function projectedDeltaW(result: ReturnType<typeof projectAdapter>): Dense {
    return (result.projected as { deltaW: Dense }).deltaW;
  }

  describe('projectAdapter', () => {
    it('removes all interference on the row space of the activations', () => {
      const random = seededRandom(41);
      const deltaW = randomMatrix(3, 6, random);
      const activations = matmul(randomMatrix(10, 2, random), randomMatrix(2, 6, random));
      const result = projectAdapter(engine, { deltaW }, { activations });

      expect(result.dimension).toBe(2);
      expect(result.energyCaptured).toBeCloseTo(1, 14);
      expect(result.interferenceBefore).toBeGreaterThan(0.1);
      expect(result.interferenceAfter).toBeLessThan(1e-14);
      expect(maxAbs(matmul(projectedDeltaW(result), transpose(activations)))).toBeLessThan(1e-13);
      expect(result.updateKept!).toBeGreaterThan(0);
      expect(result.updateKept!).toBeLessThan(1);
    });

    it('zeroes the protected columns for a coordinate basis', () => {
      const deltaW = fromRows([[1, 2, 3], [4, 5, 6]]);
      const result = projectAdapter(engine, { deltaW }, { basis: fromRows([[2], [0], [0]]) });
      expect(Array.from(projectedDeltaW(result).data)).toEqual([0, 2, 3, 0, 5, 6]);
      // ‖ΔW·e1‖ / ‖e1‖ = ‖(1, 4)‖ = √17 before, 0 after.
      expect(result.interferenceBefore).toBeCloseTo(Math.sqrt(17), 14);
      expect(result.interferenceAfter).toBe(0);
      expect(result.updateKept).toBeCloseTo(Math.sqrt(74 / 91), 14);
      expect(result.energyCaptured).toBeNull();
    });

    it('projects only A for factors, agreeing with the whole-matrix projection', () => {
      const random = seededRandom(42);
      const b = randomMatrix(5, 2, random);
      const a = randomMatrix(2, 4, random);
      const activations = randomMatrix(1, 4, random);
      const whole = projectAdapter(engine, { deltaW: matmul(b, a) }, { activations });
      const factored = projectAdapter(engine, { a, b }, { activations });
      const projectedA = (factored.projected as { a: Dense }).a;

      expect(relativeError(projectedDeltaW(whole), matmul(b, projectedA))).toBeLessThan(1e-13);
      expect(factored.interferenceBefore).toBeCloseTo(whole.interferenceBefore, 12);
      expect(factored.interferenceAfter).toBeLessThan(1e-14);
      expect(factored.updateKept).toBeCloseTo(whole.updateKept!, 12);
    });

    it('selects the subspace by rank or energy', () => {
      // Singular values 3, 1, 0.1: energy 9 / 10.01 is just under 0.9, so 0.9 needs two directions.
      const activations = fromRows([[3, 0, 0, 0], [0, 1, 0, 0], [0, 0, 0.1, 0]]);
      const deltaW = randomMatrix(2, 4, seededRandom(43));
      expect(projectAdapter(engine, { deltaW }, { activations, energy: 0.8 }).dimension).toBe(1);
      expect(projectAdapter(engine, { deltaW }, { activations, energy: 0.9 }).dimension).toBe(2);
      const byRank = projectAdapter(engine, { deltaW }, { activations, rank: 1 });
      expect(byRank.dimension).toBe(1);
      expect(byRank.energyCaptured).toBeCloseTo(9 / 10.01, 14);
      // Only the first direction is protected, so some interference on the others remains.
      expect(byRank.interferenceAfter).toBeGreaterThan(0);
      expect(byRank.interferenceAfter).toBeLessThan(byRank.interferenceBefore);
    });

    it('rejects mismatched dimensions, too large a rank and rank with energy', () => {
      const deltaW = randomMatrix(2, 3, seededRandom(44));
      expect(() => projectAdapter(engine, { deltaW }, { activations: randomMatrix(2, 4, seededRandom(1)) })).toThrow(expect.objectContaining({ code: 'SHAPE_MISMATCH' }));
      expect(() => projectAdapter(engine, { deltaW }, { activations: randomMatrix(1, 3, seededRandom(1)), rank: 2 })).toThrow(expect.objectContaining({ code: 'INVALID_PARAMETER' }));
      expect(() => projectAdapter(engine, { deltaW }, { activations: randomMatrix(2, 3, seededRandom(1)), rank: 1, energy: 0.5 })).toThrow(
        expect.objectContaining({ code: 'INVALID_PARAMETER' }),
      );
    });
  });
});
