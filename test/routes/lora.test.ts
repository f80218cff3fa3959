import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { makeApp, post, randomMatrix, seededRandom } from '../helpers.js';
import { toRows } from '../../src/compute/dense.js';

let app: FastifyInstance;

beforeAll(async () => {
  app = await makeApp();
});

afterAll(async () => {
  await app.close();
});

const weight = [[1, 0, 0], [0, 1, 0]];
const A = [[1, 2, 3]];
const B = [[1], [2]];

function transpose(rows: number[][]): number[][] {
  return rows[0]!.map((_, j) => rows.map((row) => row[j]!));
}

function relativeError(actual: number[][], expected: number[][]): number {
  let difference = 0;
  let norm = 0;
  actual.forEach((row, i) => row.forEach((value, j) => {
    difference += (value - expected[i]![j]!) ** 2;
    norm += expected[i]![j]! ** 2;
  }));
  return Math.sqrt(difference / norm);
}

describe('POST /v1/lora/merge', () => {
  it('merges in the out_in layout and echoes the conventions', async () => {
    const { status, body } = await post(app, '/v1/lora/merge', { weight, A, B, alpha: 2 });
    expect(status).toBe(200);
    expect(body.weight).toEqual([[3, 4, 6], [4, 9, 12]]);
    expect(body).toMatchObject({ layout: 'out_in', scaling: 'standard', rank: 1, scale: 2, computeDtype: 'float32' });
  });

  it('merges in the in_out layout and returns that layout', async () => {
    const { status, body } = await post(app, '/v1/lora/merge', { weight: transpose(weight), A, B, alpha: 2, layout: 'in_out' });
    expect(status).toBe(200);
    expect(body.weight).toEqual([[3, 4], [4, 9], [6, 12]]);
    expect(body.layout).toBe('in_out');
  });

  it('rslora scale is alpha/√r', async () => {
    const { body } = await post(app, '/v1/lora/merge', { weight, A: [[1, 0, 0], [0, 0, 0], [0, 0, 0], [0, 0, 0]], B: [[1, 0, 0, 0], [0, 0, 0, 0]], alpha: 4, scaling: 'rslora' });
    expect(body.scale).toBe(2);
    expect(body.weight[0]).toEqual([3, 0, 0]);
  });

  it('rejects the wrong layout with both shapes', async () => {
    const { status, body } = await post(app, '/v1/lora/merge', { weight, A, B, alpha: 2, layout: 'in_out' });
    expect(status).toBe(422);
    expect(body.code).toBe('SHAPE_MISMATCH');
    expect(body.weightShape).toEqual([2, 3]);
    expect(body.deltaShape).toEqual([2, 3]);
    expect(body.message).toMatch(/2×3.*in×out/);
  });

  it('rejects a single adapter and a list together', async () => {
    const { status, body } = await post(app, '/v1/lora/merge', { weight, A, B, alpha: 2, adapters: [{ A, B, alpha: 2 }] });
    expect(status).toBe(400);
    expect(body.path).toBe('/adapters');
  });

  it('rejects a merge that overflows float32', async () => {
    const { status, body } = await post(app, '/v1/lora/merge', { weight: [[3e38, 0]], A: [[1, 0]], B: [[1e38]], alpha: 1 });
    expect(status).toBe(422);
    expect(body.code).toBe('NON_FINITE_RESULT');
    expect(body.index).toBe(0);
  });

  it('rejects input beyond the float32 range', async () => {
    const { status, body } = await post(app, '/v1/lora/merge', { weight: [[1e39, 0]], A: [[1, 0]], B: [[1]], alpha: 1 });
    expect(status).toBe(400);
    expect(body.message).toMatch(/float32 range/);
  });

  it('reads and writes the binary form', async () => {
    const binary = { shape: [2, 3], dtype: 'float64', data: Buffer.from(Float64Array.from(weight.flat()).buffer).toString('base64') };
    const { status, body } = await post(app, '/v1/lora/merge', { weight: binary, A, B, alpha: 2 });
    expect(status).toBe(200);
    expect(body.weight.dtype).toBe('float32');
    const bytes = Buffer.from(body.weight.data, 'base64');
    expect(Array.from(new Float32Array(bytes.buffer, bytes.byteOffset, 6))).toEqual([3, 4, 6, 4, 9, 12]);
  });
});

describe('DoRA round trip', () => {
  it.each([
    ['out_in', 'output'],
    ['in_out', 'output'],
    ['out_in', 'input'],
    ['in_out', 'input'],
  ] as const)('layout %s, normAxis %s: unmerge restores W', async (layout, normAxis) => {
    const random = seededRandom(81);
    const [out, inFeatures, r] = [6, 4, 2];
    const base = toRows(randomMatrix(out, inFeatures, random));
    const stored = layout === 'out_in' ? base : transpose(base);
    const adapter = { A: toRows(randomMatrix(r, inFeatures, random)), B: toRows(randomMatrix(out, r, random, 0.3)), alpha: 4 };
    const magnitude = Array.from({ length: normAxis === 'output' ? out : inFeatures }, () => 0.5 + random());

    const merged = await post(app, '/v1/lora/merge', { weight: stored, ...adapter, layout, dora: { magnitude, normAxis } });
    expect(merged.status).toBe(200);
    expect(merged.body.dora.normAxis).toBe(normAxis);
    expect(merged.body.dora.weightNorm).toHaveLength(magnitude.length);

    const restored = await post(app, '/v1/lora/unmerge', { weight: merged.body.weight, ...adapter, layout, dora: { magnitude, normAxis, weightNorm: merged.body.dora.weightNorm } });
    expect(restored.status).toBe(200);
    expect(relativeError(restored.body.weight, stored)).toBeLessThan(1e-6);
  });

  it('unmerge without weightNorm is rejected', async () => {
    const { status, body } = await post(app, '/v1/lora/unmerge', { weight, A, B, alpha: 2, dora: { magnitude: [1, 1] } });
    expect(status).toBe(400);
    expect(body.path).toBe('/dora/weightNorm');
  });

  it('plain LoRA unmerge inverts merge', async () => {
    const merged = await post(app, '/v1/lora/merge', { weight, A, B, alpha: 2 });
    const restored = await post(app, '/v1/lora/unmerge', { weight: merged.body.weight, A, B, alpha: 2 });
    expect(restored.body.weight).toEqual(weight);
  });
});

describe('POST /v1/lora/combine', () => {
  const first = { A: [[1, 0]], B: [[1], [0]], alpha: 1 };
  const second = { A: [[0, 1]], B: [[0], [1]], alpha: 1 };

  it.each(['cat', 'svd', 'linear', 'ties', 'dare_linear', 'dare_ties', 'magnitude_prune'])('single adapter reproduces ΔW: %s', async (method) => {
    const { status, body } = await post(app, '/v1/lora/combine', { method, adapters: [{ A: [[1, 2]], B: [[3], [4]], alpha: 2, weight: 1 }], density: 1 });
    expect(status).toBe(200);
    expect(body.deltaError.relative).toBeLessThan(1e-12);
    expect(body.scale).toBe(1);
  });

  it('cat is exact for two adapters', async () => {
    const { body } = await post(app, '/v1/lora/combine', { method: 'cat', adapters: [first, { ...second, weight: 0.5 }] });
    expect(body.A).toEqual([[1, 0], [0, 1]]);
    expect(body.B).toEqual([[1, 0], [0, 0.5]]);
    expect(body.exact).toBe(true);
    expect(body.alpha).toBe(2);
  });

  it('linear warns about cross terms', async () => {
    const { body } = await post(app, '/v1/lora/combine', { method: 'linear', adapters: [first, second] });
    expect(body.warning).toMatch(/cross terms/);
    expect(body.deltaError.absolute).toBeCloseTo(Math.SQRT2, 12);
    expect(body.exact).toBe(false);
  });

  it('svd reports the truncation error', async () => {
    const { body } = await post(app, '/v1/lora/combine', { method: 'svd', rank: 1, adapters: [{ ...first, B: [[3], [0]] }, second] });
    expect(body.truncationError).toBeCloseTo(1, 12);
    expect(body.singularValues).toEqual([3, 1]);
  });

  it('pruning methods need density', async () => {
    const { status, body } = await post(app, '/v1/lora/combine', { method: 'ties', adapters: [first, second] });
    expect(status).toBe(400);
    expect(body.path).toBe('/density');
  });

  it('dare echoes its seed', async () => {
    const { body } = await post(app, '/v1/lora/combine', { method: 'dare_linear', adapters: [first, second], density: 0.5, seed: 9 });
    expect(body).toMatchObject({ seed: 9, density: 0.5 });
  });
});

describe('POST /v1/lora/analyze', () => {
  it('returns the spectrum, effective rank and parameter counts', async () => {
    const { status, body } = await post(app, '/v1/lora/analyze', { A: [[1, 0, 0], [0, 1, 0]], B: [[2, 0], [0, 1]], alpha: 2 });
    expect(status).toBe(200);
    expect(body.singularValues).toEqual([2, 1]);
    expect(body.cumulativeEnergy[0]).toBeCloseTo(0.8, 12);
    expect(body.parameters).toEqual({ dense: 6, lowRank: 10, ratio: 10 / 6 });
    expect(body.scale).toBe(1);
  });

  it('accepts a dense delta', async () => {
    const { body } = await post(app, '/v1/lora/analyze', { delta: [[3, 0], [0, 0]], rank: 1 });
    expect(body.singularValues).toEqual([3, 0]);
    expect(body.effectiveRank).toBe(1);
    expect(body.energyTopRank).toBe(1);
  });

  it('rejects both factors and delta', async () => {
    const { status } = await post(app, '/v1/lora/analyze', { delta: [[1]], A: [[1]], B: [[1]], alpha: 1 });
    expect(status).toBe(400);
  });
});
