import { beforeAll, describe, expect, it } from 'vitest';

import { type Dense32, transpose32 } from '../../src/compute/arrays32.js';
import { type Dense, fromRows, matmul } from '../../src/compute/dense.js';
import { selectEngine } from '../../src/compute/engines.js';
import { type LoraAdapter, type LoraLayout, mergeLora, unmergeLora } from '../../src/compute/lora.js';
import { analyzeDense, analyzeFactors } from '../../src/compute/lora-analyze.js';
import { type CombineAdapter, type CombineMethod, type CombineOptions, combineAdapters } from '../../src/compute/lora-combine.js';
import { type Tf, loadTfjs } from '../../src/compute/tfjs-backend.js';
import { DomainError } from '../../src/errors.js';
import { randomMatrix, seededRandom } from '../helpers.js';

let tf: Tf;
const engine = selectEngine('js');

beforeAll(async () => {
  tf = (await loadTfjs()).tf;
});

function d32(rows: number[][]): Dense32 {
  const dense = fromRows(rows);
  return { rows: dense.rows, cols: dense.cols, data: Float32Array.from(dense.data) };
}

function random32(rows: number, cols: number, random: () => number, scale = 1): Dense32 {
  const dense = randomMatrix(rows, cols, random, scale);
  return { rows, cols, data: Float32Array.from(dense.data) };
}

function to64(matrix: Dense32): Dense {
  return { rows: matrix.rows, cols: matrix.cols, data: Float64Array.from(matrix.data) };
}

function rows(matrix: Dense32): number[][] {
  return Array.from({ length: matrix.rows }, (_, i) => Array.from(matrix.data.subarray(i * matrix.cols, (i + 1) * matrix.cols)));
}

function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let difference = 0;
  let norm = 0;
  for (let i = 0; i < expected.length; i++) {
    difference += (actual[i]! - expected[i]!) ** 2;
    norm += expected[i]! ** 2;
  }
  return Math.sqrt(difference / norm);
}

function adapter(a: Dense32, b: Dense32, alpha: number, extra: Partial<LoraAdapter> = {}): LoraAdapter {
  return { a, b, alpha, path: '', ...extra };
}

describe('LoRA merge: pinned values', () => {
  const weight = d32([[1, 0, 0], [0, 1, 0]]);
  const a = d32([[1, 2, 3]]);
  const b = d32([[1], [2]]);

  it('out_in: W + (alpha/r)·B·A', () => {
    const result = mergeLora(tf, weight, 'out_in', 'standard', [adapter(a, b, 2)], '/weight');
    expect(rows(result.weight)).toEqual([[3, 4, 6], [4, 9, 12]]);
    expect(result.adapters[0]!.scale).toBe(2);
  });

  it('in_out: the stored transpose gets ΔWᵀ', () => {
    const result = mergeLora(tf, transpose32(weight), 'in_out', 'standard', [adapter(a, b, 2)], '/weight');
    expect(rows(result.weight)).toEqual([[3, 4], [4, 9], [6, 12]]);
  });

  it('rslora scales by alpha/√r', () => {
    const a2 = d32([[1, 0, 0], [0, 0, 0], [0, 0, 0], [0, 0, 0]]);
    const b2 = d32([[1, 0, 0, 0], [0, 0, 0, 0]]);
    const result = mergeLora(tf, weight, 'out_in', 'rslora', [adapter(a2, b2, 4)], '/weight');
    expect(result.adapters[0]!.scale).toBe(2);
    expect(rows(result.weight)[0]).toEqual([3, 0, 0]);
  });

  it('a square weight follows the layout flag', () => {
    const square = d32([[1, 2], [3, 4]]);
    const a1 = d32([[1, 0]]);
    const b1 = d32([[0], [1]]);
    expect(rows(mergeLora(tf, square, 'out_in', 'standard', [adapter(a1, b1, 1)], '/weight').weight)).toEqual([[1, 2], [4, 4]]);
    expect(rows(mergeLora(tf, square, 'in_out', 'standard', [adapter(a1, b1, 1)], '/weight').weight)).toEqual([[1, 3], [3, 4]]);
  });

  it('rejects a weight in the wrong layout naming both shapes', () => {
    const call = () => mergeLora(tf, weight, 'in_out', 'standard', [adapter(a, b, 2)], '/weight');
    expect(call).toThrow(DomainError);
    expect(call).toThrow(/weight is 2×3.*B·A is 2×3/);
  });

  it('rejects factors of different rank', () => {
    expect(() => mergeLora(tf, weight, 'out_in', 'standard', [adapter(a, d32([[1, 1], [2, 2]]), 2)], '/weight')).toThrow(/B is 2×2 and A is 1×3/);
  });
});

describe('DoRA merge: pinned values', () => {
  // W = [[1, 2], [3, 4]], ΔW = B·A = [[0, 0], [1, 0]], so W + ΔW = [[1, 2], [4, 4]].
  const weight = d32([[1, 2], [3, 4]]);
  const a = d32([[1, 0]]);
  const b = d32([[0], [1]]);
  const magnitude = Float32Array.from([1, 2]);

  it('normAxis output: per row of out×in (PEFT)', () => {
    const result = mergeLora(tf, weight, 'out_in', 'standard', [adapter(a, b, 1, { dora: { magnitude, normAxis: 'output' } })], '/weight');
    const expected = [1 / Math.sqrt(5), 2 / Math.sqrt(5), 8 / Math.sqrt(32), 8 / Math.sqrt(32)];
    expect(relativeError(result.weight.data, expected)).toBeLessThan(1e-7);
    expect(Array.from(result.adapters[0]!.weightNorm!)).toEqual([Math.fround(Math.sqrt(5)), Math.fround(Math.sqrt(32))]);
  });

  it('normAxis input: per column of out×in', () => {
    const result = mergeLora(tf, weight, 'out_in', 'standard', [adapter(a, b, 1, { dora: { magnitude, normAxis: 'input' } })], '/weight');
    const expected = [1 / Math.sqrt(17), 4 / Math.sqrt(20), 4 / Math.sqrt(17), 8 / Math.sqrt(20)];
    expect(relativeError(result.weight.data, expected)).toBeLessThan(1e-7);
  });

  it.each(['output', 'input'] as const)('in_out layout is the transpose, normAxis %s', (normAxis) => {
    const dora = { magnitude, normAxis };
    const outIn = mergeLora(tf, weight, 'out_in', 'standard', [adapter(a, b, 1, { dora })], '/weight');
    const inOut = mergeLora(tf, transpose32(weight), 'in_out', 'standard', [adapter(a, b, 1, { dora })], '/weight');
    expect(relativeError(inOut.weight.data, transpose32(outIn.weight).data)).toBeLessThan(1e-7);
  });

  it('rejects a magnitude of the wrong length for the axis', () => {
    const wide = d32([[1, 2, 3], [4, 5, 6]]);
    const call = () => mergeLora(tf, wide, 'out_in', 'standard', [adapter(d32([[1, 0, 0]]), b, 1, { dora: { magnitude: Float32Array.from([1, 1, 1]), normAxis: 'output' } })], '/weight');
    expect(call).toThrow(/magnitude has 3 entries/);
  });

  it('rejects a zero norm', () => {
    const zeroRow = d32([[0, 0], [1, 1]]);
    const call = () => mergeLora(tf, zeroRow, 'out_in', 'standard', [adapter(a, d32([[0], [0]]), 1, { dora: { magnitude, normAxis: 'output' } })], '/weight');
    expect(call).toThrow(expect.objectContaining({ code: 'ZERO_NORM_VECTOR' }));
  });
});

describe('merge against a float64 reference', () => {
  it.each<LoraLayout>(['out_in', 'in_out'])('LoRA and DoRA, layout %s', (layout) => {
    const random = seededRandom(41);
    const [out, inFeatures, r] = [9, 6, 3];
    const weightOutIn = random32(out, inFeatures, random);
    const a = random32(r, inFeatures, random);
    const b = random32(out, r, random);
    const magnitude = Float32Array.from({ length: out }, () => 0.5 + random());
    const stored = layout === 'out_in' ? weightOutIn : transpose32(weightOutIn);

    const lora = mergeLora(tf, stored, layout, 'standard', [adapter(a, b, 6)], '/weight');
    const dora = mergeLora(tf, stored, layout, 'standard', [adapter(a, b, 6, { dora: { magnitude, normAxis: 'output' } })], '/weight');

    // Float64: V = W + 2·B·A, W' = m ⊙ V / ‖V‖ per row.
    const delta = matmul(to64(b), to64(a));
    const v = to64(weightOutIn).data.map((value, index) => value + 2 * delta.data[index]!);
    const doraRef = new Float64Array(v.length);
    for (let i = 0; i < out; i++) {
      const row = v.subarray(i * inFeatures, (i + 1) * inFeatures);
      const norm = Math.hypot(...row);
      for (let j = 0; j < inFeatures; j++) doraRef[i * inFeatures + j] = (magnitude[i]! * row[j]!) / norm;
    }
    const asOutIn = (m: Dense32) => (layout === 'out_in' ? m : transpose32(m));
    expect(relativeError(asOutIn(lora.weight).data, v)).toBeLessThan(1e-6);
    expect(relativeError(asOutIn(dora.weight).data, doraRef)).toBeLessThan(1e-6);
  });
});

describe('unmerge ∘ merge = identity', () => {
  const cases: [LoraLayout, 'output' | 'input' | null][] = [
    ['out_in', null],
    ['in_out', null],
    ['out_in', 'output'],
    ['in_out', 'output'],
    ['out_in', 'input'],
    ['in_out', 'input'],
  ];

  it.each(cases)('layout %s, DoRA axis %s, non-square', (layout, normAxis) => {
    const random = seededRandom(51);
    const [out, inFeatures, r] = [12, 7, 4];
    const weight = layout === 'out_in' ? random32(out, inFeatures, random) : random32(inFeatures, out, random);
    const a = random32(r, inFeatures, random);
    const b = random32(out, r, random, 0.3);
    const featureCount = normAxis === 'input' ? inFeatures : out;
    const dora = normAxis === null ? undefined : { magnitude: Float32Array.from({ length: featureCount }, () => 0.5 + random()), normAxis };

    const merged = mergeLora(tf, weight, layout, 'rslora', [adapter(a, b, 8, dora ? { dora } : {})], '/weight');
    const restoredDora = dora ? { dora: { ...dora, weightNorm: merged.adapters[0]!.weightNorm! } } : {};
    const restored = unmergeLora(tf, merged.weight, layout, 'rslora', [adapter(a, b, 8, restoredDora)], '/weight');
    expect(relativeError(restored.weight.data, weight.data)).toBeLessThan(1e-6);
  });

  it('several DoRA adapters take their norms on the base weight', () => {
    const random = seededRandom(52);
    const [out, inFeatures, r] = [8, 5, 2];
    const weight = random32(out, inFeatures, random);
    // Magnitudes near the row norms of W, as DoRA initialises them, keep the unmerge divisor near 1.
    const rowNorm = (i: number) => Math.hypot(...weight.data.subarray(i * inFeatures, (i + 1) * inFeatures));
    const adapters = [0, 1].map(() =>
      adapter(random32(r, inFeatures, random), random32(out, r, random, 0.3), 4, {
        dora: { magnitude: Float32Array.from({ length: out }, (_, i) => rowNorm(i) * (0.9 + 0.2 * random())), normAxis: 'output' },
      }),
    );
    const plain = adapter(random32(r, inFeatures, random), random32(out, r, random, 0.3), 2);

    const merged = mergeLora(tf, weight, 'out_in', 'standard', [...adapters, plain], '/weight');
    // Each DoRA adapter alone on the base weight gives δᵢ = W'ᵢ − W; the joint merge is W + Σ δᵢ.
    const expected = Float64Array.from(weight.data);
    for (const single of [...adapters, plain]) {
      const alone = mergeLora(tf, weight, 'out_in', 'standard', [single], '/weight').weight.data;
      for (let i = 0; i < expected.length; i++) expected[i]! += alone[i]! - weight.data[i]!;
    }
    expect(relativeError(merged.weight.data, expected)).toBeLessThan(1e-6);

    const withNorms = [...adapters.map((entry, i) => ({ ...entry, dora: { ...entry.dora!, weightNorm: merged.adapters[i]!.weightNorm! } })), plain];
    const restored = unmergeLora(tf, merged.weight, 'out_in', 'standard', withNorms, '/weight');
    expect(relativeError(restored.weight.data, weight.data)).toBeLessThan(1e-6);
  });

  it('DoRA unmerge needs weightNorm', () => {
    const call = () => unmergeLora(tf, d32([[1, 2]]), 'out_in', 'standard', [adapter(d32([[1, 0]]), d32([[1]]), 1, { dora: { magnitude: Float32Array.from([1]), normAxis: 'output' } })], '/weight');
    expect(call).toThrow(/weightNorm/);
  });
});

describe('combine', () => {
  const random = seededRandom(61);
  const [out, inFeatures] = [6, 5];
  const makeAdapter = (r: number, alpha: number, weight = 1): CombineAdapter => ({
    a: randomMatrix(r, inFeatures, random),
    b: randomMatrix(out, r, random),
    alpha,
    weight,
  });
  const options = (method: CombineMethod, extra: Partial<CombineOptions> = {}): CombineOptions => ({ method, scaling: 'standard', seed: 0, majoritySignMethod: 'total', density: 1, ...extra });

  const methods: CombineMethod[] = ['cat', 'svd', 'linear', 'ties', 'dare_linear', 'dare_ties', 'magnitude_prune'];
  it.each(methods.flatMap((method) => (['standard', 'rslora'] as const).map((scaling) => [method, scaling] as const)))(
    'single adapter with weight 1 reproduces ΔW: %s, %s',
    (method, scaling) => {
      const single = makeAdapter(3, 5);
      const result = combineAdapters(engine, [single], options(method, { scaling }));
      const s = scaling === 'rslora' ? 5 / Math.sqrt(3) : 5 / 3;
      const expected = matmul(single.b, single.a).data.map((value) => value * s);
      expect(relativeError(matmul(result.b, result.a).data, expected)).toBeLessThan(1e-12);
      expect(result.deltaError.relative).toBeLessThan(1e-7);
    },
  );

  it('cat is exact for several adapters of different ranks', () => {
    const adapters = [makeAdapter(2, 4, 0.7), makeAdapter(3, 3, -0.4)];
    const result = combineAdapters(engine, adapters, options('cat'));
    const expected = new Float64Array(out * inFeatures);
    for (const entry of adapters) {
      const product = matmul(entry.b, entry.a);
      for (let i = 0; i < expected.length; i++) expected[i]! += entry.weight * (entry.alpha / entry.a.rows) * product.data[i]!;
    }
    expect(relativeError(matmul(result.b, result.a).data, expected)).toBeLessThan(1e-12);
    expect(result.rank).toBe(5);
  });

  it('svd truncation error is the dropped singular value', () => {
    // ΔW = 3·e₀e₀ᵀ + 1·e₁e₁ᵀ from two rank-1 adapters (alpha = r = 1, so s = 1).
    const first: CombineAdapter = { a: fromRows([[1, 0]]), b: fromRows([[3], [0]]), alpha: 1, weight: 1 };
    const second: CombineAdapter = { a: fromRows([[0, 1]]), b: fromRows([[0], [1]]), alpha: 1, weight: 1 };
    const result = combineAdapters(engine, [first, second], options('svd', { rank: 1 }));
    expect(result.truncationError).toBeCloseTo(1, 12);
    expect(Array.from(result.singularValues!)).toEqual([3, 1]);
    expect(matmul(result.b, result.a).data[0]).toBeCloseTo(3, 12);
  });

  it('linear adds cross terms', () => {
    const first: CombineAdapter = { a: fromRows([[1, 0]]), b: fromRows([[1], [0]]), alpha: 1, weight: 1 };
    const second: CombineAdapter = { a: fromRows([[0, 1]]), b: fromRows([[0], [1]]), alpha: 1, weight: 1 };
    const result = combineAdapters(engine, [first, second], options('linear'));
    expect(Array.from(matmul(result.b, result.a).data)).toEqual([1, 1, 1, 1]);
    expect(result.deltaError.absolute).toBeCloseTo(Math.SQRT2, 12);
  });

  it('magnitude_prune keeps the largest entries', () => {
    // ⌊0.5·4⌋ = 2 entries of A and ⌊0.5·2⌋ = 1 entry of B survive.
    const single: CombineAdapter = { a: fromRows([[3, -1, 2, 0.5]]), b: fromRows([[1], [-4]]), alpha: 1, weight: 1 };
    const result = combineAdapters(engine, [single], options('magnitude_prune', { density: 0.5 }));
    expect(Array.from(result.a.data)).toEqual([3, 0, 2, 0]);
    expect(Array.from(result.b.data)).toEqual([0, -4]);
  });

  it.each([
    ['total', [-3, -2]],
    ['frequency', [1, 1]],
  ] as const)('ties elects signs by %s', (majoritySignMethod, expected) => {
    const first: CombineAdapter = { a: fromRows([[1, -2]]), b: fromRows([[1]]), alpha: 1, weight: 1 };
    const second: CombineAdapter = { a: fromRows([[-3, 1]]), b: fromRows([[1]]), alpha: 1, weight: 1 };
    const result = combineAdapters(engine, [first, second], options('ties', { majoritySignMethod }));
    expect(Array.from(result.a.data)).toEqual(expected);
    expect(Array.from(result.b.data)).toEqual([1]);
  });

  it('dare keeps entries rescaled by 1/density, reproducibly per seed', () => {
    const single = makeAdapter(2, 2);
    const first = combineAdapters(engine, [single], options('dare_linear', { density: 0.5, seed: 7 }));
    const again = combineAdapters(engine, [single], options('dare_linear', { density: 0.5, seed: 7 }));
    expect(Array.from(first.a.data)).toEqual(Array.from(again.a.data));
    first.a.data.forEach((value, index) => {
      if (value !== 0) expect(value).toBeCloseTo(single.a.data[index]! * 2, 12);
    });
    expect(first.a.data.some((value) => value === 0)).toBe(true);
  });

  it('dare_ties with density 1 equals ties', () => {
    const adapters = [makeAdapter(2, 2), makeAdapter(2, 2, 0.5)];
    const ties = combineAdapters(engine, adapters, options('ties'));
    const dare = combineAdapters(engine, adapters, options('dare_ties'));
    expect(Array.from(dare.a.data)).toEqual(Array.from(ties.a.data));
  });

  it('factor-space methods reject unequal ranks and negative weights', () => {
    expect(() => combineAdapters(engine, [makeAdapter(2, 2), makeAdapter(3, 2)], options('linear'))).toThrow(/equal ranks/);
    expect(() => combineAdapters(engine, [makeAdapter(2, 2, -1)], options('linear'))).toThrow(/≥ 0/);
  });
});

describe('analyze', () => {
  it('pinned spectrum of singular values 2 and 1', () => {
    const b = fromRows([[2, 0], [0, 1]]);
    const a = fromRows([[1, 0, 0], [0, 1, 0]]);
    const result = analyzeFactors(engine, b, a, 1);
    expect(Array.from(result.singularValues)).toEqual([2, 1]);
    const entropy = -(2 / 3) * Math.log(2 / 3) - (1 / 3) * Math.log(1 / 3);
    expect(result.effectiveRank).toBeCloseTo(Math.exp(entropy), 12);
    expect(result.cumulativeEnergy[0]).toBeCloseTo(0.8, 12);
    expect(result.energyTopRank).toBeCloseTo(1, 12);
    expect(result.parameters).toEqual({ dense: 6, lowRank: 10, ratio: 10 / 6 });
  });

  it('factors and the dense ΔW agree', () => {
    const random = seededRandom(71);
    const b = randomMatrix(7, 3, random);
    const a = randomMatrix(3, 5, random);
    const fromFactors = analyzeFactors(engine, b, a, 0.5);
    const delta = matmul(b, a);
    const fromDense = analyzeDense(engine, { ...delta, data: delta.data.map((value) => value * 0.5) }, 3);
    for (let i = 0; i < 3; i++) expect(fromFactors.singularValues[i]).toBeCloseTo(fromDense.singularValues[i]!, 10);
    expect(fromFactors.effectiveRank).toBeCloseTo(fromDense.effectiveRank, 6);
    expect(fromDense.numericalRank).toBe(3);
  });
});
