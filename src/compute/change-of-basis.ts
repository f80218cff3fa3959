/**
 * Change of basis between two bases B and C of the same subspace of ℝⁿ (each n×k, the basis vectors as columns;
 * k = n for bases of ℝⁿ).
 *
 * P is the k×k matrix with [v]_C = P·[v]_B for every v in the subspace, so B = C·P and P = C⁺·B. Its inverse
 * P⁻¹ = B⁺·C maps C-coordinates to B-coordinates, and its columns are the C vectors written in B-coordinates. A linear
 * map with matrix A = [T]_B in B-coordinates has matrix [T]_C = P·A·P⁻¹ in C-coordinates: the textbook S⁻¹·A·S
 * with S = P⁻¹.
 */

import type { LinalgEngine } from './engine.js';
import { DomainError } from '../errors.js';
import { type Dense, clearNegativeZeros, identity, matmul, maxAbs, subtract } from './dense.js';
import { type IndependenceResult, independence, solveInSpan } from './bases.js';
import { columnNorms, defaultResidualRtol } from './span.js';
import { principalAngles } from './principal-angles.js';
import type { ToleranceOptions } from './tolerance.js';

export interface ChangeOfBasisOptions extends ToleranceOptions {
  /** k×k matrix of a linear map in B-coordinates. */
  map?: Dense;
  /** n×p vectors of the subspace whose coordinates in both bases are wanted. */
  vectors?: Dense;
  residualRtol?: number;
}

export interface ChangeOfBasisResult {
  /** k×k, [v]_C = P·[v]_B. */
  p: Dense;
  /** k×k, [v]_B = P⁻¹·[v]_C. */
  pInverse: Dense;
  /** max |P·P⁻¹ − I|. */
  inverseError: number;
  /** Largest principal angle between span(B) and span(C), in radians: 0 when they span the same subspace. */
  largestAngle: number;
  /** The largest sin θ accepted as "same span": max(n, 2k)·ε·κ, κ the larger condition number of B and C. */
  spanTolerance: number;
  from: IndependenceResult;
  to: IndependenceResult;
  /** P·A·P⁻¹, when a map was given. */
  mapInTo?: Dense;
  coordinates?: { from: Dense; to: Dense; relativeResiduals: number[]; inSpan: boolean[]; residualRtol: number };
}

/**
 * Computes P for bases `from` (B) and `to` (C). Both must be linearly independent (NOT_A_BASIS) and span the same
 * subspace (DIFFERENT_SPANS when the dimension of span(B) + span(C), with the tolerance of tolerance.ts, exceeds k).
 */
export function changeOfBasis(engine: LinalgEngine, from: Dense, to: Dense, options: ChangeOfBasisOptions): ChangeOfBasisResult {
  const k = to.cols;
  const fromCheck = independence(engine, from, options);
  if (!fromCheck.independent) throw new DomainError('NOT_A_BASIS', { path: '/from', rank: fromCheck.rank, count: fromCheck.count, tolerance: fromCheck.tolerance.tolerance });
  const toCheck = independence(engine, to, options);
  if (!toCheck.independent) throw new DomainError('NOT_A_BASIS', { path: '/to', rank: toCheck.rank, count: toCheck.count, tolerance: toCheck.tolerance.tolerance });

  const angles = principalAngles(engine, from, to, options);
  const largestAngle = angles.angles[0] ?? 0;
  const spanTolerance = defaultResidualRtol(from.rows, 2 * k, Math.max(fromCheck.condition ?? 1, toCheck.condition ?? 1));
  if (Math.sin(largestAngle) > spanTolerance) {
    throw new DomainError('DIFFERENT_SPANS', { path: '/to', largestAngle, sine: Math.sin(largestAngle), tolerance: spanTolerance });
  }

  const p = solveInSpan(engine, to, from).coordinates;
  const pInverse = solveInSpan(engine, from, to).coordinates;
  const result: ChangeOfBasisResult = {
    p: clearNegativeZeros(p),
    pInverse: clearNegativeZeros(pInverse),
    inverseError: maxAbs(subtract(matmul(p, pInverse), identity(k))),
    largestAngle,
    spanTolerance,
    from: fromCheck,
    to: toCheck,
  };

  if (options.map) result.mapInTo = clearNegativeZeros(matmul(matmul(p, options.map), pInverse));

  if (options.vectors) {
    const vectors = options.vectors;
    const inFrom = solveInSpan(engine, from, vectors);
    const inTo = matmul(p, inFrom.coordinates);
    const residualRtol = options.residualRtol ?? defaultResidualRtol(from.rows, k, inFrom.condition);
    const residualNorms = columnNorms(subtract(vectors, matmul(from, inFrom.coordinates)));
    const norms = columnNorms(vectors);
    const relativeResiduals = Array.from(residualNorms, (value, j) => (norms[j] === 0 ? 0 : value / norms[j]!));
    result.coordinates = {
      from: clearNegativeZeros(inFrom.coordinates),
      to: clearNegativeZeros(inTo),
      relativeResiduals,
      inSpan: relativeResiduals.map((value) => value <= residualRtol),
      residualRtol,
    };
  }
  return result;
}
