import { describe, expect, it } from 'vitest';

import { applyAffineMap, fitAffineMap } from '../../src/compute/affine-map.js';
import { fromRows, maxAbs, subtract } from '../../src/compute/dense.js';
import { availableEngines } from '../../src/compute/engines.js';
import { randomMatrix, seededRandom } from '../helpers.js';

describe.each(availableEngines())('$name engine', (engine) => {
  // One dimension: s = 0, 2 and o = 1, 5. Centred: S_c = (−1, 1), O_c = (−2, 2), means 1 and 3.
  const s = fromRows([[0], [2]]);
  const o = fromRows([[1], [5]]);

  it('least squares gives o = 2s + 1', () => {
    const fit = fitAffineMap(engine, s, o, 0);
    expect(fit.map.data[0]).toBeCloseTo(2, 14);
    expect(fit.bias[0]).toBeCloseTo(1, 14);
    expect(fit.relativeResidual).toBeLessThan(1e-14);
    expect(fit.rank).toBe(1);
  });

  it('ridge towards zero: M = S_cᵀO_c / (S_cᵀS_c + λ) = 4 / 4, b = 3 − M', () => {
    const fit = fitAffineMap(engine, s, o, 2);
    expect(fit.map.data[0]).toBeCloseTo(1, 14);
    expect(fit.bias[0]).toBeCloseTo(2, 14);
    // Predictions 2 and 4 against 1 and 5: ‖error‖ = √2, ‖O_c‖ = √8.
    expect(fit.relativeResidual).toBeCloseTo(0.5, 14);
  });

  it('ridge towards identity: M = 1 + S_cᵀ(O_c − S_c) / (S_cᵀS_c + λ) = 1.5', () => {
    const fit = fitAffineMap(engine, s, o, 2, 'identity');
    expect(fit.map.data[0]).toBeCloseTo(1.5, 14);
    expect(fit.bias[0]).toBeCloseTo(1.5, 14);
  });

  it('a pure offset is recovered as M = I at any λ when shrunk towards identity', () => {
    const x = randomMatrix(6, 4, seededRandom(3));
    const offset = [0.5, -1, 2, 0];
    const y = fromRows(Array.from({ length: 6 }, (_, i) => offset.map((b, j) => x.data[i * 4 + j]! + b)));
    for (const ridge of [0, 1, 100]) {
      const fit = fitAffineMap(engine, x, y, ridge, 'identity');
      expect(maxAbs(subtract(fit.map, fromRows([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]])))).toBeLessThan(1e-12);
      Array.from(fit.bias).forEach((b, j) => expect(b).toBeCloseTo(offset[j]!, 12));
      expect(maxAbs(subtract(applyAffineMap(fit, x), y))).toBeLessThan(1e-12);
    }
  });

  it('rejects one pair, a negative ridge and mismatched rows', () => {
    expect(() => fitAffineMap(engine, fromRows([[1]]), fromRows([[2]]), 0)).toThrow(expect.objectContaining({ code: 'INVALID_PARAMETER' }));
    expect(() => fitAffineMap(engine, s, o, -1)).toThrow(expect.objectContaining({ code: 'INVALID_PARAMETER' }));
    expect(() => fitAffineMap(engine, s, fromRows([[1]]), 0)).toThrow(expect.objectContaining({ code: 'SHAPE_MISMATCH' }));
    expect(() => fitAffineMap(engine, fromRows([[1, 0], [0, 1]]), o, 0, 'identity')).toThrow(expect.objectContaining({ code: 'SHAPE_MISMATCH' }));
  });
});
