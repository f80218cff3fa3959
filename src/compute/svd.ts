/**
 * Singular value decomposition A = U·Σ·Vᵀ with a deterministic sign rule and optional rank-k truncation.
 *
 * Shapes, for A: m×n and p = min(m, n): reduced gives U: m×p, s: p, V: n×p; full gives U: m×m, V: n×n.
 * Truncated to rank k: U: m×k, s: k, V: n×k, and the Eckart–Young error ‖A − A_k‖_F = √(σ²_{k+1} + … + σ²_p).
 *
 * Sign rule: in each column of U, the entry of largest magnitude is positive (the first one on ties within 1e-12 relative), and
 * the matching column of V changes sign with it. Columns of U or V beyond p, which have no partner, follow the same
 * rule on their own. The rule depends only on the computed vectors, so identical input gives identical output.
 */

import type { LinalgEngine } from './engine.js';
import { orthogonalityErrorOf } from './accuracy.js';
import { DomainError } from '../errors.js';
import {
  type Dense,
  clearNegativeZeros,
  columnRange,
  leadingColumns,
  normalizeColumnSigns,
  relativeError,
  scaleColumns,
  transpose,
} from './dense.js';

export interface SvdOptions {
  full: boolean;
  /** Keep only the k largest singular triplets. Incompatible with `full`. */
  rank?: number;
}

export interface SvdResult {
  u: Dense;
  s: Float64Array;
  v: Dense;
  /** ‖A − U·Σ·Vᵀ‖_F / ‖A‖_F over all min(m, n) triplets, also when the reply is truncated. */
  reconstructionError: number;
  orthogonalityErrorU: number;
  orthogonalityErrorV: number;
  /** ‖A − A_k‖_F when truncated, else absent. */
  truncationError?: number;
}

export function svd(engine: LinalgEngine, a: Dense, options: SvdOptions): SvdResult {
  const p = Math.min(a.rows, a.cols);
  if (options.rank !== undefined && (options.rank < 1 || options.rank > p)) {
    throw new DomainError('INVALID_PARAMETER', { path: '/rank', value: options.rank, reason: `the truncation rank must be an integer from 1 to min(m, n) = ${p}` });
  }

  const factors = engine.svd(a, options.full ? 'full' : 'thin');
  const u = factors.u!;
  const v = factors.v!;
  applySignRule(u, v, p);

  const k = options.rank ?? p;
  const uk = options.rank === undefined ? u : leadingColumns(u, k);
  const vk = options.rank === undefined ? v : leadingColumns(v, k);
  const sk = factors.s.slice(0, k);

  // The reconstruction error measures the decomposition itself, so it uses all p triplets even when truncating.
  const product = engine.matmul(scaleColumns(leadingColumns(u, p), factors.s), transpose(leadingColumns(v, p)));
  const result: SvdResult = {
    u: clearNegativeZeros(uk),
    s: sk,
    v: clearNegativeZeros(vk),
    reconstructionError: relativeError(a, product),
    orthogonalityErrorU: orthogonalityErrorOf(engine, uk),
    orthogonalityErrorV: orthogonalityErrorOf(engine, vk),
  };
  if (options.rank !== undefined) {
    let tail = 0;
    for (let i = k; i < p; i++) tail += factors.s[i]! ** 2;
    result.truncationError = Math.sqrt(tail);
  }
  return result;
}

/** Singular values only, descending. */
export function singularValues(engine: LinalgEngine, a: Dense): Float64Array {
  return engine.svd(a, 'none').s;
}

/** Applies the sign rule to paired columns 0…p−1, then to the unpaired columns of U and V separately. */
export function applySignRule(u: Dense, v: Dense, p: number): void {
  const pairedU = leadingColumns(u, p);
  const pairedV = leadingColumns(v, p);
  normalizeColumnSigns(pairedU, [pairedV]);
  writeColumns(u, pairedU, 0);
  writeColumns(v, pairedV, 0);

  for (const matrix of [u, v]) {
    if (matrix.cols <= p) continue;
    const extra = columnRange(matrix, p, matrix.cols);
    normalizeColumnSigns(extra, []);
    writeColumns(matrix, extra, p);
  }
}

function writeColumns(target: Dense, source: Dense, start: number): void {
  for (let i = 0; i < target.rows; i++) {
    for (let j = 0; j < source.cols; j++) target.data[i * target.cols + start + j] = source.data[i * source.cols + j]!;
  }
}

