/**
 * LoRA and DoRA merging into a base weight, and the inverse, on TensorFlow.js, float32.
 *
 * Conventions (PEFT's): A is r×in (lora_A.weight), B is out×r (lora_B.weight), and the update is ΔW = s·B·A, out×in,
 * with s = alpha/r ("standard") or alpha/√r ("rslora"). The weight is stored in one of two layouts:
 * - "out_in": out×in, as torch.nn.Linear stores it;
 * - "in_out": in×out, as GPT-2's Conv1D stores it (PEFT's fan_in_fan_out); ΔW is added transposed.
 * A and B have the same shapes in both layouts. The layout is never guessed from the shapes, so a square weight
 * is read in the layout the caller names.
 *
 * DoRA: W' = m ⊙ (W + ΔW) / ‖W + ΔW‖, the norm taken per output feature (a row of the out×in weight, PEFT's
 * convention; m has `out` entries) or, with normAxis "input", per input feature (a column; m has `in` entries).
 *
 * Several adapters on one layer: every norm is taken on the unmerged base weight W, so adapter i contributes
 * δᵢ = cᵢ ⊙ (W + ΔWᵢ) − W with cᵢ = mᵢ / ‖W + ΔWᵢ‖ (DoRA) or δᵢ = ΔWᵢ (LoRA), and W' = W + Σ δᵢ. Unmerge solves
 * this for W per feature: W = (W' − Σ cᵢ ⊙ ΔWᵢ) / (1 + Σ_DoRA (cᵢ − 1)), with cᵢ = 1 for LoRA adapters. DoRA needs
 * the norms ‖W + ΔWᵢ‖ that the merge returned, because the merged weight does not determine them.
 */

import { DomainError } from '../errors.js';
import { type Dense32, firstNonFinite, transpose32 } from './arrays32.js';
import { readAndDispose } from './attention.js';
import type { Tf } from './tfjs-backend.js';

type Tensor = ReturnType<Tf['tensor']>;

export type LoraLayout = 'out_in' | 'in_out';
export type LoraScaling = 'standard' | 'rslora';
export type DoraNormAxis = 'output' | 'input';

export interface DoraOptions {
  magnitude: Float32Array;
  normAxis: DoraNormAxis;
  /** ‖W + ΔW‖ per feature, as returned by the merge; required to unmerge. */
  weightNorm?: Float32Array;
}

export interface LoraAdapter {
  a: Dense32;
  b: Dense32;
  alpha: number;
  dora?: DoraOptions;
  /** JSON pointer of the adapter in the request ("" for the top level), for error messages. */
  path: string;
}

export interface MergeResult {
  weight: Dense32;
  /** Per adapter: the scale s, and for DoRA adapters the norms ‖W + ΔW‖ that unmerge needs. */
  adapters: { rank: number; scale: number; weightNorm?: Float32Array }[];
}

/** s = alpha/r (standard LoRA) or alpha/√r (rank-stabilised LoRA). */
export function loraScale(alpha: number, rank: number, scaling: LoraScaling): number {
  return scaling === 'rslora' ? alpha / Math.sqrt(rank) : alpha / rank;
}

/** Out and in features of a weight stored in `layout`. */
export function featureCounts(weight: Dense32, layout: LoraLayout): { out: number; in: number } {
  return layout === 'out_in' ? { out: weight.rows, in: weight.cols } : { out: weight.cols, in: weight.rows };
}

/** Rejects factors that do not fit the weight in its layout; never broadcasts. Returns the rank r. */
export function checkAdapterShapes(weight: Dense32, layout: LoraLayout, adapter: LoraAdapter, weightPath: string): number {
  const { a, b, path } = adapter;
  const features = featureCounts(weight, layout);
  const stored = layout === 'out_in' ? 'out×in' : 'in×out';
  const mismatch = (at: string, reason: string, extra: Record<string, unknown> = {}) => new DomainError('SHAPE_MISMATCH', { path: at, reason, ...extra });

  if (b.cols !== a.rows) {
    throw mismatch(`${path}/B`, `B is ${b.rows}×${b.cols} and A is ${a.rows}×${a.cols}; B must be out×r and A r×in with the same r`, { shapeA: [a.rows, a.cols], shapeB: [b.rows, b.cols] });
  }
  if (b.rows !== features.out || a.cols !== features.in) {
    throw mismatch(
      weightPath,
      `the weight is ${weight.rows}×${weight.cols}, read as ${stored} (layout "${layout}"), so it needs B with ${features.out} rows and A with ${features.in} columns, but B·A is ${b.rows}×${a.cols} (B: ${b.rows}×${b.cols}, A: ${a.rows}×${a.cols}); check the layout`,
      { weightShape: [weight.rows, weight.cols], deltaShape: [b.rows, a.cols], layout },
    );
  }

  if (adapter.dora !== undefined) {
    const expected = adapter.dora.normAxis === 'output' ? features.out : features.in;
    for (const [name, vector] of [['magnitude', adapter.dora.magnitude], ['weightNorm', adapter.dora.weightNorm]] as const) {
      if (vector !== undefined && vector.length !== expected) {
        throw mismatch(
          `${path}/dora/${name}`,
          `dora.${name} has ${vector.length} entries, but normAxis "${adapter.dora.normAxis}" takes one norm per ${adapter.dora.normAxis} feature of the ${features.out}×${features.in} (out×in) weight: ${expected}`,
        );
      }
    }
  }
  return a.rows;
}

/**
 * Merges adapters into the weight: W' = W + Σ δᵢ (see the file header). Rejects a DoRA feature with ‖W + ΔW‖ = 0,
 * whose direction is undefined.
 */
export function mergeLora(tf: Tf, weight: Dense32, layout: LoraLayout, scaling: LoraScaling, adapters: LoraAdapter[], weightPath: string): MergeResult {
  const ranks = adapters.map((adapter) => checkAdapterShapes(weight, layout, adapter, weightPath));
  const scales = adapters.map((adapter, index) => loraScale(adapter.alpha, ranks[index]!, scaling));

  const tensors = tf.tidy(() => {
    const base = tf.tensor2d(weight.data, [weight.rows, weight.cols]);
    let merged: Tensor = base;
    const norms: Tensor[] = [];
    adapters.forEach((adapter, index) => {
      const delta = storedDelta(tf, adapter, scales[index]!, layout);
      if (adapter.dora === undefined) {
        merged = tf.add(merged, delta);
        return;
      }
      const combined = tf.add(base, delta);
      const norm = tf.sqrt(tf.sum(tf.square(combined), normReductionAxis(layout, adapter.dora.normAxis), true));
      const factor = tf.div(normShaped(tf, adapter.dora.magnitude, layout, adapter.dora.normAxis), norm);
      merged = tf.add(merged, tf.sub(tf.mul(factor, combined), base));
      norms.push(norm);
    });
    return { merged, norms, finite: finiteProbe(tf, merged) };
  });

  // Read the small norm vectors first: a zero norm makes the merged weight NaN, and then it need not be read.
  const norms = tensors.norms.map((tensor) => readAndDispose(tensor));
  let normIndex = 0;
  const adapterResults: MergeResult['adapters'] = [];
  let zeroNorm: DomainError | null = null;
  adapters.forEach((adapter, index) => {
    if (adapter.dora === undefined) {
      adapterResults.push({ rank: ranks[index]!, scale: scales[index]! });
      return;
    }
    const weightNorm = norms[normIndex++]!;
    const zero = weightNorm.findIndex((value) => value === 0);
    if (zero >= 0 && zeroNorm === null) {
      zeroNorm = new DomainError('ZERO_NORM_VECTOR', { path: `${adapter.path}/dora`, what: `the ${adapter.dora.normAxis} feature ${zero} of W + ΔW`, index: zero });
    }
    adapterResults.push({ rank: ranks[index]!, scale: scales[index]!, weightNorm });
  });
  const finite = Number.isFinite(readAndDispose(tensors.finite)[0]);
  if (zeroNorm !== null) {
    tensors.merged.dispose();
    throw zeroNorm;
  }

  const merged = readAndDispose(tensors.merged);
  if (!finite) rejectOverflow(merged);
  return { weight: { rows: weight.rows, cols: weight.cols, data: merged }, adapters: adapterResults };
}

/**
 * Removes merged adapters: W = (W' − Σ cᵢ ⊙ ΔWᵢ) / (1 + Σ_DoRA (cᵢ − 1)) (see the file header). The float32 rounding
 * of W' is amplified by 1/|divisor|: for one adapter the divisor is m/‖W + ΔW‖, near 1 for trained DoRA layers.
 */
export function unmergeLora(tf: Tf, merged: Dense32, layout: LoraLayout, scaling: LoraScaling, adapters: LoraAdapter[], weightPath: string): MergeResult {
  const ranks = adapters.map((adapter) => checkAdapterShapes(merged, layout, adapter, weightPath));
  const scales = adapters.map((adapter, index) => loraScale(adapter.alpha, ranks[index]!, scaling));
  for (const adapter of adapters) {
    if (adapter.dora !== undefined && adapter.dora.weightNorm === undefined) {
      throw new DomainError('INVALID_PARAMETER', {
        path: `${adapter.path}/dora/weightNorm`,
        value: null,
        reason: 'unmerging DoRA needs the per-feature norms ‖W + ΔW‖ that the merge returned (weightNorm), because the merged weight does not determine them',
      });
    }
  }
  checkDivisor(adapters, featureCounts(merged, layout));

  const tensors = tf.tidy(() => {
    let numerator: Tensor = tf.tensor2d(merged.data, [merged.rows, merged.cols]);
    let divisor: Tensor | null = null;
    adapters.forEach((adapter, index) => {
      const delta = storedDelta(tf, adapter, scales[index]!, layout);
      if (adapter.dora === undefined) {
        numerator = tf.sub(numerator, delta);
        return;
      }
      const { magnitude, normAxis, weightNorm } = adapter.dora;
      const factor = tf.div(normShaped(tf, magnitude, layout, normAxis), normShaped(tf, weightNorm!, layout, normAxis));
      numerator = tf.sub(numerator, tf.mul(factor, delta));
      const term = tf.sub(factor, 1);
      divisor = divisor === null ? tf.add(term, 1) : tf.add(divisor, term);
    });
    const weight = divisor === null ? numerator : tf.div(numerator, divisor);
    return { weight, finite: finiteProbe(tf, weight) };
  });

  const finite = Number.isFinite(readAndDispose(tensors.finite)[0]);
  const weight = readAndDispose(tensors.weight);
  if (!finite) rejectOverflow(weight);
  return { weight: { rows: merged.rows, cols: merged.cols, data: weight }, adapters: adapters.map((_, index) => ({ rank: ranks[index]!, scale: scales[index]! })) };
}

/**
 * Rejects a DoRA unmerge whose per-feature divisor 1 + Σ (mᵢ/‖W + ΔWᵢ‖ − 1) is 0, where W cannot be recovered (for
 * one adapter: a zero magnitude). Checked in float64 on the small vectors before any tensor work.
 */
function checkDivisor(adapters: LoraAdapter[], features: { out: number; in: number }): void {
  const dora = adapters.filter((adapter) => adapter.dora !== undefined);
  if (dora.length === 0) return;
  const axes = new Set(dora.map((adapter) => adapter.dora!.normAxis));
  // NOTE: with DoRA adapters on both axes the divisor varies over both dimensions and is not checked here; a zero
  // divisor then surfaces as NON_FINITE_RESULT.
  if (axes.size > 1) return;
  const length = dora[0]!.dora!.normAxis === 'output' ? features.out : features.in;
  for (let feature = 0; feature < length; feature++) {
    let divisor = 1;
    for (const adapter of dora) divisor += adapter.dora!.magnitude[feature]! / adapter.dora!.weightNorm![feature]! - 1;
    if (divisor === 0 || !Number.isFinite(divisor)) {
      throw new DomainError('INVALID_PARAMETER', {
        path: `${dora[0]!.path}/dora/magnitude`,
        value: divisor,
        reason: `the ${dora[0]!.dora!.normAxis} feature ${feature} has DoRA factor 1 + Σ (m/‖W + ΔW‖ − 1) = ${divisor}, so the base weight cannot be recovered (a zero magnitude or a zero weightNorm)`,
      });
    }
  }
}

/** ΔW = s·B·A in the weight's stored layout: out×in, or its transpose in×out computed as Aᵀ·(s·B)ᵀ. */
function storedDelta(tf: Tf, adapter: LoraAdapter, scale: number, layout: LoraLayout): Tensor {
  const scaledB = new Float32Array(adapter.b.data.length);
  for (let i = 0; i < scaledB.length; i++) scaledB[i] = adapter.b.data[i]! * scale;

  if (layout === 'out_in') {
    return tf.matMul(tf.tensor2d(scaledB, [adapter.b.rows, adapter.b.cols]), tf.tensor2d(adapter.a.data, [adapter.a.rows, adapter.a.cols]));
  }
  // Transposing the small factors in JavaScript keeps the large product on tfjs-wasm's fast, non-transposed path.
  const aT = transpose32(adapter.a);
  const bT = transpose32({ rows: adapter.b.rows, cols: adapter.b.cols, data: scaledB });
  return tf.matMul(tf.tensor2d(aT.data, [aT.rows, aT.cols]), tf.tensor2d(bT.data, [bT.rows, bT.cols]));
}

/** Returns the axis of the stored weight that a per-feature norm sums over. */
function normReductionAxis(layout: LoraLayout, normAxis: DoraNormAxis): number {
  // out_in: an output feature is a row (sum over axis 1); in_out stores the transpose.
  const perRow = (layout === 'out_in') === (normAxis === 'output');
  return perRow ? 1 : 0;
}

/** Shapes a per-feature vector to broadcast over the stored weight: a column [n, 1] or a row [1, n]. */
function normShaped(tf: Tf, vector: Float32Array, layout: LoraLayout, normAxis: DoraNormAxis): Tensor {
  return normReductionAxis(layout, normAxis) === 1 ? tf.tensor2d(vector, [vector.length, 1]) : tf.tensor2d(vector, [1, vector.length]);
}

/**
 * Σ x over a tensor, one SIMD pass in wasm. A finite sum proves every entry finite. A non-finite sum (a NaN or ±∞
 * entry, or a sum that overflows) sends the caller to the exact scan of the read-back array.
 */
function finiteProbe(tf: Tf, tensor: Tensor): Tensor {
  return tf.sum(tensor);
}

/** Rejects a result with a non-finite entry, naming the first one; called when the probe sum is not finite. */
function rejectOverflow(values: Float32Array): void {
  const index = firstNonFinite(values);
  if (index >= 0) throw new DomainError('NON_FINITE_RESULT', { what: 'weight', index, value: String(values[index]) });
}
