import { describe, expect, it } from 'vitest';

import { fromRows } from '../../src/compute/dense.js';
import { analyzeFourier, analyzeSinusoidal, sinusoidalEncoding } from '../../src/compute/positional.js';

const positions = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('sinusoidal encoding', () => {
  it('matches pinned values at positions 0 and 1 for d = 4', () => {
    // ω = (1, 10000^(−1/2)) = (1, 0.01).
    const pe = sinusoidalEncoding([0, 1], 4, 10000);
    expect(Array.from(pe.data.subarray(0, 4))).toEqual([0, 1, 0, 1]);
    expect(pe.data[4]).toBeCloseTo(0.8414709848078965, 15);
    expect(pe.data[5]).toBeCloseTo(0.5403023058681398, 15);
    expect(pe.data[6]).toBeCloseTo(0.009999833334166664, 15);
    expect(pe.data[7]).toBeCloseTo(0.9999500004166653, 15);
  });

  it('has an inner product that depends only on the offset', () => {
    const { gram, structure } = analyzeSinusoidal(positions(64), 32, 10000);
    expect(structure.byOffset).toHaveLength(64);
    expect(structure.byOffset[0]!.pairs).toBe(64);
    expect(structure.byOffset[63]!.pairs).toBe(1);
    expect(structure.maxDeviation).toBeLessThan(1e-12);
    expect(structure.maxErrorFromExpected).toBeLessThan(1e-12);
    // ‖PE(p)‖² = d/2 for every p.
    for (let p = 0; p < 64; p++) expect(gram.data[p * 64 + p]).toBeCloseTo(16, 12);
  });

  it('returns Σ cos(ω_i·Δ) by offset for unordered positions', () => {
    const { structure } = analyzeSinusoidal([5, 2, 9, 3], 2, 10000);
    // d = 2 has one frequency ω = 1, so the inner product at offset Δ is cos Δ.
    expect(structure.byOffset.map((row) => row.offset)).toEqual([0, 1, 2, 3, 4, 6, 7]);
    for (const row of structure.byOffset) expect(row.innerProduct).toBeCloseTo(Math.cos(row.offset), 14);
  });

  it('rejects an odd dimension', () => {
    expect(() => sinusoidalEncoding([0], 3, 10000)).toThrow(expect.objectContaining({ code: 'INVALID_PARAMETER' }));
  });
});

describe('random Fourier features', () => {
  const x = fromRows(positions(40).map((p) => [p]));

  it('cos-sin features are exactly shift-invariant with unit diagonal', () => {
    const result = analyzeFourier(x, 256, 5, 'cos-sin', 1, positions(40));
    expect(result.structure!.maxDeviation).toBeLessThan(1e-13);
    for (let i = 0; i < 40; i++) expect(result.gram.data[i * 40 + i]).toBeCloseTo(1, 14);
  });

  it('cos-phase features are shift-invariant only approximately', () => {
    const result = analyzeFourier(x, 256, 5, 'cos-phase', 1, positions(40));
    expect(result.structure!.maxDeviation).toBeGreaterThan(1e-3);
    expect(result.phases).toHaveLength(256);
  });

  it('approximates the Gaussian kernel better with more features', () => {
    const few = analyzeFourier(x, 64, 5, 'cos-sin', 2);
    const many = analyzeFourier(x, 8192, 5, 'cos-sin', 2);
    expect(many.kernelError.rms).toBeLessThan(few.kernelError.rms);
    expect(many.kernelError.maxAbs).toBeLessThan(0.1);
  });

  it('is deterministic for a seed and works on points', () => {
    const points = fromRows([[0, 0], [1, 0], [0, 2]]);
    const first = analyzeFourier(points, 16, 1, 'cos-sin', 7);
    const again = analyzeFourier(points, 16, 1, 'cos-sin', 7);
    expect(Array.from(again.features.data)).toEqual(Array.from(first.features.data));
    expect(first.features.rows).toBe(3);
    expect(first.frequencies.cols).toBe(2);
    expect(first.structure).toBeUndefined();
  });

  it('rejects an odd feature count for cos-sin', () => {
    expect(() => analyzeFourier(x, 5, 1, 'cos-sin', 0)).toThrow(expect.objectContaining({ code: 'INVALID_PARAMETER' }));
  });
});
