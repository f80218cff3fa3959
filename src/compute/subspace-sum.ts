/**
 * Sum, intersection and direct sum of two subspaces U = span(A) and W = span(B) of ℝⁿ, each given by spanning
 * vectors as columns (A: n×k, B: n×l).
 *
 * Method: with orthonormal bases Q_U (n×r) and Q_W (n×s) from span.ts, the sum U + W is the column span of
 * M = [Q_U Q_W], and (x, y) is in the null space of M exactly when Q_U·x = −Q_W·y, a vector of U ∩ W. One SVD of M
 * gives both: the leading t left singular vectors span U + W, and the trailing r + s − t right singular vectors give
 * the intersection. So dim(U + W) = dim U + dim W − dim(U ∩ W) holds by the rank–nullity theorem, and the reply
 * checks it on the returned dimensions.
 *
 * M has orthonormal blocks, so its singular values are √(1 ± cos θ_i) for the principal angles θ_i, and the
 * smallest ones, about θ_i/√2, decide the dimension of the intersection. With the caller's rtol or atol the rank of
 * M follows tolerance.ts. The default is numpy's rule σmax·max(n, r + s)·ε scaled by κ, the larger of σ1/σr of A
 * and of B, because a span computed from vectors with condition κ is only fixed to an angle of about ε·κ: a shared
 * direction of two ill-conditioned spanning sets comes out at such an angle, not at 0.
 */

import type { LinalgEngine } from './engine.js';
import { type Dense, EPSILON, clearNegativeZeros, columnRange, matmul, normalizeColumnSigns, rowRange, scale, subtract, transpose, zeros } from './dense.js';
import { applySignRule } from './svd.js';
import { type SpanBasis, columnNorms, columnOf, defaultResidualRtol, projectOnto, spanBasis, vectorNorm } from './span.js';
import { type ResolvedTolerance, type ToleranceOptions, countAbove, resolveTolerance } from './tolerance.js';

export interface SumIntersection {
  u: SpanBasis;
  w: SpanBasis;
  /** n×t orthonormal basis of U + W. */
  sumBasis: Dense;
  /** n×(r + s − t) orthonormal basis of U ∩ W. */
  intersectionBasis: Dense;
  /** Singular values of [Q_U Q_W], descending, and the tolerance that set dim(U + W). */
  sumSingularValues: Float64Array;
  sumTolerance: ResolvedTolerance;
  dimensions: {
    u: number;
    w: number;
    sum: number;
    intersection: number;
    ambient: number;
    /** dim U + dim W − dim(U ∩ W) = dim(U + W), checked on the values above. */
    formulaHolds: boolean;
  };
  /** Largest distance of an intersection basis vector from U or from W: 0 in exact arithmetic. */
  intersectionResidual: number;
  /** The thin SVD of [Q_U Q_W], which the direct-sum decomposition reuses. */
  factors: { left: Dense; s: Float64Array; right: Dense };
}

export function sumAndIntersection(engine: LinalgEngine, a: Dense, b: Dense, options: ToleranceOptions): SumIntersection {
  const u = spanBasis(engine, a, options);
  const w = spanBasis(engine, b, options);
  const n = a.rows;
  const r = u.dimension;
  const s = w.dimension;
  const q = r + s;

  const empty = { left: zeros(n, 0), s: new Float64Array(0), right: zeros(0, 0) };
  if (q === 0) {
    return finish(zeros(n, 0), zeros(n, 0), new Float64Array(0), resolveTolerance(new Float64Array(0), n, 0, options), empty);
  }

  const m = concatColumns(u.basis, w.basis);
  // A null space of M needs all q right singular vectors; the thin SVD has only min(n, q) of them.
  const factors = engine.svd(m, q <= n ? 'thin' : 'full');
  const left = factors.u!;
  const right = factors.v!;
  applySignRule(left, right, Math.min(n, q));
  const tolerance = sumTolerance(factors.s, n, q, Math.max(u.spanCondition, w.spanCondition), options);
  const t = countAbove(factors.s, tolerance.tolerance);

  const sumBasis = columnRange(left, 0, t);
  const nullVectors = columnRange(right, t, q);
  // (Q_U·x − Q_W·y)/√2 is a unit vector of U ∩ W for a unit null vector (x, y); using both halves averages the rounding.
  const fromU = matmul(u.basis, rowRange(nullVectors, 0, r));
  const fromW = matmul(w.basis, rowRange(nullVectors, r, q));
  const intersectionBasis = orthonormalColumns(engine, scale(subtract(fromU, fromW), Math.SQRT1_2));

  return finish(sumBasis, intersectionBasis, factors.s, tolerance, { left: columnRange(left, 0, Math.min(n, q)), s: factors.s, right });

  function finish(sumBasis: Dense, intersectionBasis: Dense, singularValues: Float64Array, sumTolerance: ResolvedTolerance, sumFactors: SumIntersection['factors']): SumIntersection {
    normalizeColumnSigns(sumBasis, []);
    normalizeColumnSigns(intersectionBasis, []);
    const dimensions = { u: r, w: s, sum: sumBasis.cols, intersection: intersectionBasis.cols, ambient: n, formulaHolds: false };
    dimensions.formulaHolds = dimensions.sum === dimensions.u + dimensions.w - dimensions.intersection;
    return {
      u,
      w,
      sumBasis: clearNegativeZeros(sumBasis),
      intersectionBasis: clearNegativeZeros(intersectionBasis),
      sumSingularValues: singularValues,
      sumTolerance,
      dimensions,
      intersectionResidual: Math.max(maxColumnNorm(subtract(intersectionBasis, projectOnto(u.basis, intersectionBasis))), maxColumnNorm(subtract(intersectionBasis, projectOnto(w.basis, intersectionBasis)))),
      factors: sumFactors,
    };
  }
}

export interface DirectSumResult {
  sum: SumIntersection;
  /** U ∩ W = {0}, so every vector of U + W splits uniquely as x + y with x ∈ U, y ∈ W. */
  direct: boolean;
  /** Direct and U + W = ℝⁿ: U and W are complementary. */
  complementary: boolean;
  decomposition?: DirectSumDecomposition;
}

export interface DirectSumDecomposition {
  /** n×p: the part x ∈ U of each vector. */
  x: Dense;
  /** n×p: the part y ∈ W of each vector. */
  y: Dense;
  /** Each vector's distance from U + W relative to its norm; only vectors in U + W have a decomposition. */
  relativeResiduals: number[];
  inSum: boolean[];
  residualRtol: number;
}

/**
 * Tests whether U + W is direct and, when it is and vectors V: n×p are given, splits each v ∈ U + W uniquely as
 * v = x + y with x ∈ U and y ∈ W. The split solves [Q_U Q_W]·c = v by the SVD of [Q_U Q_W], which has full column rank
 * when the sum is direct. A vector outside U + W (relative residual above `residualRtol`, default as for membership)
 * gets the split of its projection onto U + W and `inSum` false.
 */
export function directSum(engine: LinalgEngine, a: Dense, b: Dense, vectors: Dense | undefined, options: ToleranceOptions & { residualRtol?: number }): DirectSumResult {
  const sum = sumAndIntersection(engine, a, b, options);
  const direct = sum.dimensions.intersection === 0;
  const result: DirectSumResult = { sum, direct, complementary: direct && sum.dimensions.sum === sum.dimensions.ambient };
  if (!direct || vectors === undefined) return result;

  const { left, s, right } = sum.factors;
  const r = sum.dimensions.u;
  const q = r + sum.dimensions.w;
  // c = V_M·Σ⁻¹·U_Mᵀ·v, with all q singular values non-zero because the sum is direct.
  const inverse = Float64Array.from(s, (value) => 1 / value);
  const projected = matmul(transpose(left), vectors);
  for (let i = 0; i < projected.rows; i++) {
    for (let j = 0; j < projected.cols; j++) projected.data[i * projected.cols + j]! *= inverse[i]!;
  }
  const coefficients = matmul(columnRange(right, 0, Math.min(q, left.cols)), projected);
  const x = matmul(sum.u.basis, rowRange(coefficients, 0, r));
  const y = matmul(sum.w.basis, rowRange(coefficients, r, q));

  const spanCondition = s.length === 0 ? 1 : s[0]! / s[s.length - 1]!;
  const residualRtol = options.residualRtol ?? defaultResidualRtol(a.rows, q, spanCondition);
  const residualNorms = columnNorms(subtract(vectors, matmul(sum.sumBasis, matmul(transpose(sum.sumBasis), vectors))));
  const norms = columnNorms(vectors);
  const relativeResiduals = Array.from(residualNorms, (value, j) => (norms[j] === 0 ? 0 : value / norms[j]!));

  result.decomposition = {
    x: clearNegativeZeros(x),
    y: clearNegativeZeros(y),
    relativeResiduals,
    inSum: relativeResiduals.map((value) => value <= residualRtol),
    residualRtol,
  };
  return result;
}

function sumTolerance(singularValues: Float64Array, n: number, q: number, spanCondition: number, options: ToleranceOptions): ResolvedTolerance {
  if (options.rtol !== undefined || options.atol !== undefined) return resolveTolerance(singularValues, n, q, options);
  const rtol = Math.max(n, q) * EPSILON * spanCondition;
  return { tolerance: (singularValues[0] ?? 0) * rtol, rule: 'default', rtol, atol: null };
}

function concatColumns(left: Dense, right: Dense): Dense {
  const cols = left.cols + right.cols;
  const out = zeros(left.rows, cols);
  for (let i = 0; i < left.rows; i++) {
    out.data.set(left.data.subarray(i * left.cols, (i + 1) * left.cols), i * cols);
    out.data.set(right.data.subarray(i * right.cols, (i + 1) * right.cols), i * cols + left.cols);
  }
  return out;
}

/** Orthonormalises the columns of A (n×p, numerically independent) by its thin SVD, keeping all p directions. */
function orthonormalColumns(engine: LinalgEngine, a: Dense): Dense {
  if (a.cols === 0) return a;
  const factors = engine.svd(a, 'thin');
  return columnRange(factors.u!, 0, a.cols);
}

function maxColumnNorm(a: Dense): number {
  let max = 0;
  for (let j = 0; j < a.cols; j++) max = Math.max(max, vectorNorm(columnOf(a, j)));
  return max;
}
