import { beforeAll, describe, expect, it } from 'vitest';

import type { NdArray32 } from '../../src/compute/arrays32.js';
import type { AdditiveMask, CausalAlignment } from '../../src/compute/attention-masks.js';
import { scaledDotProductAttention } from '../../src/compute/attention.js';
import { multiHeadAttention } from '../../src/compute/multi-head-attention.js';
import { type Tf, loadTfjs } from '../../src/compute/tfjs-backend.js';
import { DomainError } from '../../src/errors.js';
import { seededRandom } from '../helpers.js';

let tf: Tf;

beforeAll(async () => {
  tf = (await loadTfjs()).tf;
});

function nd(shape: number[], values: number[]): NdArray32 {
  return { shape, data: Float32Array.from(values) };
}

function randomNd(shape: number[], random: () => number): NdArray32 {
  const size = shape.reduce((product, dimension) => product * dimension, 1);
  return nd(shape, Array.from({ length: size }, () => random() * 2 - 1));
}

function mask(shape: number[], values: number[]): AdditiveMask {
  return { path: '/mask', shape, values: Float32Array.from(values) };
}

const NEG = -Infinity;

/** Float64 reference: softmax(Q·Kᵀ·scale + bias)·V per slice with GQA, fully masked rows → 0. */
function referenceAttention(q: NdArray32, k: NdArray32, v: NdArray32, scale: number, bias: (slice: number, i: number, j: number) => number) {
  const rank = q.shape.length;
  const [L, d] = [q.shape[rank - 2]!, q.shape[rank - 1]!];
  const [S, dv] = [k.shape[rank - 2]!, v.shape[rank - 1]!];
  const slices = q.data.length / (L * d);
  const group = slices / (k.data.length / (S * d));
  const out = new Float64Array(slices * L * dv);
  const weights = new Float64Array(slices * L * S);
  for (let t = 0; t < slices; t++) {
    const kv = Math.floor(t / group);
    for (let i = 0; i < L; i++) {
      const scores = new Float64Array(S);
      for (let j = 0; j < S; j++) {
        let dot = 0;
        for (let c = 0; c < d; c++) dot += q.data[(t * L + i) * d + c]! * k.data[(kv * S + j) * d + c]!;
        scores[j] = dot * scale + bias(t, i, j);
      }
      const max = Math.max(...scores);
      if (max === -Infinity) continue;
      const exps = scores.map((value) => Math.exp(value - max));
      const sum = exps.reduce((a, b) => a + b, 0);
      for (let j = 0; j < S; j++) {
        const w = exps[j]! / sum;
        weights[(t * L + i) * S + j] = w;
        for (let c = 0; c < dv; c++) out[(t * L + i) * dv + c]! += w * v.data[(kv * S + j) * dv + c]!;
      }
    }
  }
  return { out, weights };
}

function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

const base = { causal: null, masks: [], returnWeights: true } as const;

describe('scaled dot-product attention: pinned values', () => {
  const q = nd([2, 2], [1, 0, 0, 1]);
  const k = nd([2, 2], [1, 0, 0, 1]);
  const v = nd([2, 2], [1, 2, 3, 4]);
  const sigmoid1 = 1 / (1 + Math.exp(-1));

  it('no mask, scale 1', () => {
    const result = scaledDotProductAttention(tf, q, k, v, { ...base, scale: 1 });
    const expected = [sigmoid1, 1 - sigmoid1, 1 - sigmoid1, sigmoid1];
    expect(maxAbsDifference(result.weights!.data, expected)).toBeLessThan(1e-6);
    expect(maxAbsDifference(result.output.data, [1 + 2 * (1 - sigmoid1), 2 + 2 * (1 - sigmoid1), 1 + 2 * sigmoid1, 2 + 2 * sigmoid1])).toBeLessThan(1e-6);
    expect(result.output.shape).toEqual([2, 2]);
  });

  it('default scale is 1/√d', () => {
    expect(scaledDotProductAttention(tf, q, k, v, base).scale).toBe(1 / Math.sqrt(2));
  });

  // "allow" [[T, F], [T, T]], "block" [[F, T], [F, F]] and additive [[0, −inf], [0, 0]] are the same mask.
  it.each([
    ['allow', [0, NEG, 0, 0]],
    ['block', [0, NEG, 0, 0]],
    ['additive', [0, NEG, 0, 0]],
  ])('mask kind %s masks key 1 for query 0', (_kind, values) => {
    const result = scaledDotProductAttention(tf, q, k, v, { ...base, scale: 1, masks: [mask([2, 2], values)] });
    expect(Array.from(result.weights!.data.subarray(0, 2))).toEqual([1, 0]);
    expect(Array.from(result.output.data.subarray(0, 2))).toEqual([1, 2]);
    expect(result.weights!.data[2]).toBeCloseTo(1 - sigmoid1, 6);
  });

  it('finite additive mask shifts the scores', () => {
    // Row 0 scores [1, 0] + [0, 1] = [1, 1]: uniform weights.
    const result = scaledDotProductAttention(tf, q, k, v, { ...base, scale: 1, masks: [mask([2, 2], [0, 1, 0, 0])] });
    expect(Array.from(result.weights!.data.subarray(0, 2))).toEqual([0.5, 0.5]);
    expect(Array.from(result.output.data.subarray(0, 2))).toEqual([2, 3]);
  });

  const zerosQ = nd([2, 1], [0, 0]);
  const keys3 = nd([3, 1], [0, 0, 0]);
  const values3 = nd([3, 1], [1, 2, 4]);

  it.each<[CausalAlignment, number[], number[]]>([
    ['topLeft', [1, 0, 0, 0.5, 0.5, 0], [1, 1.5]],
    ['bottomRight', [0.5, 0.5, 0, 1 / 3, 1 / 3, 1 / 3], [1.5, 7 / 3]],
  ])('causal %s with L = 2, S = 3', (alignment, weights, output) => {
    const result = scaledDotProductAttention(tf, zerosQ, keys3, values3, { ...base, causal: alignment });
    expect(maxAbsDifference(result.weights!.data, weights)).toBeLessThan(1e-7);
    expect(maxAbsDifference(result.output.data, output)).toBeLessThan(1e-6);
    expect(result.fullyMaskedRows).toEqual([]);
  });

  it('fully masked row gives zeros and is listed', () => {
    // bottomRight with L = 3 > S = 2: query 0 may see keys j ≤ −1, so none.
    const q3 = nd([3, 1], [0, 0, 0]);
    const k2 = nd([2, 1], [0, 0]);
    const v2 = nd([2, 1], [1, 3]);
    for (const returnWeights of [true, false]) {
      const result = scaledDotProductAttention(tf, q3, k2, v2, { ...base, returnWeights, causal: 'bottomRight' });
      expect(Array.from(result.output.data)).toEqual([0, 1, 2]);
      expect(result.fullyMaskedRows).toEqual([[0]]);
      if (returnWeights) expect(Array.from(result.weights!.data)).toEqual([0, 0, 1, 0, 0.5, 0.5]);
    }
  });

  it('fully masked row by a boolean mask in a batch', () => {
    const qb = nd([2, 2, 1], [0, 0, 0, 0]);
    const kb = nd([2, 2, 1], [0, 0, 0, 0]);
    const vb = nd([2, 2, 1], [1, 3, 5, 7]);
    // Mask [2, 1, 2] broadcast over L: batch 1 has both keys masked for every query.
    const result = scaledDotProductAttention(tf, qb, kb, vb, { ...base, masks: [mask([2, 1, 2], [0, 0, NEG, NEG])] });
    expect(Array.from(result.output.data)).toEqual([2, 2, 0, 0]);
    expect(result.fullyMaskedRows).toEqual([[1, 0], [1, 1]]);
    expect(result.weights!.data.every(Number.isFinite)).toBe(true);
  });
});

describe('grouped-query attention', () => {
  it('query head h reads key/value head floor(h / group)', () => {
    const random = seededRandom(3);
    const q = randomNd([4, 3, 2], random);
    const k = randomNd([2, 5, 2], random);
    const v = randomNd([2, 5, 3], random);
    const result = scaledDotProductAttention(tf, q, k, v, base);
    expect(result.shapes.groupSize).toBe(2);

    // Repeat-interleave K and V to 4 heads: [kv0, kv0, kv1, kv1].
    const repeat = (array: NdArray32, width: number) => {
      const block = 5 * width;
      const data = new Float32Array(4 * block);
      for (let h = 0; h < 4; h++) data.set(array.data.subarray(Math.floor(h / 2) * block, (Math.floor(h / 2) + 1) * block), h * block);
      return { shape: [4, 5, width], data };
    };
    const expanded = scaledDotProductAttention(tf, q, repeat(k, 2), repeat(v, 3), base);
    expect(maxAbsDifference(result.output.data, expanded.output.data)).toBe(0);
    expect(maxAbsDifference(result.weights!.data, expanded.weights!.data)).toBe(0);
  });

  it('pinned: two query heads share one key/value head', () => {
    const q = nd([2, 1, 1], [0, 0]);
    const k = nd([1, 2, 1], [0, 0]);
    const v = nd([1, 2, 1], [2, 4]);
    const result = scaledDotProductAttention(tf, q, k, v, base);
    expect(Array.from(result.output.data)).toEqual([3, 3]);
  });

  it('rejects heads that do not divide', () => {
    const random = seededRandom(4);
    const call = () => scaledDotProductAttention(tf, randomNd([3, 2, 2], random), randomNd([2, 2, 2], random), randomNd([2, 2, 2], random), base);
    expect(call).toThrow(DomainError);
    expect(call).toThrow(/\[3, 2, 2\].*\[2, 2, 2\]/);
  });
});

describe('attention against a float64 reference', () => {
  it.each<[CausalAlignment | null]>([[null], ['topLeft'], ['bottomRight']])('batched heads, additive mask, causal %s', (causal) => {
    const random = seededRandom(11);
    const q = randomNd([2, 4, 5, 8], random);
    const k = randomNd([2, 2, 7, 8], random);
    const v = randomNd([2, 2, 7, 3], random);
    // Mask [2, 1, 1, 7]: per batch, a bias per key; batch 1 masks key 6.
    const maskValues = Array.from({ length: 14 }, (_, index) => (index === 13 ? NEG : random()));
    const result = scaledDotProductAttention(tf, q, k, v, { causal, masks: [mask([2, 1, 1, 7], maskValues)], returnWeights: true, scale: 0.3 });

    const shift = causal === 'bottomRight' ? 7 - 5 : 0;
    const reference = referenceAttention(q, k, v, 0.3, (slice, i, j) => {
      const batch = Math.floor(slice / 4);
      const causalBias = causal !== null && j > i + shift ? NEG : 0;
      return maskValues[batch * 7 + j]! + causalBias;
    });
    expect(maxAbsDifference(result.output.data, reference.out)).toBeLessThan(1e-5);
    expect(maxAbsDifference(result.weights!.data, reference.weights)).toBeLessThan(1e-6);
    expect(result.output.shape).toEqual([2, 4, 5, 3]);
  });

  it('weights rows sum to 1', () => {
    const random = seededRandom(12);
    const result = scaledDotProductAttention(tf, randomNd([3, 6, 4], random), randomNd([3, 9, 4], random), randomNd([3, 9, 2], random), { ...base, causal: 'topLeft' });
    for (let row = 0; row < 18; row++) {
      const sum = result.weights!.data.subarray(row * 9, (row + 1) * 9).reduce((a, b) => a + b, 0);
      expect(sum).toBeCloseTo(1, 6);
    }
  });
});

describe('attention shape checks', () => {
  const random = seededRandom(5);

  it('rejects a feature dimension mismatch naming both shapes', () => {
    const call = () => scaledDotProductAttention(tf, randomNd([2, 4], random), randomNd([3, 5], random), randomNd([3, 2], random), base);
    expect(call).toThrow(/query \[2, 4\] and key \[3, 5\]/);
  });

  it('rejects a sequence length mismatch between key and value', () => {
    const call = () => scaledDotProductAttention(tf, randomNd([2, 4], random), randomNd([3, 4], random), randomNd([2, 2], random), base);
    expect(call).toThrow(/key \[3, 4\] and value \[2, 2\]/);
  });

  it('rejects a mask that does not broadcast', () => {
    const call = () => scaledDotProductAttention(tf, randomNd([2, 4], random), randomNd([3, 4], random), randomNd([3, 2], random), { ...base, masks: [mask([3, 3], new Array(9).fill(0))] });
    expect(call).toThrow(/\[3, 3\].*\[2, 3\]/);
  });
});

describe('multi-head attention', () => {
  const E = 6;
  const H = 3;

  function projection(rows: number, cols: number, random: () => number, path: string) {
    return { weight: { rows, cols, data: randomNd([rows, cols], random).data }, bias: randomNd([rows], random).data, path };
  }

  it('matches a float64 reference built from projections and per-head attention', () => {
    const random = seededRandom(21);
    const x = randomNd([2, 4, E], random);
    const [wQ, wK, wV, wO] = [projection(6, E, random, '/wQ'), projection(6, E, random, '/wK'), projection(6, E, random, '/wV'), projection(5, 6, random, '/wO')];
    const result = multiHeadAttention(tf, { query: x, key: x, value: x, wQ, wK, wV, wO, numHeads: H, numKeyValueHeads: H, causal: 'topLeft', masks: [], returnWeights: true });

    const linear = (input: Float32Array, rows: number, p: typeof wQ) => {
      const out = new Float64Array(rows * p.weight.rows);
      for (let i = 0; i < rows; i++) {
        for (let o = 0; o < p.weight.rows; o++) {
          let sum = p.bias![o]!;
          for (let c = 0; c < p.weight.cols; c++) sum += input[i * p.weight.cols + c]! * p.weight.data[o * p.weight.cols + c]!;
          out[i * p.weight.rows + o] = sum;
        }
      }
      return out;
    };
    for (let n = 0; n < 2; n++) {
      const xn = x.data.subarray(n * 4 * E, (n + 1) * 4 * E);
      const [q, k, v] = [linear(xn, 4, wQ), linear(xn, 4, wK), linear(xn, 4, wV)];
      const headsOut = new Float32Array(4 * 6);
      for (let h = 0; h < H; h++) {
        const pick = (m: Float64Array) => nd([4, 2], Array.from({ length: 8 }, (_, index) => m[Math.floor(index / 2) * 6 + h * 2 + (index % 2)]!));
        const ref = referenceAttention(pick(q), pick(k), pick(v), 1 / Math.sqrt(2), (_t, i, j) => (j > i ? NEG : 0));
        for (let i = 0; i < 4; i++) for (let c = 0; c < 2; c++) headsOut[i * 6 + h * 2 + c] = ref.out[i * 2 + c]!;
      }
      const expected = linear(headsOut, 4, wO);
      expect(maxAbsDifference(result.output.data.subarray(n * 20, (n + 1) * 20), expected)).toBeLessThan(1e-5);
    }
    expect(result.output.shape).toEqual([2, 4, 5]);
    expect(result.weights!.shape).toEqual([2, H, 4, 4]);
  });

  it('uniform attention has entropy ln S, max weight 1/S and span S', () => {
    const random = seededRandom(22);
    const x = randomNd([5, E], random);
    const zero = { weight: { rows: 6, cols: E, data: new Float32Array(36) }, bias: null, path: '/wQ' };
    const [wK, wV, wO] = [projection(6, E, random, '/wK'), projection(6, E, random, '/wV'), projection(E, 6, random, '/wO')];
    const result = multiHeadAttention(tf, { query: x, key: x, value: x, wQ: zero, wK, wV, wO, numHeads: H, numKeyValueHeads: H, causal: null, masks: [], returnWeights: false });
    for (const head of result.heads) {
      expect(head.entropy).toBeCloseTo(Math.log(5), 5);
      expect(head.maxWeight).toBeCloseTo(0.2, 6);
      expect(head.effectiveSpan).toBeCloseTo(5, 4);
    }
  });

  it('rejects W_O that does not fit the heads', () => {
    const random = seededRandom(23);
    const x = randomNd([3, E], random);
    const call = () =>
      multiHeadAttention(tf, {
        query: x,
        key: x,
        value: x,
        wQ: projection(6, E, random, '/wQ'),
        wK: projection(6, E, random, '/wK'),
        wV: projection(6, E, random, '/wV'),
        wO: projection(4, 5, random, '/wO'),
        numHeads: H,
        numKeyValueHeads: H,
        causal: null,
        masks: [],
        returnWeights: false,
      });
    expect(call).toThrow(/W_O is 4×5/);
  });
});

describe('tensor bookkeeping', () => {
  it('leaves no tensors behind', () => {
    const random = seededRandom(31);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) {
      scaledDotProductAttention(tf, randomNd([2, 3, 4], random), randomNd([2, 5, 4], random), randomNd([2, 5, 2], random), { ...base, causal: 'bottomRight' });
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});
