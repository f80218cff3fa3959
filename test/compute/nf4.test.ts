import { describe, expect, it } from 'vitest';

import { fromRows, zeros } from '../../src/compute/dense.js';
import { NF4_LEVELS, dequantizeNf4, mergeError, quantizationError, quantizeNf4 } from '../../src/compute/nf4.js';
import { seededNormal, seededUniform } from '../../src/compute/seeded-random.js';
import { randomMatrix, seededRandom } from '../helpers.js';

describe('NF4 quantisation', () => {
  it('has 16 ascending levels from −1 to 1 with an exact zero', () => {
    expect(NF4_LEVELS).toHaveLength(16);
    expect(NF4_LEVELS[0]).toBe(-1);
    expect(NF4_LEVELS[7]).toBe(0);
    expect(NF4_LEVELS[15]).toBe(1);
    for (let i = 1; i < 16; i++) expect(NF4_LEVELS[i]).toBeGreaterThan(NF4_LEVELS[i - 1]!);
  });

  it('round-trips the exact levels, scaled by a power of two', () => {
    const w = fromRows([NF4_LEVELS.map((level) => level * 2)]);
    const quantized = quantizeNf4(w, 16);
    expect(Array.from(quantized.codes)).toEqual(Array.from({ length: 16 }, (_, i) => i));
    expect(Array.from(quantized.absmax)).toEqual([2]);
    expect(Array.from(dequantizeNf4(quantized).data)).toEqual(Array.from(w.data));
  });

  it('sends a value exactly halfway between two levels to the lower one', () => {
    const halfway = NF4_LEVELS[8]! / 2;
    const codes = quantizeNf4(fromRows([[1, halfway, halfway * (1 + 1e-12), -halfway]]), 4).codes;
    expect(Array.from(codes)).toEqual([15, 7, 8, 7]);
  });

  it('stores absmax per block, with a shorter last block', () => {
    const quantized = quantizeNf4(fromRows([[1, -4, 0.5], [0.25, 3, 0]]), 2);
    expect(Array.from(quantized.absmax)).toEqual([4, 0.5, 3]);
    expect(Array.from(quantized.codes)).toHaveLength(6);
    expect(quantized.codes[1]).toBe(0);
    expect(quantized.codes[2]).toBe(15);
  });

  it('maps an all-zero block to code 7 and back to zeros', () => {
    const quantized = quantizeNf4(zeros(2, 3), 4);
    expect(Array.from(quantized.codes)).toEqual([7, 7, 7, 7, 7, 7]);
    expect(Array.from(dequantizeNf4(quantized).data)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('keeps every error within half the widest level gap times absmax', () => {
    const normal = seededNormal(seededUniform(4));
    const w = zeros(32, 64);
    for (let i = 0; i < w.data.length; i++) w.data[i] = normal() * 0.02;
    const quantized = quantizeNf4(w, 64);
    const restored = dequantizeNf4(quantized);
    const halfGap = (NF4_LEVELS[1]! - NF4_LEVELS[0]!) / 2;
    for (let i = 0; i < w.data.length; i++) {
      expect(Math.abs(restored.data[i]! - w.data[i]!)).toBeLessThanOrEqual(halfGap * quantized.absmax[Math.floor(i / 64)]! * (1 + 1e-6));
    }
    const error = quantizationError(w, restored);
    expect(error.relative).toBeGreaterThan(0.05);
    expect(error.relative).toBeLessThan(0.15);
  });
});

describe('mergeError', () => {
  it('equals the base quantisation error when the merge stays in float', () => {
    const random = seededRandom(8);
    const w = randomMatrix(8, 16, random);
    const b = randomMatrix(8, 2, random, 0.1);
    const a = randomMatrix(2, 16, random, 0.1);
    const restored = dequantizeNf4(quantizeNf4(w, 16));
    const merge = mergeError(w, restored, b, a, 2, 16);

    expect(merge.mergedError.frobenius).toBeCloseTo(quantizationError(w, restored).frobenius, 12);
    expect(merge.noiseToUpdate).toBeCloseTo(merge.mergedError.frobenius / merge.updateNorm, 12);
    expect(merge.requantizedError.frobenius).toBeGreaterThan(0);
    expect(merge.requantizedUpdateError).toBeGreaterThan(0);
  });

  it('reports null ratios for a zero update and checks shapes', () => {
    const w = fromRows([[1, 2], [3, 4]]);
    const restored = dequantizeNf4(quantizeNf4(w, 2));
    const merge = mergeError(w, restored, zeros(2, 1), zeros(1, 2), 1, 2);
    expect(merge.noiseToUpdate).toBeNull();
    expect(merge.requantizedUpdateError).toBeNull();
    expect(() => mergeError(w, restored, zeros(3, 1), zeros(1, 2), 1, 2)).toThrow(expect.objectContaining({ code: 'SHAPE_MISMATCH' }));
  });
});

describe('NF4 input range', () => {
  it('rejects values beyond the float32 range of absmax', () => {
    expect(() => quantizeNf4(fromRows([[1e39, 1]]), 2)).toThrow(expect.objectContaining({ code: 'INVALID_PARAMETER' }));
  });
});
