/**
 * Truncated SVD by the randomized range finder of Halko, Martinsson and Tropp ("Finding structure with randomness",
 * SIAM Review 53(2), 2011, Algorithms 4.3 and 5.1), for a matrix seen only through products A·B and Aᵀ·B.
 *
 * For A: m×n with m ≤ n (a taller A is handled as Aᵀ, with U and V swapped at the end), rank k, oversampling p and
 * q power iterations, with l = min(k + p, m):
 *
 *   Ω: n×l standard normal (seeded)   Q = qr(A·Ω)
 *   q times:                          Q = qr(A·(Aᵀ·Q))
 *   Bᵀ = Aᵀ·Q: n×l                    Bᵀ = V_B·Σ·U_Bᵀ  (exact SVD of the projected matrix, through the engine)
 *   U = Q·U_B: m×k, Σ: k, V: n×k (the leading k triplets)
 *
 * The QR after each power iteration keeps the basis orthonormal, so the small singular directions are not lost to
 * rounding. The intermediate Aᵀ·Q is not re-orthonormalised (the paper's Algorithm 4.4 does that too): this halves
 * the QR work on the long side and costs accuracy only for singular values below about √ε·σ₁. The error falls like
 * (σ_{k+1}/σ_k)^(2q+1), so a clear spectral gap or more power iterations give singular values equal to the exact
 * ones to rounding level.
 *
 * Sign rule: the same as the exact SVD here (the entry of largest magnitude in each column of U is positive, V
 * follows), so a fixed seed gives identical output and the factors are comparable with `svd`.
 */

import type { LinalgEngine } from '../engine.js';
import { type Dense, leadingColumns, matmul, matmulTransposeA } from '../dense.js';
import { applySignRule } from '../svd.js';
import { seededUniform } from '../seeded-random.js';
import { type Csr, csrMultiply, csrMultiplyTransposed } from './csr.js';
import { fillStandardNormal } from './standard-normal.js';

/** A matrix available only through its products with dense blocks. */
export interface LinearOperator {
  rows: number;
  cols: number;
  /** Returns A·B for B: cols×l. */
  multiply(b: Dense): Dense;
  /** Returns Aᵀ·B for B: rows×l. */
  multiplyTransposed(b: Dense): Dense;
}

export function csrOperator(a: Csr): LinearOperator {
  return { rows: a.rows, cols: a.cols, multiply: (b) => csrMultiply(a, b), multiplyTransposed: (b) => csrMultiplyTransposed(a, b) };
}

export function denseOperator(a: Dense): LinearOperator {
  return { rows: a.rows, cols: a.cols, multiply: (b) => matmul(a, b), multiplyTransposed: (b) => matmulTransposeA(a, b) };
}

export interface RandomizedSvdOptions {
  rank: number;
  /** Extra sample columns beyond `rank`; 10 as in scikit-learn's randomized_svd. */
  oversamples?: number;
  /** Power iterations; by default 7 when rank < 0.1·min(m, n) and 4 otherwise, scikit-learn's n_iter='auto' rule. */
  powerIterations?: number;
  seed: number;
  /** Called after each pass over A with the passes done and the passes planned (2q + 2 in all). */
  onPass?: (done: number, total: number) => void;
}

export interface RandomizedSvdResult {
  /** m×k left singular vectors. */
  u: Dense;
  /** k singular values, descending. */
  s: Float64Array;
  /** n×k right singular vectors. */
  v: Dense;
  powerIterations: number;
  oversamples: number;
}

export const DEFAULT_OVERSAMPLES = 10;

export function defaultPowerIterations(rank: number, rows: number, cols: number): number {
  return rank < 0.1 * Math.min(rows, cols) ? 7 : 4;
}

/** Returns the leading `rank` singular triplets of A. Requires 1 ≤ rank ≤ min(m, n); callers validate it. */
export function randomizedSvd(engine: LinalgEngine, a: LinearOperator, options: RandomizedSvdOptions): RandomizedSvdResult {
  const { rows: m, cols: n } = a;
  const k = options.rank;
  if (!Number.isInteger(k) || k < 1 || k > Math.min(m, n)) throw new RangeError(`randomizedSvd: rank ${k} is outside 1…min(${m}, ${n})`);

  const factors = m <= n ? rangeFinderSvd(engine, a, options) : swapFactors(rangeFinderSvd(engine, transposeOperator(a), options));
  const u = leadingColumns(factors.u, k);
  const v = leadingColumns(factors.v, k);
  applySignRule(u, v, k);
  return { u, s: factors.s.slice(0, k), v, powerIterations: factors.powerIterations, oversamples: factors.oversamples };
}

/** The range finder for A: m×n with m ≤ n; returns all l computed triplets, before the sign rule. */
function rangeFinderSvd(engine: LinalgEngine, a: LinearOperator, options: RandomizedSvdOptions): RandomizedSvdResult {
  const { rows: m, cols: n } = a;
  const k = options.rank;
  const oversamples = options.oversamples ?? DEFAULT_OVERSAMPLES;
  const q = options.powerIterations ?? defaultPowerIterations(k, m, n);
  const l = Math.min(k + oversamples, m);
  const totalPasses = 2 * q + 2;
  let passes = 0;
  const pass = <T>(value: T): T => {
    passes++;
    options.onPass?.(passes, totalPasses);
    return value;
  };

  const omega: Dense = { rows: n, cols: l, data: fillStandardNormal(new Float64Array(n * l), seededUniform(options.seed)) };
  let basis = orthonormalize(engine, pass(a.multiply(omega)));
  for (let i = 0; i < q; i++) {
    const rowSample = pass(a.multiplyTransposed(basis));
    basis = orthonormalize(engine, pass(a.multiply(rowSample)));
  }

  // Bᵀ = Aᵀ·Q is tall (n×l), which the engine decomposes by QR first. Its SVD Bᵀ = V·Σ·U_Bᵀ gives B = U_B·Σ·Vᵀ.
  const projectedTransposed = pass(a.multiplyTransposed(basis));
  const small = engine.svd(projectedTransposed, 'thin');
  return { u: matmul(basis, small.v!), s: small.s, v: small.u!, powerIterations: q, oversamples };
}

function swapFactors(factors: RandomizedSvdResult): RandomizedSvdResult {
  return { ...factors, u: factors.v, v: factors.u };
}

function transposeOperator(a: LinearOperator): LinearOperator {
  return { rows: a.cols, cols: a.rows, multiply: a.multiplyTransposed, multiplyTransposed: a.multiply };
}

/** Returns an orthonormal basis (reduced Q) of the columns of Y. */
function orthonormalize(engine: LinalgEngine, y: Dense): Dense {
  return engine.qr(y, 'reduced', false).q;
}
