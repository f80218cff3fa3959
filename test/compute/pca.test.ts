import { describe, expect, it } from 'vitest';

import { type Dense, fromRows, matmul, maxAbs, subtract, transpose } from '../../src/compute/dense.js';
import { pca } from '../../src/compute/pca.js';
import { randomMatrix, seededRandom } from '../helpers.js';
import { availableEngines } from '../../src/compute/engines.js';

describe.each(availableEngines())('$name engine', (engine) => {
  const options = { center: true, maxSamples: 10_000, seed: 1, includeProjections: true };

  describe('pca', () => {
    it('points on a line along (3, 4) have one component', () => {
      const data = fromRows([[3, 4], [6, 8], [-3, -4], [0, 0]].map(([x, y]) => [x! + 1, y! + 2]));
      const result = pca(engine, data, options);
      expect(result.components.data[0]).toBeCloseTo(0.6, 15);
      expect(result.components.data[1]).toBeCloseTo(0.8, 15);
      expect(result.explainedVarianceRatio[0]).toBeCloseTo(1, 15);
      expect(result.explainedVarianceRatio[1]).toBeCloseTo(0, 15);
      expect(Array.from(result.mean)).toEqual([2.5, 4]);
    });

    it('explained variance matches the sample variance along each component', () => {
      const random = seededRandom(1);
      const data = matmul(randomMatrix(50, 4, random), randomMatrix(4, 4, random));
      const result = pca(engine, data, options);
      const ratios = Array.from(result.explainedVarianceRatio);
      expect(ratios.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 14);
      for (let i = 1; i < ratios.length; i++) expect(ratios[i]).toBeLessThanOrEqual(ratios[i - 1]!);
      // Variance of the projections on component i, with the N − 1 denominator.
      const projections = result.projections!;
      for (let c = 0; c < 4; c++) {
        let sum = 0;
        for (let i = 0; i < 50; i++) sum += projections.data[i * 4 + c]! ** 2;
        expect(sum / 49).toBeCloseTo(result.explainedVariance[c]!, 10);
      }
    });

    it('components are orthonormal and projections reconstruct the centred data', () => {
      const random = seededRandom(2);
      const data = randomMatrix(20, 6, random);
      const result = pca(engine, data, options);
      const v: Dense = result.components;
      expect(maxAbs(subtract(matmul(v, transpose(v)), { rows: 6, cols: 6, data: Float64Array.from({ length: 36 }, (_, i) => (i % 7 === 0 ? 1 : 0)) }))).toBeLessThan(1e-14);
      const reconstructed = matmul(result.projections!, v);
      for (let i = 0; i < 20; i++) {
        for (let j = 0; j < 6; j++) expect(reconstructed.data[i * 6 + j]! + result.mean[j]!).toBeCloseTo(data.data[i * 6 + j]!, 13);
      }
    });

    it('samples down to maxSamples, reproducibly', () => {
      const data = randomMatrix(100, 3, seededRandom(3));
      const first = pca(engine, data, { ...options, maxSamples: 30, components: 2 });
      const second = pca(engine, data, { ...options, maxSamples: 30, components: 2 });
      expect(first.sampled).toBe(true);
      expect(first.samplesUsed).toBe(30);
      expect(first.sampleIndices).toHaveLength(30);
      expect(new Set(first.sampleIndices).size).toBe(30);
      expect(first.sampleIndices).toEqual(second.sampleIndices);
      expect(first.components.rows).toBe(2);
    });

    it('rejects too many components and a single sample', () => {
      expect(() => pca(engine, randomMatrix(5, 3, seededRandom(4)), { ...options, components: 4 })).toThrow(/components/);
      expect(() => pca(engine, fromRows([[1, 2, 3]]), options)).toThrow(/at least 2 samples/);
    });
  });
});
