/**
 * Positional encodings as generators, and the structure of their Gram matrices G = E·Eᵀ (one encoding per row).
 *
 * Sinusoidal (Vaswani et al., 2017, "Attention Is All You Need", section 3.5): for position p and i = 0…d/2 − 1,
 * PE(p, 2i) = sin(p·ω_i) and PE(p, 2i + 1) = cos(p·ω_i), with ω_i = base^(−2i/d) and base 10000 in the paper.
 * Since sin a·sin b + cos a·cos b = cos(a − b), ⟨PE(p), PE(q)⟩ = Σ_i cos(ω_i·(p − q)): the inner product depends
 * only on the offset p − q. The offset analysis measures this numerically.
 *
 * Random Fourier features (Rahimi & Recht, 2007) approximate the Gaussian kernel k(x, y) = exp(−‖x − y‖² / (2σ²))
 * by z(x)ᵀz(y), with frequencies w ~ N(0, σ⁻²·I) drawn from a seeded generator:
 * - `cos-sin`: z(x) = √(1/F)·[cos(w_f·x), sin(w_f·x)] for F = D/2 frequencies. z(x)ᵀz(y) = (1/F)·Σ cos(w_f·(x − y)),
 *   so the approximation is exactly shift-invariant, like the sinusoidal encoding with random frequencies.
 * - `cos-phase`: z(x) = √(2/D)·cos(w_f·x + b_f) with b_f ~ U[0, 2π) for D frequencies. Its inner product has an extra
 *   term in x + y, so it depends on the offset only on average over the draws.
 */

import { DomainError } from '../errors.js';
import { type Dense, matmul, transpose, zeros } from './dense.js';
import { seededNormal, seededUniform } from './seeded-random.js';

export type FourierVariant = 'cos-sin' | 'cos-phase';

export interface OffsetRow {
  offset: number;
  /** Position pairs (p, q) with q − p = offset, p ≤ q. */
  pairs: number;
  /** Mean inner product over those pairs. */
  innerProduct: number;
  /** The closed form at this offset: Σ_i cos(ω_i·offset), or the exact Gaussian kernel for Fourier features. */
  expected: number;
  /** Max |G(p, q) − innerProduct| over the pairs: 0 up to rounding when G depends only on the offset. */
  maxDeviation: number;
}

export interface OffsetStructure {
  byOffset: OffsetRow[];
  /** Max of maxDeviation over all offsets. */
  maxDeviation: number;
  /** Max |G(p, q) − expected(q − p)| over all pairs. */
  maxErrorFromExpected: number;
}

/** Returns the frequencies ω_i = base^(−2i/d), i = 0…d/2 − 1. */
export function sinusoidalFrequencies(dimension: number, base: number): Float64Array {
  return Float64Array.from({ length: dimension / 2 }, (_, i) => Math.pow(base, (-2 * i) / dimension));
}

/** Encodes each position as a row of d values, sin and cos interleaved. Rejects an odd d. */
export function sinusoidalEncoding(positions: ArrayLike<number>, dimension: number, base: number): Dense {
  if (dimension % 2 !== 0) {
    throw new DomainError('INVALID_PARAMETER', { path: '/dimension', value: dimension, reason: 'the sinusoidal encoding pairs sin and cos, so the dimension must be even' });
  }
  const frequencies = sinusoidalFrequencies(dimension, base);
  const out = zeros(positions.length, dimension);
  for (let row = 0; row < positions.length; row++) {
    for (let i = 0; i < frequencies.length; i++) {
      const angle = positions[row]! * frequencies[i]!;
      out.data[row * dimension + 2 * i] = Math.sin(angle);
      out.data[row * dimension + 2 * i + 1] = Math.cos(angle);
    }
  }
  return out;
}

export interface FourierFeatures {
  features: Dense;
  /** Frequencies as rows: F×q. */
  frequencies: Dense;
  /** Phases b_f for `cos-phase`, absent for `cos-sin`. */
  phases?: Float64Array;
}

/** Maps each row of X: m×q to D random Fourier features. `cos-sin` needs an even D. */
export function randomFourierFeatures(x: Dense, featureCount: number, lengthScale: number, variant: FourierVariant, seed: number): FourierFeatures {
  if (variant === 'cos-sin' && featureCount % 2 !== 0) {
    throw new DomainError('INVALID_PARAMETER', { path: '/features', value: featureCount, reason: 'the cos-sin variant pairs cos and sin per frequency, so the feature count must be even' });
  }

  const uniform = seededUniform(seed);
  const normal = seededNormal(uniform);
  const frequencyCount = variant === 'cos-sin' ? featureCount / 2 : featureCount;
  const frequencies = zeros(frequencyCount, x.cols);
  for (let i = 0; i < frequencies.data.length; i++) frequencies.data[i] = normal() / lengthScale;
  const phases = variant === 'cos-phase' ? Float64Array.from({ length: frequencyCount }, () => 2 * Math.PI * uniform()) : undefined;

  const angles = matmul(x, transpose(frequencies));
  const features = zeros(x.rows, featureCount);
  for (let row = 0; row < x.rows; row++) {
    for (let f = 0; f < frequencyCount; f++) {
      const angle = angles.data[row * frequencyCount + f]!;
      if (phases === undefined) {
        const weight = Math.sqrt(1 / frequencyCount);
        features.data[row * featureCount + 2 * f] = weight * Math.cos(angle);
        features.data[row * featureCount + 2 * f + 1] = weight * Math.sin(angle);
      } else {
        features.data[row * featureCount + f] = Math.sqrt(2 / featureCount) * Math.cos(angle + phases[f]!);
      }
    }
  }
  return phases === undefined ? { features, frequencies } : { features, frequencies, phases };
}

/** Returns exp(−‖x − y‖² / (2σ²)) for every pair of rows of X: the kernel that Fourier features approximate. */
export function gaussianKernel(x: Dense, lengthScale: number): Dense {
  const out = zeros(x.rows, x.rows);
  for (let i = 0; i < x.rows; i++) {
    for (let j = 0; j < x.rows; j++) {
      let squared = 0;
      for (let c = 0; c < x.cols; c++) squared += (x.data[i * x.cols + c]! - x.data[j * x.cols + c]!) ** 2;
      out.data[i * x.rows + j] = Math.exp(-squared / (2 * lengthScale * lengthScale));
    }
  }
  return out;
}

/**
 * Groups the entries G(p, q) of a Gram matrix over integer positions by offset |q − p| and measures how far
 * entries with the same offset spread, and how far they are from the closed form `expected(offset)`.
 */
export function offsetStructure(gram: Dense, positions: ArrayLike<number>, expected: (offset: number) => number): OffsetStructure {
  const groups = new Map<number, { values: number[] }>();
  for (let i = 0; i < positions.length; i++) {
    for (let j = 0; j < positions.length; j++) {
      if (positions[j]! < positions[i]! || (positions[j] === positions[i] && j < i)) continue;
      const offset = positions[j]! - positions[i]!;
      const group = groups.get(offset) ?? { values: [] };
      group.values.push(gram.data[i * gram.cols + j]!);
      groups.set(offset, group);
    }
  }

  let maxDeviation = 0;
  let maxErrorFromExpected = 0;
  const byOffset: OffsetRow[] = [];
  for (const offset of [...groups.keys()].sort((a, b) => a - b)) {
    const { values } = groups.get(offset)!;
    const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
    const closedForm = expected(offset);
    let deviation = 0;
    for (const value of values) {
      deviation = Math.max(deviation, Math.abs(value - mean));
      maxErrorFromExpected = Math.max(maxErrorFromExpected, Math.abs(value - closedForm));
    }
    maxDeviation = Math.max(maxDeviation, deviation);
    byOffset.push({ offset, pairs: values.length, innerProduct: mean, expected: closedForm, maxDeviation: deviation });
  }
  return { byOffset, maxDeviation, maxErrorFromExpected };
}

export interface SinusoidalAnalysis {
  encodings: Dense;
  frequencies: Float64Array;
  gram: Dense;
  structure: OffsetStructure;
}

/** Sinusoidal encodings of integer positions, their Gram matrix and its offset structure. */
export function analyzeSinusoidal(positions: ArrayLike<number>, dimension: number, base: number): SinusoidalAnalysis {
  const encodings = sinusoidalEncoding(positions, dimension, base);
  const frequencies = sinusoidalFrequencies(dimension, base);
  const gram = matmul(encodings, transpose(encodings));
  const expected = (offset: number) => frequencies.reduce((sum, omega) => sum + Math.cos(omega * offset), 0);
  return { encodings, frequencies, gram, structure: offsetStructure(gram, positions, expected) };
}

export interface FourierAnalysis extends FourierFeatures {
  gram: Dense;
  /** Max and root-mean-square |z(x)ᵀz(y) − k(x, y)| over all pairs. */
  kernelError: { maxAbs: number; rms: number };
  /** Offset structure for scalar integer positions; absent for posted points. */
  structure?: OffsetStructure;
}

/** Random Fourier features of the rows of X, their Gram matrix against the exact Gaussian kernel, and (for positions) its offset structure. */
export function analyzeFourier(
  x: Dense,
  featureCount: number,
  lengthScale: number,
  variant: FourierVariant,
  seed: number,
  positions?: ArrayLike<number>,
): FourierAnalysis {
  const generated = randomFourierFeatures(x, featureCount, lengthScale, variant, seed);
  const gram = matmul(generated.features, transpose(generated.features));
  const kernel = gaussianKernel(x, lengthScale);

  let maxAbs = 0;
  let squares = 0;
  for (let i = 0; i < gram.data.length; i++) {
    const error = Math.abs(gram.data[i]! - kernel.data[i]!);
    maxAbs = Math.max(maxAbs, error);
    squares += error * error;
  }

  const analysis: FourierAnalysis = { ...generated, gram, kernelError: { maxAbs, rms: Math.sqrt(squares / gram.data.length) } };
  if (positions !== undefined) {
    analysis.structure = offsetStructure(gram, positions, (offset) => Math.exp(-(offset * offset) / (2 * lengthScale * lengthScale)));
  }
  return analysis;
}
