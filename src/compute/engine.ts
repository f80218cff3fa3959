/**
 * The float64 linear-algebra engine interface. Every decomposition the service offers is built from these
 * primitives, so that swapping the JavaScript engine for a LAPACK one changes speed, not answers.
 *
 * Engines return raw factors. Conventions that the service promises (sign rule, ordering, diag(R) ≥ 0) are applied
 * by the callers in this folder, the same way for every engine.
 */

import type { Dense } from './dense.js';

export type SvdVectors = 'none' | 'thin' | 'full';

export interface SvdFactors {
  /** Singular values in descending order, k = min(m, n) of them. */
  s: Float64Array;
  /** Left singular vectors: m×k (thin) or m×m (full); absent for `vectors: 'none'`. */
  u?: Dense;
  /** Right singular vectors as columns: n×k (thin) or n×n (full); absent for `vectors: 'none'`. */
  v?: Dense;
}

export interface QrFactors {
  /** m×k (reduced, k = min(m, n)) or m×m (complete), orthonormal columns. */
  q: Dense;
  /** k×n or m×n, upper trapezoidal. */
  r: Dense;
  /** Column permutation: column j of A·P is column `permutation[j]` of A. */
  permutation: Int32Array;
}

export interface EighFactors {
  /** Eigenvalues in ascending order. */
  values: Float64Array;
  /** Orthonormal eigenvectors as columns, column j belonging to values[j]. */
  vectors: Dense;
}

export interface LuDeterminant {
  /** +1, −1, or 0 for a singular matrix. */
  sign: number;
  /** log|det A|, −Infinity for a singular matrix. */
  logAbsDet: number;
}

export interface LinalgEngine {
  readonly name: 'js' | 'native';
  svd(a: Dense, vectors: SvdVectors): SvdFactors;
  qr(a: Dense, mode: 'reduced' | 'complete', pivoting: boolean): QrFactors;
  /** Symmetric eigendecomposition; reads both triangles, so callers pass an exactly symmetric matrix. */
  eigh(a: Dense): EighFactors;
  /** Sign and log-magnitude of the determinant of a square matrix, from an LU factorisation with partial pivoting. */
  slogdet(a: Dense): LuDeterminant;
  /** A·B for A: m×k and B: k×n (dgemm in the native engine). */
  matmul(a: Dense, b: Dense): Dense;
}
