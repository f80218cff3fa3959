import { describe, expect, it } from 'vitest';

import { fromRows } from '../../src/compute/dense.js';
import { linearityOfMatrix, linearityOfSamples } from '../../src/compute/linearity.js';
import { randomMatrix, seededRandom } from '../helpers.js';
import { availableEngines } from '../../src/compute/engines.js';

describe.each(availableEngines())('$name engine', (engine) => {
  describe('linearityOfMatrix', () => {
    it('a matrix passes both laws', () => {
      const result = linearityOfMatrix(randomMatrix(4, 3, seededRandom(1)), {});
      expect(result.linear).toBe(true);
      expect(result.additivity.maxViolation).toBeLessThan(1e-3);
      expect(result.homogeneity.maxViolation).toBeLessThan(1e-3);
    });
  });

  describe('linearityOfSamples', () => {
    const inputs = fromRows([[1, 0], [0, 1], [1, 1], [2, -1]]);

    it('y = 2·x1 + 3·x2 is linear', () => {
      const result = linearityOfSamples(engine, inputs, fromRows([[2], [3], [5], [1]]), {});
      expect(result.verdict).toBe('linear');
      expect(result.relationsTested).toBe(2);
      expect(result.matrix.data[0]).toBeCloseTo(2, 14);
      expect(result.matrix.data[1]).toBeCloseTo(3, 14);
    });

    it('y = 2·x1 + 3·x2 + 1 is affine', () => {
      const result = linearityOfSamples(engine, inputs, fromRows([[3], [4], [6], [2]]), {});
      expect(result.verdict).toBe('affine');
      expect(result.linearFit.holds).toBe(false);
      expect(result.affineFit.intercept[0]).toBeCloseTo(1, 13);
    });

    it('y = x1² is nonlinear', () => {
      const result = linearityOfSamples(engine, inputs, fromRows([[1], [0], [1], [4]]), {});
      expect(result.verdict).toBe('nonlinear');
      expect(result.linearFit.worstSample).not.toBeNull();
    });

    it('independent inputs cannot show nonlinearity', () => {
      const result = linearityOfSamples(engine, fromRows([[1, 0], [0, 1]]), fromRows([[7], [-3]]), {});
      expect(result.verdict).toBe('undetermined');
      expect(result.relationsTested).toBe(0);
    });

    it('f(0) ≠ 0 breaks homogeneity', () => {
      const result = linearityOfSamples(engine, fromRows([[0], [1], [2]]), fromRows([[1], [2], [3]]), {});
      expect(result.verdict).toBe('affine');
    });

    it('rtol and atol widen the check', () => {
      const outputs = fromRows([[2], [3], [5.001], [1]]);
      expect(linearityOfSamples(engine, inputs, outputs, {}).linearFit.holds).toBe(false);
      expect(linearityOfSamples(engine, inputs, outputs, { rtol: 1e-2 }).verdict).toBe('linear');
    });
  });
});
