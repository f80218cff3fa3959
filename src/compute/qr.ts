/**
 * QR factorisation A·P = Q·R by Householder reflections, reduced (Q: m×k, R: k×n, k = min(m, n)) or complete
 * (Q: m×m, R: m×n), with optional column pivoting (P chosen greedily by largest remaining column norm, as LAPACK's
 * dgeqp3 does, so |diag(R)| is non-increasing).
 *
 * Convention: diag(R) ≥ 0. Where the factorisation yields a negative diagonal entry, that row of R and the matching
 * column of Q change sign together, which keeps Q·R unchanged.
 */

import type { LinalgEngine } from './engine.js';
import { orthogonalityErrorOf } from './accuracy.js';
import { type Dense, clearNegativeZeros, relativeError, zeros } from './dense.js';

export interface QrOptions {
  mode: 'reduced' | 'complete';
  pivoting: boolean;
}

export interface QrResult {
  q: Dense;
  r: Dense;
  /** Column j of A·P is column permutation[j] of A; the identity without pivoting. */
  permutation: number[];
  /** ‖A·P − Q·R‖_F / ‖A‖_F. */
  reconstructionError: number;
  /** max |QᵀQ − I|. */
  orthogonalityError: number;
}

export function qr(engine: LinalgEngine, a: Dense, options: QrOptions): QrResult {
  const { q, r, permutation } = engine.qr(a, options.mode, options.pivoting);

  for (let i = 0; i < Math.min(r.rows, r.cols); i++) {
    if (r.data[i * r.cols + i]! >= 0) continue;
    for (let j = 0; j < r.cols; j++) r.data[i * r.cols + j] = -r.data[i * r.cols + j]!;
    for (let row = 0; row < q.rows; row++) q.data[row * q.cols + i] = -q.data[row * q.cols + i]!;
  }

  return {
    q: clearNegativeZeros(q),
    r: clearNegativeZeros(r),
    permutation: Array.from(permutation),
    reconstructionError: relativeError(permuteColumns(a, permutation), engine.matmul(q, r)),
    orthogonalityError: orthogonalityErrorOf(engine, q),
  };
}

/** Returns A·P: column j of the result is column permutation[j] of A. */
export function permuteColumns(a: Dense, permutation: ArrayLike<number>): Dense {
  const out = zeros(a.rows, a.cols);
  for (let i = 0; i < a.rows; i++) {
    for (let j = 0; j < a.cols; j++) out.data[i * a.cols + j] = a.data[i * a.cols + permutation[j]!]!;
  }
  return out;
}
