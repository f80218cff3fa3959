/**
 * Principal component analysis of N samples in ℝᵈ (the rows of X: N×d), by the thin SVD of the centred data
 * X_c = X − 1·μᵀ = U·Σ·Vᵀ (as scikit-learn's PCA does, without forming the covariance matrix).
 *
 * - Components: the rows of Vᵀ, k×d, unit length, in order of decreasing variance.
 * - Explained variance σ_i²/(N − 1) (the sample variance along component i) and its ratio σ_i²/Σ_j σ_j² over all
 *   min(N, d) components.
 * - Projections (scores) X_c·V_k, N×k.
 * Sign rule: in each component the entry of largest magnitude is positive (the first on exact ties), so the
 * components depend on the data, not on the order of the samples. With `center: false` the data is used as sent.
 *
 * When there are more than `maxSamples` rows, a uniform random subset of maxSamples rows, chosen without replacement
 * by a seeded generator, is analysed, and `sampled` and `sampleIndices` report it.
 */

import type { LinalgEngine } from './engine.js';
import { DomainError } from '../errors.js';
import { seededUniform } from './seeded-random.js';
import { type Dense, clearNegativeZeros, columnRange, matmul, normalizeColumnSigns, transpose, zeros } from './dense.js';

export interface PcaOptions {
  /** Number of components k; default min(N, d). */
  components?: number;
  center: boolean;
  maxSamples: number;
  seed: number;
  includeProjections: boolean;
}

export interface PcaResult {
  samples: number;
  samplesUsed: number;
  sampled: boolean;
  /** Indices of the rows analysed, when sampled. */
  sampleIndices?: number[];
  features: number;
  mean: Float64Array;
  /** k×d. */
  components: Dense;
  singularValues: Float64Array;
  explainedVariance: Float64Array;
  explainedVarianceRatio: Float64Array;
  /** Σ of the ratios of the k returned components. */
  cumulativeRatio: number;
  /** Total variance, Σ σ_j²/(N − 1) over all components. */
  totalVariance: number;
  /** N_used×k. */
  projections?: Dense;
}

export function pca(engine: LinalgEngine, x: Dense, options: PcaOptions): PcaResult {
  const sample = x.rows > options.maxSamples ? sampleRows(x.rows, options.maxSamples, options.seed) : null;
  const data = sample ? pickRows(x, sample) : x;
  const n = data.rows;
  const d = data.cols;
  if (n < 2) throw new DomainError('INVALID_PARAMETER', { path: '/data', value: n, reason: 'PCA needs at least 2 samples, because the variance divides by N − 1' });
  const available = Math.min(n, d);
  const k = options.components ?? available;
  if (k < 1 || k > available) {
    throw new DomainError('INVALID_PARAMETER', { path: '/components', value: k, reason: `the number of components must be an integer from 1 to min(samples, features) = ${available}` });
  }

  const mean = new Float64Array(d);
  if (options.center) {
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j]! += data.data[i * d + j]!;
    for (let j = 0; j < d; j++) mean[j]! /= n;
  }
  const centred = zeros(n, d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) centred.data[i * d + j] = data.data[i * d + j]! - mean[j]!;

  const { s, v } = engine.svd(centred, 'thin');
  const vk = columnRange(v!, 0, k);
  normalizeColumnSigns(vk, []);

  const squares = Float64Array.from(s, (value) => value * value);
  const total = squares.reduce((sum, value) => sum + value, 0);
  const ratio = Float64Array.from(squares.subarray(0, k), (value) => (total === 0 ? 0 : value / total));

  const result: PcaResult = {
    samples: x.rows,
    samplesUsed: n,
    sampled: sample !== null,
    features: d,
    mean,
    components: clearNegativeZeros(transpose(vk)),
    singularValues: s.slice(0, k),
    explainedVariance: Float64Array.from(squares.subarray(0, k), (value) => value / (n - 1)),
    explainedVarianceRatio: ratio,
    cumulativeRatio: ratio.reduce((sum, value) => sum + value, 0),
    totalVariance: total / (n - 1),
  };
  if (sample) result.sampleIndices = sample;
  if (options.includeProjections) result.projections = clearNegativeZeros(matmul(centred, vk));
  return result;
}

/** Chooses `count` of `total` row indices uniformly without replacement (partial Fisher–Yates), sorted ascending. */
function sampleRows(total: number, count: number, seed: number): number[] {
  const indices = Int32Array.from({ length: total }, (_, i) => i);
  const random = seededUniform(seed);
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(random() * (total - i));
    const swap = indices[i]!;
    indices[i] = indices[j]!;
    indices[j] = swap;
  }
  return Array.from(indices.subarray(0, count)).sort((a, b) => a - b);
}

function pickRows(x: Dense, rows: number[]): Dense {
  const out = zeros(rows.length, x.cols);
  rows.forEach((row, i) => out.data.set(x.data.subarray(row * x.cols, (row + 1) * x.cols), i * x.cols));
  return out;
}
