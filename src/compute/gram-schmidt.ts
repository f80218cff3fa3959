/**
 * Gram–Schmidt orthonormalisation of the columns of A (dim×count), giving Q (dim×r) with orthonormal columns and
 * R (r×count) with A ≈ Q·R.
 *
 * Methods:
 * - `classical`: each vector is projected against the original vector's coefficients in one pass. It loses
 *   orthogonality on nearly dependent vectors (max|QᵀQ − I| grows like ε·κ(A)²), and is offered for comparison.
 * - `modified`: the projections are subtracted one after another; the loss grows like ε·κ(A).
 * - `reorthogonalized` (default): classical Gram–Schmidt applied twice per vector (CGS2, "twice is enough"), which
 *   keeps max|QᵀQ − I| near ε unless the vectors are numerically dependent.
 *
 * A vector is dependent when the norm of what remains after projection is ≤ rtol·‖a_j‖ (default rtol =
 * max(dim, count)·ε, numpy's rank tolerance rule applied per vector). A zero vector is always dependent.
 */

import { DomainError } from '../errors.js';
import { type Dense, EPSILON, clearNegativeZeros, matmul, orthogonalityError, relativeError, zeros } from './dense.js';

export type GramSchmidtMethod = 'classical' | 'modified' | 'reorthogonalized';

export interface GramSchmidtOptions {
  method: GramSchmidtMethod;
  rtol?: number;
  dropDependent: boolean;
}

export interface GramSchmidtResult {
  q: Dense;
  r: Dense;
  /** Indices (into the input) of the vectors that contributed a basis vector, in order. */
  kept: number[];
  /** Indices of the vectors found dependent and dropped. */
  dropped: number[];
  orthogonalityError: number;
  /** ‖A − Q·R‖_F / ‖A‖_F. */
  reconstructionError: number;
  rtol: number;
}

export function gramSchmidt(a: Dense, options: GramSchmidtOptions): GramSchmidtResult {
  const dim = a.rows;
  const count = a.cols;
  const rtol = options.rtol ?? Math.max(dim, count) * EPSILON;

  const basis: Float64Array[] = [];
  const coefficients: Float64Array[] = [];
  const kept: number[] = [];
  const dropped: number[] = [];

  for (let j = 0; j < count; j++) {
    const original = column(a, j);
    const norm = euclidean(original);
    const coefficientColumn = new Float64Array(count);
    const remainder = Float64Array.from(original);

    if (options.method === 'modified') {
      basis.forEach((q, i) => {
        const c = dot(q, remainder);
        coefficientColumn[i]! += c;
        axpy(-c, q, remainder);
      });
    } else {
      const passes = options.method === 'classical' ? 1 : 2;
      for (let pass = 0; pass < passes; pass++) {
        const projections = basis.map((q) => dot(q, remainder));
        projections.forEach((c, i) => {
          coefficientColumn[i]! += c;
          axpy(-c, basis[i]!, remainder);
        });
      }
    }

    const remainderNorm = euclidean(remainder);
    const threshold = rtol * norm;
    if (norm === 0 || remainderNorm <= threshold) {
      if (!options.dropDependent) {
        throw new DomainError('LINEARLY_DEPENDENT', { index: j, residual: remainderNorm, threshold, path: `/vectors/${j}` });
      }
      dropped.push(j);
      coefficients.push(coefficientColumn);
      continue;
    }

    coefficientColumn[basis.length] = remainderNorm;
    for (let i = 0; i < dim; i++) remainder[i]! /= remainderNorm;
    basis.push(remainder);
    kept.push(j);
    coefficients.push(coefficientColumn);
  }

  const rankFound = basis.length;
  const q = zeros(dim, rankFound);
  basis.forEach((vector, j) => {
    for (let i = 0; i < dim; i++) q.data[i * rankFound + j] = vector[i]!;
  });
  const r = zeros(rankFound, count);
  coefficients.forEach((columnValues, j) => {
    for (let i = 0; i < rankFound; i++) r.data[i * count + j] = columnValues[i]!;
  });

  return {
    q: clearNegativeZeros(q),
    r: clearNegativeZeros(r),
    kept,
    dropped,
    orthogonalityError: orthogonalityError(q),
    reconstructionError: relativeError(a, matmul(q, r)),
    rtol,
  };
}

function column(a: Dense, j: number): Float64Array {
  const out = new Float64Array(a.rows);
  for (let i = 0; i < a.rows; i++) out[i] = a.data[i * a.cols + j]!;
  return out;
}

function dot(x: Float64Array, y: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += x[i]! * y[i]!;
  return sum;
}

function axpy(alpha: number, x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < x.length; i++) y[i]! += alpha * x[i]!;
}

function euclidean(x: Float64Array): number {
  let scaleFactor = 0;
  let sumSquares = 1;
  for (const value of x) {
    const magnitude = Math.abs(value);
    if (magnitude === 0) continue;
    if (scaleFactor < magnitude) {
      sumSquares = 1 + sumSquares * (scaleFactor / magnitude) ** 2;
      scaleFactor = magnitude;
    } else {
      sumSquares += (magnitude / scaleFactor) ** 2;
    }
  }
  return scaleFactor * Math.sqrt(sumSquares);
}
