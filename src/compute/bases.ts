/**
 * Linear independence, bases chosen from a spanning set, coordinates in a basis, and dimension.
 *
 * Vector sets are matrices whose columns are the vectors (A: n×k for k vectors in ℝⁿ). Every rank decision uses
 * tolerance.ts (numpy.linalg.matrix_rank's rule: singular values strictly above σmax·max(n, k)·ε by default, or
 * the caller's rtol or atol), so the verdicts do not change when all the vectors are scaled together.
 */

import type { LinalgEngine } from './engine.js';
import { DomainError } from '../errors.js';
import { type Dense, clearNegativeZeros, matmul, matmulTransposeA, relativeError, scaleColumns, subtract, transpose, zeros } from './dense.js';
import { columnNorms, defaultResidualRtol } from './span.js';
import { type ResolvedTolerance, type ToleranceOptions, countAbove, resolveTolerance } from './tolerance.js';

export interface IndependenceResult {
  independent: boolean;
  /** Numerical rank of A, the dimension of the span. */
  rank: number;
  count: number;
  singularValues: Float64Array;
  tolerance: ResolvedTolerance;
  /**
   * σ1/σk: how far the set is from dependence, relative to its scale. Null when σk is zero to working precision
   * (at most numpy's default tolerance σ1·max(n, k)·ε), where the ratio would be rounding noise that differs by engine.
   */
  condition: number | null;
}

/** Tests whether the k columns of A: n×k are linearly independent (numerical rank = k). */
export function independence(engine: LinalgEngine, a: Dense, options: ToleranceOptions): IndependenceResult {
  const s = engine.svd(a, 'none').s;
  const tolerance = resolveTolerance(s, a.rows, a.cols, options);
  const rank = countAbove(s, tolerance.tolerance);
  // With k > n there are only n singular values and the set is dependent whatever they are.
  const smallest = a.cols <= a.rows ? s[a.cols - 1]! : 0;
  const zeroTolerance = resolveTolerance(s, a.rows, a.cols, {}).tolerance;
  return {
    independent: rank === a.cols,
    rank,
    count: a.cols,
    singularValues: s,
    tolerance,
    condition: smallest <= zeroTolerance ? null : s[0]! / smallest,
  };
}

export interface BasisResult {
  /** Indices of the chosen vectors in input order. Their span is the span of all the vectors. */
  chosen: number[];
  /** Indices in the order column-pivoted QR chose them (largest remaining norm first). */
  pivotOrder: number[];
  /** Indices of the vectors left out, each a combination of the chosen ones. */
  dropped: number[];
  /** n×r: the chosen vectors, as columns, in input order. */
  basis: Dense;
  /** r×k: coordinates of every input vector in the chosen basis (the identity on the chosen columns). */
  coordinates: Dense;
  rank: number;
  singularValues: Float64Array;
  tolerance: ResolvedTolerance;
  /** |diag(R)| of the pivoted QR, non-increasing: the remaining norm of each vector when it was chosen. */
  pivotNorms: number[];
  /** σ1/σr of the chosen vectors, null for r = 0. A large value means the chosen vectors are nearly dependent. */
  chosenCondition: number | null;
  /** ‖A − B·C‖_F / ‖A‖_F for the chosen basis B and the coordinates C. */
  reconstructionError: number;
}

/**
 * Chooses a basis of span(A) among the columns of A: n×k. The rank r comes from the SVD (tolerance.ts), and the r
 * vectors are the first r that column-pivoted QR (LAPACK dgeqp3's greedy rule: largest remaining norm first) picks.
 * NOTE: pivoted QR reveals the rank in practice but not for every matrix (Kahan's example defeats it), so
 * `chosenCondition` reports how well conditioned the chosen vectors are.
 */
export function extractBasis(engine: LinalgEngine, a: Dense, options: ToleranceOptions): BasisResult {
  const s = engine.svd(a, 'none').s;
  const tolerance = resolveTolerance(s, a.rows, a.cols, options);
  const rank = countAbove(s, tolerance.tolerance);

  const { r, permutation } = engine.qr(a, 'reduced', true);
  const pivotOrder = Array.from(permutation).slice(0, rank);
  const chosen = [...pivotOrder].sort((x, y) => x - y);
  const chosenSet = new Set(chosen);
  const dropped = Array.from({ length: a.cols }, (_, j) => j).filter((j) => !chosenSet.has(j));
  const pivotNorms = Array.from({ length: Math.min(r.rows, r.cols) }, (_, i) => Math.abs(r.data[i * r.cols + i]!));

  const basis = selectColumns(a, chosen);
  let coordinates = zeros(rank, a.cols);
  let chosenCondition: number | null = null;
  if (rank > 0) {
    const solved = solveInSpan(engine, basis, a);
    coordinates = solved.coordinates;
    // Chosen columns have exactly the unit vectors as coordinates; write them so rounding shows nowhere.
    chosen.forEach((column, i) => {
      for (let row = 0; row < rank; row++) coordinates.data[row * a.cols + column] = row === i ? 1 : 0;
    });
    chosenCondition = solved.condition;
  }

  return {
    chosen,
    pivotOrder,
    dropped,
    basis,
    coordinates: clearNegativeZeros(coordinates),
    rank,
    singularValues: s,
    tolerance,
    pivotNorms,
    chosenCondition,
    reconstructionError: relativeError(a, matmul(basis, coordinates)),
  };
}

export interface CoordinatesResult {
  /** k×p: column j contains the coordinates of vector j, so V ≈ B·C. */
  coordinates: Dense;
  /** ‖v − B·c‖ / ‖v‖ for each vector (0 for a zero vector); a vector outside span(B) has no exact coordinates. */
  relativeResiduals: number[];
  inSpan: boolean[];
  residualRtol: number;
  singularValues: Float64Array;
  tolerance: ResolvedTolerance;
  /** σ1/σk of B. */
  condition: number;
}

/**
 * Computes the coordinates of the columns of V: n×p in the basis formed by the columns of B: n×k, by least squares
 * through the SVD of B. B must be linearly independent (NOT_A_BASIS otherwise). For a vector outside span(B) the
 * coordinates are those of its projection onto the span, and `inSpan` is false for it.
 */
export function coordinatesInBasis(
  engine: LinalgEngine,
  b: Dense,
  vectors: Dense,
  options: ToleranceOptions & { residualRtol?: number; path?: string },
): CoordinatesResult {
  const check = independence(engine, b, options);
  if (!check.independent) {
    throw new DomainError('NOT_A_BASIS', { path: options.path ?? '/basis', rank: check.rank, count: check.count, tolerance: check.tolerance.tolerance });
  }

  const solved = solveInSpan(engine, b, vectors);
  const residualRtol = options.residualRtol ?? defaultResidualRtol(b.rows, b.cols, solved.condition);
  const residualNorms = columnNorms(subtract(vectors, matmul(b, solved.coordinates)));
  const norms = columnNorms(vectors);
  const relativeResiduals = Array.from(residualNorms, (value, j) => (norms[j] === 0 ? 0 : value / norms[j]!));

  return {
    coordinates: clearNegativeZeros(solved.coordinates),
    relativeResiduals,
    inSpan: relativeResiduals.map((value) => value <= residualRtol),
    residualRtol,
    singularValues: check.singularValues,
    tolerance: check.tolerance,
    condition: solved.condition,
  };
}

export interface DimensionResult {
  dimension: number;
  ambientDimension: number;
  count: number;
  singularValues: Float64Array;
  tolerance: ResolvedTolerance;
}

/** Computes the dimension of span(A) for A: n×k, which is the numerical rank of A. */
export function dimension(engine: LinalgEngine, a: Dense, options: ToleranceOptions): DimensionResult {
  const s = engine.svd(a, 'none').s;
  const tolerance = resolveTolerance(s, a.rows, a.cols, options);
  return { dimension: countAbove(s, tolerance.tolerance), ambientDimension: a.rows, count: a.cols, singularValues: s, tolerance };
}

/** Returns the listed columns of A, in the listed order. */
export function selectColumns(a: Dense, columns: readonly number[]): Dense {
  const out = zeros(a.rows, columns.length);
  for (let i = 0; i < a.rows; i++) {
    columns.forEach((column, j) => (out.data[i * columns.length + j] = a.data[i * a.cols + column]!));
  }
  return out;
}

/**
 * Solves B·C ≈ V in the least-squares sense for B: n×k of full column rank, as C = V_B·Σ⁻¹·U_Bᵀ·V from the thin SVD
 * of B. Returns C (k×p) and σ1/σk.
 */
export function solveInSpan(engine: LinalgEngine, b: Dense, vectors: Dense): { coordinates: Dense; condition: number } {
  const { s, u, v } = engine.svd(b, 'thin');
  const inverse = Float64Array.from(s, (value) => 1 / value);
  const projected = matmulTransposeA(u!, vectors);
  const scaled = transpose(scaleColumns(transpose(projected), inverse));
  return { coordinates: matmul(v!, scaled), condition: s[0]! / s[s.length - 1]! };
}
