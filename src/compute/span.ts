/**
 * Spans of vector sets: an orthonormal basis of span{a_1, …, a_k}, membership of vectors in it and orthogonal
 * projection onto it and onto its orthogonal complement.
 *
 * Vector sets are matrices whose columns are the vectors (A: n×k for k vectors in ℝⁿ). The dimension of the span
 * is the numerical rank of A with the tolerance rule of tolerance.ts (numpy.linalg.matrix_rank: singular values
 * strictly above σmax·max(n, k)·ε by default). The basis is the leading r left singular vectors of A, with the SVD
 * sign rule of svd.ts.
 */

import type { LinalgEngine } from './engine.js';
import { type Dense, EPSILON, clearNegativeZeros, columnRange, frobeniusNorm, matmul, matmulTransposeA, subtract, transpose } from './dense.js';
import { applySignRule } from './svd.js';
import { type ResolvedTolerance, type ToleranceOptions, countAbove, resolveTolerance } from './tolerance.js';

export interface SpanBasis {
  /** n×r orthonormal basis of the span, as columns. */
  basis: Dense;
  /** r, the dimension of the span. */
  dimension: number;
  /** Singular values of A, descending. */
  singularValues: Float64Array;
  tolerance: ResolvedTolerance;
  /** σ1/σr of A restricted to its rank, 1 for r ≤ 1 and for the zero span: how well the vectors fix the span. */
  spanCondition: number;
}

/** Computes an orthonormal basis of the column span of A: n×k. */
export function spanBasis(engine: LinalgEngine, a: Dense, options: ToleranceOptions): SpanBasis {
  const { s, u, v } = engine.svd(a, 'thin');
  applySignRule(u!, v!, Math.min(a.rows, a.cols));
  const tolerance = resolveTolerance(s, a.rows, a.cols, options);
  const r = countAbove(s, tolerance.tolerance);
  return {
    basis: clearNegativeZeros(columnRange(u!, 0, r)),
    dimension: r,
    singularValues: s,
    tolerance,
    spanCondition: r === 0 ? 1 : s[0]! / s[r - 1]!,
  };
}

/** Returns Q·(Qᵀ·V), the orthogonal projection of the columns of V onto the span of the orthonormal columns of Q. */
export function projectOnto(q: Dense, vectors: Dense): Dense {
  if (q.cols === 0) return { rows: vectors.rows, cols: vectors.cols, data: new Float64Array(vectors.data.length) };
  return matmul(q, matmulTransposeA(q, vectors));
}

/** Returns column j of A as a new array. */
export function columnOf(a: Dense, j: number): Float64Array {
  const out = new Float64Array(a.rows);
  for (let i = 0; i < a.rows; i++) out[i] = a.data[i * a.cols + j]!;
  return out;
}

/** Euclidean norm with scaled accumulation (no overflow near 1e±200). */
export function vectorNorm(x: Float64Array): number {
  return frobeniusNorm({ rows: 1, cols: x.length, data: x });
}

/** Euclidean norm of each column of A. */
export function columnNorms(a: Dense): Float64Array {
  const out = new Float64Array(a.cols);
  for (let j = 0; j < a.cols; j++) out[j] = vectorNorm(columnOf(a, j));
  return out;
}

/**
 * Returns the default relative residual up to which a vector counts as a member of a span: max(n, k + 1)·ε·κ.
 * That is numpy's rank rule for the n×(k + 1) matrix [A v], scaled by κ = σ1/σr of A, because a relative
 * perturbation δ of A (rounding in the input or in the SVD) can turn its span by an angle of about δ·κ.
 */
export function defaultResidualRtol(dimension: number, count: number, spanCondition: number): number {
  return Math.max(dimension, count + 1) * EPSILON * spanCondition;
}

export interface MembershipResult {
  dimension: number;
  tolerance: ResolvedTolerance;
  singularValues: Float64Array;
  /** ‖v − P·v‖ for each vector, P the orthogonal projector onto the span. */
  residualNorms: number[];
  /** ‖v − P·v‖ / ‖v‖, 0 for a zero vector. */
  relativeResiduals: number[];
  member: boolean[];
  residualRtol: number;
}

/**
 * Tests whether each column of V: n×p lies in the span of the columns of A: n×k. A vector is a member when its
 * relative residual is at most `residualRtol` (default: defaultResidualRtol). The zero vector is in every span.
 */
export function membership(engine: LinalgEngine, a: Dense, vectors: Dense, options: ToleranceOptions & { residualRtol?: number }): MembershipResult {
  const span = spanBasis(engine, a, options);
  const residualRtol = options.residualRtol ?? defaultResidualRtol(a.rows, a.cols, span.spanCondition);

  const residual = subtract(vectors, projectOnto(span.basis, vectors));
  const residualNorms = Array.from(columnNorms(residual));
  const norms = columnNorms(vectors);
  const relativeResiduals = residualNorms.map((value, j) => (norms[j] === 0 ? 0 : value / norms[j]!));

  return {
    dimension: span.dimension,
    tolerance: span.tolerance,
    singularValues: span.singularValues,
    residualNorms,
    relativeResiduals,
    member: relativeResiduals.map((value) => value <= residualRtol),
    residualRtol,
  };
}

export interface ProjectionResult {
  dimension: number;
  tolerance: ResolvedTolerance;
  singularValues: Float64Array;
  /** n×r orthonormal basis of the span. */
  basis: Dense;
  /** P·V, the component of each vector in the span. */
  projection: Dense;
  /** (I − P)·V, the component in the orthogonal complement. */
  complement: Dense;
  /** max over vectors of |⟨P·v, (I − P)·v⟩| / ‖v‖², which is 0 in exact arithmetic. */
  orthogonalityError: number;
  /** The n×n projector P = Q·Qᵀ, when requested. */
  projector?: Dense;
}

/** Splits each column of V: n×p into its projection onto span(A) and onto the orthogonal complement of span(A). */
export function projection(engine: LinalgEngine, a: Dense, vectors: Dense, options: ToleranceOptions & { includeProjector?: boolean }): ProjectionResult {
  const span = spanBasis(engine, a, options);
  const projected = projectOnto(span.basis, vectors);
  const complement = subtract(vectors, projected);

  let orthogonalityError = 0;
  for (let j = 0; j < vectors.cols; j++) {
    const p = columnOf(projected, j);
    const c = columnOf(complement, j);
    const norm = vectorNorm(columnOf(vectors, j));
    if (norm === 0) continue;
    let inner = 0;
    for (let i = 0; i < p.length; i++) inner += p[i]! * c[i]!;
    orthogonalityError = Math.max(orthogonalityError, Math.abs(inner) / norm / norm);
  }

  const result: ProjectionResult = {
    dimension: span.dimension,
    tolerance: span.tolerance,
    singularValues: span.singularValues,
    basis: span.basis,
    projection: clearNegativeZeros(projected),
    complement: clearNegativeZeros(complement),
    orthogonalityError,
  };
  if (options.includeProjector) result.projector = clearNegativeZeros(matmul(span.basis, transpose(span.basis)));
  return result;
}
