/**
 * Multi-head attention on TensorFlow.js, float32, as torch.nn.MultiheadAttention computes it:
 * Q = Xq·W_Qᵀ + b_Q, K = Xk·W_Kᵀ + b_K, V = Xv·W_Vᵀ + b_V, split into heads, scaled dot-product attention per head
 * (attention.ts), heads concatenated, then output = concat·W_Oᵀ + b_O.
 *
 * Shapes: inputs Xq [N, L, Eq], Xk [N, S, Ek], Xv [N, S, Ev], or without the batch dimension N. Weights in the
 * nn.Linear (out×in) layout: W_Q [H·d, Eq], W_K [Hkv·d, Ek], W_V [Hkv·dv, Ev], W_O [Eo, H·dv]; biases are vectors of
 * the output size. Head h takes columns h·d to (h + 1)·d of Q. With Hkv < H (grouped-query attention) query head h
 * reads key/value head floor(h / (H / Hkv)). Output [N, L, Eo]; weights [N, H, L, S].
 *
 * Per-head analytics are averaged over the batch and over the query rows that are not fully masked. `entropy` is
 * the entropy of a row's attention weights in nats, and `maxWeight` its largest weight. `effectiveSpan` is the
 * perplexity exp(entropy), the number of keys a row would attend to if it spread its weight evenly.
 */

import { DomainError } from '../errors.js';
import { type Dense32, type NdArray32, showShape } from './arrays32.js';
import { type AdditiveMask, type CausalAlignment, type SliceBias, SliceBiasBuilder } from './attention-masks.js';
import { BiasTensors, attendSlice, listFullyMaskedRows, readAndDispose, rejectNonFinite, unravel } from './attention.js';
import type { Tf } from './tfjs-backend.js';

type Tensor = ReturnType<Tf['tensor']>;
type Tensor2D = ReturnType<Tf['tensor2d']>;

export interface Projection {
  /** out×in (nn.Linear layout). */
  weight: Dense32;
  bias: Float32Array | null;
  /** JSON pointer of the weight, for error messages. */
  path: string;
}

export interface MultiHeadAttentionInput {
  query: NdArray32;
  key: NdArray32;
  value: NdArray32;
  wQ: Projection;
  wK: Projection;
  wV: Projection;
  wO: Projection;
  numHeads: number;
  numKeyValueHeads: number;
  causal: CausalAlignment | null;
  /** Broadcast against the weights shape [N, H, L, S] (or [H, L, S] without a batch dimension). */
  masks: readonly AdditiveMask[];
  returnWeights: boolean;
  scale?: number;
}

export interface HeadStatistics {
  head: number;
  entropy: number;
  maxWeight: number;
  effectiveSpan: number;
}

export interface MultiHeadAttentionResult {
  output: NdArray32;
  weights?: NdArray32;
  fullyMaskedRows: number[][];
  heads: HeadStatistics[];
  scale: number;
  headDim: number;
  valueHeadDim: number;
}

interface Dimensions {
  batch: number;
  batched: boolean;
  L: number;
  S: number;
  d: number;
  dv: number;
  outFeatures: number;
}

function checkDimensions(input: MultiHeadAttentionInput): Dimensions {
  const { query, key, value, wQ, wK, wV, wO, numHeads: H, numKeyValueHeads: Hkv } = input;
  const mismatch = (path: string, reason: string) => new DomainError('SHAPE_MISMATCH', { path, reason });

  const rank = query.shape.length;
  if (rank !== 2 && rank !== 3) throw mismatch('/query', `query has shape ${showShape(query.shape)}; expected [L, E] or [N, L, E]`);
  for (const [name, array] of [['key', key], ['value', value]] as const) {
    if (array.shape.length !== rank) throw mismatch(`/${name}`, `${name} ${showShape(array.shape)} and query ${showShape(query.shape)} differ in rank`);
    if (rank === 3 && array.shape[0] !== query.shape[0]) throw mismatch(`/${name}`, `${name} ${showShape(array.shape)} and query ${showShape(query.shape)} differ in the batch size`);
  }
  if (key.shape[rank - 2] !== value.shape[rank - 2]) throw mismatch('/value', `key ${showShape(key.shape)} and value ${showShape(value.shape)} differ in the sequence length S`);
  if (H % Hkv !== 0) throw new DomainError('INVALID_PARAMETER', { path: '/numKeyValueHeads', value: Hkv, reason: `it must divide numHeads (${H})` });

  const inputWidth = (array: NdArray32) => array.shape[rank - 1]!;
  const checkProjection = (projection: Projection, inFeatures: number, inputName: string, heads: number, headName: string) => {
    const { rows, cols } = projection.weight;
    if (cols !== inFeatures) {
      throw mismatch(projection.path, `the weight at ${projection.path} is ${rows}×${cols} (out×in) but the ${inputName} has ${inFeatures} features`);
    }
    if (rows % heads !== 0) throw mismatch(projection.path, `the weight at ${projection.path} has ${rows} output features, not a multiple of ${headName} = ${heads}`);
    if (projection.bias !== null && projection.bias.length !== rows) {
      throw mismatch(`${projection.path}Bias`, `the bias of ${projection.path} has ${projection.bias.length} entries but the weight has ${rows} output features`);
    }
    return rows / heads;
  };

  const d = checkProjection(wQ, inputWidth(query), 'query', H, 'numHeads');
  const dk = checkProjection(wK, inputWidth(key), 'key', Hkv, 'numKeyValueHeads');
  if (dk !== d) throw mismatch(wK.path, `W_K gives ${dk} features per head but W_Q gives ${d}; they must match (W_K: ${wK.weight.rows}×${wK.weight.cols}, W_Q: ${wQ.weight.rows}×${wQ.weight.cols})`);
  const dv = checkProjection(wV, inputWidth(value), 'value', Hkv, 'numKeyValueHeads');
  const outFeatures = wO.weight.rows;
  if (wO.weight.cols !== H * dv) throw mismatch(wO.path, `W_O is ${wO.weight.rows}×${wO.weight.cols} (out×in) but the concatenated heads have ${H}·${dv} = ${H * dv} features`);
  if (wO.bias !== null && wO.bias.length !== outFeatures) throw mismatch(`${wO.path}Bias`, `the bias of W_O has ${wO.bias.length} entries but W_O has ${outFeatures} output features`);

  return {
    batch: rank === 3 ? query.shape[0]! : 1,
    batched: rank === 3,
    L: query.shape[rank - 2]!,
    S: key.shape[rank - 2]!,
    d,
    dv,
    outFeatures,
  };
}

/** Computes multi-head attention; see the file header for shapes, conventions and analytics. */
export function multiHeadAttention(tf: Tf, input: MultiHeadAttentionInput): MultiHeadAttentionResult {
  const dims = checkDimensions(input);
  const { batch, batched, L, S, d, dv, outFeatures } = dims;
  const H = input.numHeads;
  const groupSize = H / input.numKeyValueHeads;
  const scale = input.scale ?? 1 / Math.sqrt(d);

  const lead = batched ? [batch, H] : [H];
  const builder = new SliceBiasBuilder([...lead, L, S], input.masks, input.causal);
  const sliceBiases: SliceBias[] = [];
  for (let slice = 0; slice < batch * H; slice++) sliceBiases.push(builder.forSlice(unravel(slice, lead)));

  const tensors = tf.tidy(() => {
    const biasTensors = new BiasTensors(tf, L, S);
    const project = (projection: Projection) => ({
      weightTransposed: tf.transpose(tf.tensor2d(projection.weight.data, [projection.weight.rows, projection.weight.cols])) as Tensor2D,
      bias: projection.bias === null ? null : tf.tensor1d(projection.bias),
    });
    const [pQ, pK, pV, pO] = [project(input.wQ), project(input.wK), project(input.wV), project(input.wO)];
    const apply = (x: Tensor2D, p: ReturnType<typeof project>): Tensor2D => {
      const y = tf.matMul(x, p.weightTransposed);
      return (p.bias === null ? y : tf.add(y, p.bias)) as Tensor2D;
    };
    const rowsOf = (array: NdArray32, n: number, length: number) => {
      const width = array.shape[array.shape.length - 1]!;
      return tf.tensor2d(array.data.subarray(n * length * width, (n + 1) * length * width), [length, width]);
    };

    const outputs: Tensor[] = [];
    const weights: Tensor[] = [];
    const entropies: Tensor[] = [];
    const maxima: Tensor[] = [];
    for (let n = 0; n < batch; n++) {
      const q = apply(rowsOf(input.query, n, L), pQ);
      const k = apply(rowsOf(input.key, n, S), pK);
      const v = apply(rowsOf(input.value, n, S), pV);

      const heads: Tensor[] = [];
      for (let h = 0; h < H; h++) {
        // Bias tensors are cached across heads, so they belong to the outer scope; the inner tidy frees the scores.
        const mask = biasTensors.get(sliceBiases[n * H + h]!);
        const head = tf.tidy(() => {
          const g = Math.floor(h / groupSize);
          const qh = tf.slice(q, [0, h * d], [L, d]);
          const kh = tf.transpose(tf.slice(k, [0, g * d], [S, d])) as Tensor2D;
          const vh = tf.slice(v, [0, g * dv], [S, dv]);
          const result = attendSlice(tf, qh, kh, vh, scale, mask);
          return {
            output: result.output,
            weights: input.returnWeights ? result.weights : undefined,
            entropy: tf.neg(tf.sum(tf.mul(result.weights, tf.log(tf.maximum(result.weights, 1e-30))), 1)),
            maxWeight: tf.max(result.weights, 1),
          };
        });
        heads.push(head.output);
        if (head.weights !== undefined) weights.push(head.weights);
        entropies.push(head.entropy);
        maxima.push(head.maxWeight);
      }

      outputs.push(apply(tf.concat(heads, 1) as Tensor2D, pO));
    }

    return {
      output: tf.concat(outputs, 0),
      weights: input.returnWeights ? tf.concat(weights, 0) : undefined,
      entropy: tf.concat(entropies, 0),
      maxWeight: tf.concat(maxima, 0),
    };
  });

  const output = readAndDispose(tensors.output);
  const weights = tensors.weights === undefined ? undefined : readAndDispose(tensors.weights);
  const entropy = readAndDispose(tensors.entropy);
  const maxWeight = readAndDispose(tensors.maxWeight);
  rejectNonFinite(output, 'output');

  return {
    output: { shape: batched ? [batch, L, outFeatures] : [L, outFeatures], data: output },
    ...(weights === undefined ? {} : { weights: { shape: [...lead, L, S], data: weights } }),
    fullyMaskedRows: listFullyMaskedRows(sliceBiases, lead),
    heads: headStatistics(entropy, maxWeight, sliceBiases, batch, H, L),
    scale,
    headDim: d,
    valueHeadDim: dv,
  };
}

/** Averages the per-row entropy and maximum weight of each head over the batch, skipping fully masked rows. */
function headStatistics(entropy: Float32Array, maxWeight: Float32Array, sliceBiases: SliceBias[], batch: number, H: number, L: number): HeadStatistics[] {
  const heads: HeadStatistics[] = [];
  for (let h = 0; h < H; h++) {
    let rows = 0;
    let entropySum = 0;
    let maxSum = 0;
    let spanSum = 0;
    for (let n = 0; n < batch; n++) {
      const slice = n * H + h;
      const masked = new Set(sliceBiases[slice]!.fullyMaskedRows);
      for (let i = 0; i < L; i++) {
        if (masked.has(i)) continue;
        const rowEntropy = Math.max(0, entropy[slice * L + i]!);
        entropySum += rowEntropy;
        maxSum += maxWeight[slice * L + i]!;
        spanSum += Math.exp(rowEntropy);
        rows++;
      }
    }
    // A head whose rows are all fully masked attends to nothing: its statistics are 0.
    const mean = (sum: number) => (rows === 0 ? 0 : sum / rows);
    heads.push({ head: h, entropy: mean(entropySum), maxWeight: mean(maxSum), effectiveSpan: mean(spanSum) });
  }
  return heads;
}
