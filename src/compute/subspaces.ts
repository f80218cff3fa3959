/**
 * Rank, null space and the four fundamental subspaces of A: m×n, all read off one SVD A = U·Σ·Vᵀ with the rank
 * tolerance of tolerance.ts. With r the numerical rank:
 *   column space  = span U[:, :r]   (in ℝᵐ)     row space       = span V[:, :r]   (in ℝⁿ)
 *   null space    = span V[:, r:]   (in ℝⁿ)     left null space = span U[:, r:]   (in ℝᵐ)
 * Bases are orthonormal and returned as columns. A full SVD is used, so a wide matrix gets its complete null space.
 */

import type { LinalgEngine } from './engine.js';
import { type Dense, clearNegativeZeros, columnRange, frobeniusNorm, matmul, maxAbs, orthogonalityError, transpose } from './dense.js';
import { applySignRule } from './svd.js';
import { type ResolvedTolerance, type ToleranceOptions, countAbove, resolveTolerance } from './tolerance.js';

export interface RankResult {
  rank: number;
  singularValues: Float64Array;
  tolerance: ResolvedTolerance;
}

export function rank(engine: LinalgEngine, a: Dense, options: ToleranceOptions): RankResult {
  const s = engine.svd(a, 'none').s;
  const tolerance = resolveTolerance(s, a.rows, a.cols, options);
  return { rank: countAbove(s, tolerance.tolerance), singularValues: s, tolerance };
}

export interface NullspaceResult extends RankResult {
  /** n×(n − r) orthonormal basis of {x : A·x = 0}, as columns. */
  basis: Dense;
  /** max |A·N| / max(σmax, tiny): how far A maps the basis from zero, relative to the scale of A. */
  residual: number;
  orthogonalityError: number;
}

export function nullspace(engine: LinalgEngine, a: Dense, options: ToleranceOptions): NullspaceResult {
  const { s, u, v } = engine.svd(a, 'full');
  applySignRule(u!, v!, Math.min(a.rows, a.cols));
  const tolerance = resolveTolerance(s, a.rows, a.cols, options);
  const r = countAbove(s, tolerance.tolerance);
  const basis = clearNegativeZeros(columnRange(v!, r, a.cols));
  return {
    rank: r,
    singularValues: s,
    tolerance,
    basis,
    residual: relativeImage(a, basis, s),
    orthogonalityError: orthogonalityError(basis),
  };
}

export interface FundamentalSubspaces extends RankResult {
  columnSpace: Dense;
  rowSpace: Dense;
  nullspace: Dense;
  leftNullspace: Dense;
  /** The rank–nullity theorem, checked on the returned dimensions. */
  checks: {
    rankPlusNullity: number;
    cols: number;
    rankPlusLeftNullity: number;
    rows: number;
    holds: boolean;
  };
  /** max |A·N| and max |Aᵀ·N_left|, relative to σmax. */
  nullspaceResidual: number;
  leftNullspaceResidual: number;
  orthogonalityError: number;
}

export function fundamentalSubspaces(engine: LinalgEngine, a: Dense, options: ToleranceOptions): FundamentalSubspaces {
  const { s, u, v } = engine.svd(a, 'full');
  applySignRule(u!, v!, Math.min(a.rows, a.cols));
  const tolerance = resolveTolerance(s, a.rows, a.cols, options);
  const r = countAbove(s, tolerance.tolerance);

  const columnSpace = clearNegativeZeros(columnRange(u!, 0, r));
  const leftNullspace = clearNegativeZeros(columnRange(u!, r, a.rows));
  const rowSpace = clearNegativeZeros(columnRange(v!, 0, r));
  const nullBasis = clearNegativeZeros(columnRange(v!, r, a.cols));

  return {
    rank: r,
    singularValues: s,
    tolerance,
    columnSpace,
    rowSpace,
    nullspace: nullBasis,
    leftNullspace,
    checks: {
      rankPlusNullity: r + nullBasis.cols,
      cols: a.cols,
      rankPlusLeftNullity: r + leftNullspace.cols,
      rows: a.rows,
      holds: r + nullBasis.cols === a.cols && r + leftNullspace.cols === a.rows,
    },
    nullspaceResidual: relativeImage(a, nullBasis, s),
    leftNullspaceResidual: relativeImage(transpose(a), leftNullspace, s),
    orthogonalityError: Math.max(orthogonalityError(u!), orthogonalityError(v!)),
  };
}

function relativeImage(a: Dense, basis: Dense, s: Float64Array): number {
  if (basis.cols === 0) return 0;
  const image = maxAbs(matmul(a, basis));
  const scale = s.length > 0 && s[0]! > 0 ? s[0]! : frobeniusNorm(a) || 1;
  return image / scale;
}
