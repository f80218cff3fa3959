/**
 * Scaled dot-product attention on TensorFlow.js, float32:
 * softmax(Q·Kᵀ·scale + bias)·V per (batch, head) slice.
 *
 * Shapes: Q [...batch, Hq, L, d], K [...batch, Hkv, S, d], V [...batch, Hkv, S, dv], with the same rank (2 or
 * more). For rank 2 there are no lead dimensions; for rank 3 the first is the head axis. The axis just before L is
 * the head axis: Hkv may divide Hq (grouped-query attention), and query head h then reads key/value head
 * floor(h / (Hq / Hkv)), as PyTorch's `enable_gqa` (repeat_interleave) does. The batch dimensions must be equal,
 * because nothing is broadcast. Output [...batch, Hq, L, dv]; weights [...batch, Hq, L, S].
 *
 * `scale` defaults to 1/√d. Masks and causal alignment are described in attention-masks.ts. A fully masked query
 * row yields output 0 and weights 0 and is listed in `fullyMaskedRows`.
 */

import { DomainError } from '../errors.js';
import { type NdArray32, firstNonFinite, shapeSize, showShape } from './arrays32.js';
import { type AdditiveMask, type CausalAlignment, type SliceBias, SliceBiasBuilder } from './attention-masks.js';
import type { Tf } from './tfjs-backend.js';

type Tensor = ReturnType<Tf['tensor']>;
type Tensor2D = ReturnType<Tf['tensor2d']>;

export interface AttentionOptions {
  /** Multiplies Q·Kᵀ; default 1/√d. */
  scale?: number;
  /** Causal alignment, or null for no causal mask. */
  causal: CausalAlignment | null;
  masks: readonly AdditiveMask[];
  returnWeights: boolean;
}

export interface AttentionShapes {
  lead: number[];
  L: number;
  S: number;
  d: number;
  dv: number;
  queryHeads: number;
  keyValueHeads: number;
  groupSize: number;
}

export interface AttentionResult {
  output: NdArray32;
  weights?: NdArray32;
  /** Multi-indices [...lead, i] of fully masked query rows, in row-major order. */
  fullyMaskedRows: number[][];
  scale: number;
  shapes: AttentionShapes;
}

/** Validates Q, K and V against each other; rejects with SHAPE_MISMATCH naming both shapes. */
export function attentionShapes(q: NdArray32, k: NdArray32, v: NdArray32): AttentionShapes {
  const rank = q.shape.length;
  const mismatch = (reason: string, extra: Record<string, unknown>) => new DomainError('SHAPE_MISMATCH', { reason, ...extra });

  if (rank < 2) throw mismatch(`query has shape ${showShape(q.shape)}; it needs at least 2 dimensions [L, d]`, { path: '/query', queryShape: q.shape });
  if (k.shape.length !== rank) throw mismatch(`query ${showShape(q.shape)} and key ${showShape(k.shape)} differ in rank`, { path: '/key', queryShape: q.shape, keyShape: k.shape });
  if (v.shape.length !== rank) throw mismatch(`key ${showShape(k.shape)} and value ${showShape(v.shape)} differ in rank`, { path: '/value', keyShape: k.shape, valueShape: v.shape });

  const L = q.shape[rank - 2]!;
  const d = q.shape[rank - 1]!;
  const S = k.shape[rank - 2]!;
  const dv = v.shape[rank - 1]!;
  if (k.shape[rank - 1] !== d) {
    throw mismatch(`query ${showShape(q.shape)} and key ${showShape(k.shape)} differ in the feature dimension d (${d} and ${k.shape[rank - 1]})`, { path: '/key', queryShape: q.shape, keyShape: k.shape });
  }
  if (v.shape[rank - 2] !== S) {
    throw mismatch(`key ${showShape(k.shape)} and value ${showShape(v.shape)} differ in the sequence length S (${S} and ${v.shape[rank - 2]})`, { path: '/value', keyShape: k.shape, valueShape: v.shape });
  }
  for (let axis = 0; axis < rank - 2; axis++) {
    if (v.shape[axis] !== k.shape[axis]) {
      throw mismatch(`key ${showShape(k.shape)} and value ${showShape(v.shape)} differ in dimension ${axis}`, { path: '/value', keyShape: k.shape, valueShape: v.shape });
    }
  }
  for (let axis = 0; axis < rank - 3; axis++) {
    if (q.shape[axis] !== k.shape[axis]) {
      throw mismatch(`query ${showShape(q.shape)} and key ${showShape(k.shape)} differ in batch dimension ${axis}; batch dimensions are not broadcast`, { path: '/key', queryShape: q.shape, keyShape: k.shape });
    }
  }

  const queryHeads = rank >= 3 ? q.shape[rank - 3]! : 1;
  const keyValueHeads = rank >= 3 ? k.shape[rank - 3]! : 1;
  if (queryHeads % keyValueHeads !== 0) {
    throw mismatch(
      `query ${showShape(q.shape)} has ${queryHeads} heads and key ${showShape(k.shape)} has ${keyValueHeads}; for grouped-query attention the key/value heads must divide the query heads`,
      { path: '/key', queryShape: q.shape, keyShape: k.shape },
    );
  }
  if ([L, d, S, dv].some((size) => size === 0)) throw mismatch(`query ${showShape(q.shape)}, key ${showShape(k.shape)} and value ${showShape(v.shape)} must have non-empty L, S, d and dv`, { path: '/query' });

  return { lead: q.shape.slice(0, -2), L, S, d, dv, queryHeads, keyValueHeads, groupSize: queryHeads / keyValueHeads };
}

/** Computes scaled dot-product attention; see the file header for shapes and conventions. */
export function scaledDotProductAttention(tf: Tf, q: NdArray32, k: NdArray32, v: NdArray32, options: AttentionOptions): AttentionResult {
  const shapes = attentionShapes(q, k, v);
  const { lead, L, S, d, dv, groupSize } = shapes;
  const scale = options.scale ?? 1 / Math.sqrt(d);
  const slices = shapeSize(lead);
  const biases = new SliceBiasBuilder([...lead, L, S], options.masks, options.causal);

  const sliceBiases: SliceBias[] = [];
  for (let slice = 0; slice < slices; slice++) sliceBiases.push(biases.forSlice(unravel(slice, lead)));

  const tensors = tf.tidy(() => {
    const biasTensors = new BiasTensors(tf, L, S);
    const outputs: Tensor[] = [];
    const weights: Tensor[] = [];
    let keyTransposed: Tensor2D | null = null;
    let value: Tensor2D | null = null;
    let loadedKeyValue = -1;

    for (let slice = 0; slice < slices; slice++) {
      // Slices run head-fastest, so consecutive query heads of one group reuse the loaded key/value head.
      const keyValueSlice = Math.floor(slice / groupSize);
      if (keyValueSlice !== loadedKeyValue) {
        const key = tf.tensor2d(k.data.subarray(keyValueSlice * S * d, (keyValueSlice + 1) * S * d), [S, d]);
        keyTransposed = tf.transpose(key);
        value = tf.tensor2d(v.data.subarray(keyValueSlice * S * dv, (keyValueSlice + 1) * S * dv), [S, dv]);
        loadedKeyValue = keyValueSlice;
      }

      // Bias tensors are cached across slices, so they belong to the outer scope. The inner tidy frees each
      // slice's scores as soon as its output exists.
      const mask = biasTensors.get(sliceBiases[slice]!);
      const head: { output: Tensor; weights?: Tensor } = tf.tidy(() => {
        const query = tf.tensor2d(q.data.subarray(slice * L * d, (slice + 1) * L * d), [L, d]);
        const result = attendSlice(tf, query, keyTransposed!, value!, scale, mask);
        return options.returnWeights ? result : { output: result.output };
      });
      outputs.push(head.output);
      if (head.weights !== undefined) weights.push(head.weights);
    }

    return {
      output: tf.concat(outputs, 0),
      weights: options.returnWeights ? tf.concat(weights, 0) : undefined,
    };
  });

  const output = readAndDispose(tensors.output);
  const weights = tensors.weights === undefined ? undefined : readAndDispose(tensors.weights);
  rejectNonFinite(output, 'output');

  return {
    output: { shape: [...lead, L, dv], data: output },
    ...(weights === undefined ? {} : { weights: { shape: [...lead, L, S], data: weights } }),
    fullyMaskedRows: listFullyMaskedRows(sliceBiases, lead),
    scale,
    shapes,
  };
}

/** Bias tensors of a slice, created once per distinct mask block inside the caller's `tf.tidy`. */
export class BiasTensors {
  private readonly cache = new Map<string, { bias: Tensor | null; keep: Tensor | null }>();

  constructor(
    private readonly tf: Tf,
    private readonly L: number,
    private readonly S: number,
  ) {}

  get(slice: SliceBias): { bias: Tensor | null; keep: Tensor | null } {
    let tensors = this.cache.get(slice.key);
    if (tensors === undefined) {
      tensors = {
        bias: slice.bias === null ? null : this.tf.tensor2d(slice.bias, [this.L, this.S]),
        keep: slice.keep === null ? null : this.tf.tensor2d(slice.keep, [this.L, 1]),
      };
      this.cache.set(slice.key, tensors);
    }
    return tensors;
  }
}

/**
 * Attention of one slice: query L×d, keyTransposed d×S, value S×dv. Returns the output L×dv and the weights L×S.
 * Two 2-D matMuls with an explicit transpose, because tfjs-wasm's batched and transposeB paths are slower.
 */
export function attendSlice(
  tf: Tf,
  query: Tensor2D,
  keyTransposed: Tensor2D,
  value: Tensor2D,
  scale: number,
  mask: { bias: Tensor | null; keep: Tensor | null },
): { output: Tensor; weights: Tensor } {
  let scores: Tensor = tf.matMul(tf.mul(query, scale), keyTransposed);
  if (mask.bias !== null) scores = tf.add(scores, mask.bias);

  let weights: Tensor = tf.softmax(scores);
  if (mask.keep !== null) weights = tf.mul(weights, mask.keep);

  return { output: tf.matMul(weights as Tensor2D, value), weights };
}

/** Reads a tensor returned from `tf.tidy` and disposes it. */
export function readAndDispose(tensor: Tensor): Float32Array {
  const data = tensor.dataSync() as Float32Array;
  tensor.dispose();
  return data;
}

/** Rejects a result with NaN or ±Infinity, which float32 overflow of Q·Kᵀ can produce. */
export function rejectNonFinite(values: Float32Array, what: string): void {
  const index = firstNonFinite(values);
  if (index >= 0) throw new DomainError('NON_FINITE_RESULT', { what, index, value: String(values[index]) });
}

/** Converts a flat row-major index into a multi-index of `shape`. */
export function unravel(index: number, shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length);
  let rest = index;
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    out[axis] = rest % shape[axis]!;
    rest = Math.floor(rest / shape[axis]!);
  }
  return out;
}

export function listFullyMaskedRows(sliceBiases: readonly SliceBias[], lead: readonly number[]): number[][] {
  const rows: number[][] = [];
  sliceBiases.forEach((slice, index) => {
    const leadIndex = unravel(index, lead);
    for (const row of slice.fullyMaskedRows) rows.push([...leadIndex, row]);
  });
  return rows;
}
