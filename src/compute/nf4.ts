/**
 * QLoRA's 4-bit NormalFloat (NF4) block quantisation of a weight matrix, its de-quantisation, and the error that
 * merging a LoRA update into the de-quantised base introduces.
 *
 * A weight W: m×n is read row-major and cut into blocks of `blockSize` values (the last block may be shorter). Each
 * block stores its absmax (max |w|, kept as float32 as bitsandbytes does) and, per value, the 4-bit index of the
 * NF4 level nearest to w / absmax. De-quantisation is level[code]·absmax. A value exactly halfway between two levels
 * takes the lower one. An all-zero block has absmax 0 and every code 7 (level 0). Storage is 4 bits per value plus
 * 32 bits per block. QLoRA's double quantisation, which also quantises the absmax values, is not applied.
 */

import { DomainError } from '../errors.js';
import { type Dense, frobeniusNorm, matmul, scale, subtract, zeros } from './dense.js';

/**
 * The 16 NF4 levels: quantiles of N(0, 1) chosen so that each bin has equal probability mass, with an exact zero,
 * normalised to [−1, 1]. Source: QLoRA (Dettmers et al., 2023, arXiv:2305.14314), as tabulated in bitsandbytes'
 * `get_4bit_type("nf4")` (bitsandbytes/functional.py). These doubles are the float32 values that table prints.
 */
export const NF4_LEVELS: readonly number[] = [
  -1.0, -0.6961928009986877, -0.5250730514526367, -0.39491748809814453, -0.28444138169288635, -0.18477343022823334,
  -0.09105003625154495, 0.0, 0.07958029955625534, 0.16093020141124725, 0.24611230194568634, 0.33791524171829224,
  0.44070982933044434, 0.5626170039176941, 0.7229568362236023, 1.0,
];

const ZERO_CODE = 7;
const FLOAT32_MAX = 3.4028234663852886e38;
const MIDPOINTS = NF4_LEVELS.slice(1).map((level, i) => (NF4_LEVELS[i]! + level) / 2);

export interface Nf4Quantized {
  rows: number;
  cols: number;
  blockSize: number;
  /** One code 0…15 per value, row-major. */
  codes: Uint8Array;
  /** One scale per block, float32-representable. */
  absmax: Float64Array;
}

export interface QuantizationError {
  maxAbs: number;
  rms: number;
  /** ‖Ŵ − W‖_F / ‖W‖_F, or the absolute value when W is zero. */
  relative: number;
  frobenius: number;
}

export interface MergeError {
  /** ‖ΔW‖_F of the scaled update s·B·A. */
  updateNorm: number;
  /** ‖(Ŵ + ΔW) − (W + ΔW)‖_F: the merged weight's error when the merge stays in float, which equals ‖Ŵ − W‖_F. */
  mergedError: QuantizationError;
  /** ‖Ŵ − W‖_F / ‖ΔW‖_F: quantisation noise against the size of the update it sits under; null when ΔW = 0. */
  noiseToUpdate: number | null;
  /** The merged weight stored back in NF4, deq(Q(Ŵ + ΔW)), against W + ΔW. */
  requantizedError: QuantizationError;
  /** ‖(deq(Q(Ŵ + ΔW)) − Ŵ) − ΔW‖_F / ‖ΔW‖_F: the share of the update lost by storing the merge in NF4; null when ΔW = 0. */
  requantizedUpdateError: number | null;
}

/** Index of the level nearest to a normalised value in [−1, 1]. */
function nearestCode(value: number): number {
  let low = 0;
  let high = MIDPOINTS.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (value > MIDPOINTS[middle]!) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** Quantises W block by block. Rejects values beyond the float32 range, which the absmax scale cannot hold. */
export function quantizeNf4(w: Dense, blockSize: number): Nf4Quantized {
  const length = w.data.length;
  const blocks = Math.ceil(length / blockSize);
  const codes = new Uint8Array(length);
  const absmax = new Float64Array(blocks);

  for (let block = 0; block < blocks; block++) {
    const start = block * blockSize;
    const end = Math.min(length, start + blockSize);
    let max = 0;
    for (let i = start; i < end; i++) max = Math.max(max, Math.abs(w.data[i]!));
    if (max > FLOAT32_MAX) {
      throw new DomainError('INVALID_PARAMETER', { path: '/weight', value: max, reason: `NF4 stores absmax as float32, so every |w| must be at most ${FLOAT32_MAX}` });
    }
    const stored = Math.fround(max);
    absmax[block] = stored;

    // Rounding absmax to float32 may put |w|/absmax just above 1; the nearest level is then ±1, as intended.
    for (let i = start; i < end; i++) codes[i] = stored === 0 ? ZERO_CODE : nearestCode(w.data[i]! / stored);
  }
  return { rows: w.rows, cols: w.cols, blockSize, codes, absmax };
}

export function dequantizeNf4(q: Nf4Quantized): Dense {
  const out = zeros(q.rows, q.cols);
  for (let i = 0; i < q.codes.length; i++) out.data[i] = NF4_LEVELS[q.codes[i]!]! * q.absmax[Math.floor(i / q.blockSize)]!;
  return out;
}

/** Checks codes and scales posted for de-quantisation against the shape and block size. */
export function checkQuantized(q: Nf4Quantized): void {
  const length = q.rows * q.cols;
  if (q.codes.length !== length) {
    throw new DomainError('SHAPE_MISMATCH', { reason: `shape ${q.rows}×${q.cols} needs ${length} codes, but ${q.codes.length} were sent`, path: '/codes' });
  }
  const blocks = Math.ceil(length / q.blockSize);
  if (q.absmax.length !== blocks) {
    throw new DomainError('SHAPE_MISMATCH', { reason: `${length} values in blocks of ${q.blockSize} need ${blocks} absmax values, but ${q.absmax.length} were sent`, path: '/absmax' });
  }
}

export function quantizationError(reference: Dense, approximation: Dense): QuantizationError {
  const difference = subtract(approximation, reference);
  let maxAbs = 0;
  for (const value of difference.data) maxAbs = Math.max(maxAbs, Math.abs(value));
  const frobenius = frobeniusNorm(difference);
  const norm = frobeniusNorm(reference);
  return {
    maxAbs,
    rms: difference.data.length === 0 ? 0 : frobenius / Math.sqrt(difference.data.length),
    relative: norm === 0 ? frobenius : frobenius / norm,
    frobenius,
  };
}

/**
 * Merges the LoRA update ΔW = scaling·B·A (B: m×r, A: r×n) into the float base W and into the de-quantised base Ŵ,
 * and measures the difference, also after storing the merged weight back in NF4 with the same block size.
 */
export function mergeError(w: Dense, dequantized: Dense, b: Dense, a: Dense, scaling: number, blockSize: number): MergeError {
  if (b.cols !== a.rows) {
    throw new DomainError('SHAPE_MISMATCH', { reason: `B is ${b.rows}×${b.cols} and A is ${a.rows}×${a.cols}; B's columns must equal A's rows (the LoRA rank)`, path: '/lora/a' });
  }
  if (b.rows !== w.rows || a.cols !== w.cols) {
    throw new DomainError('SHAPE_MISMATCH', { reason: `B·A is ${b.rows}×${a.cols}, but the weight is ${w.rows}×${w.cols}`, path: '/lora' });
  }

  const update = scale(matmul(b, a), scaling);
  const floatMerged = add(w, update);
  const quantizedMerged = add(dequantized, update);
  const requantized = dequantizeNf4(quantizeNf4(quantizedMerged, blockSize));

  const updateNorm = frobeniusNorm(update);
  const noise = frobeniusNorm(subtract(dequantized, w));
  const keptUpdate = subtract(requantized, dequantized);
  const lost = frobeniusNorm(subtract(keptUpdate, update));
  return {
    updateNorm,
    mergedError: quantizationError(floatMerged, quantizedMerged),
    noiseToUpdate: updateNorm === 0 ? null : noise / updateNorm,
    requantizedError: quantizationError(floatMerged, requantized),
    requantizedUpdateError: updateNorm === 0 ? null : lost / updateNorm,
  };
}

function add(a: Dense, b: Dense): Dense {
  const out = zeros(a.rows, a.cols);
  for (let i = 0; i < a.data.length; i++) out.data[i] = a.data[i]! + b.data[i]!;
  return out;
}
