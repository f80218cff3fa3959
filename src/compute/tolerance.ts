/**
 * The rank tolerance shared by rank, nullspace, subspaces, pinv and least squares, with numpy's semantics:
 * `atol` is absolute, `rtol` is relative to σmax, and with neither the tolerance is σmax · max(m, n) · ε
 * (numpy.linalg.matrix_rank). A singular value counts toward the rank when it is strictly greater than the
 * tolerance.
 */

import { DomainError } from '../errors.js';
import { EPSILON } from './dense.js';

export interface ToleranceOptions {
  rtol?: number;
  atol?: number;
}

export interface ResolvedTolerance {
  tolerance: number;
  /** Which rule produced the tolerance, echoed in replies. */
  rule: 'default' | 'rtol' | 'atol';
  rtol: number | null;
  atol: number | null;
}

export function resolveTolerance(singularValues: Float64Array, rows: number, cols: number, options: ToleranceOptions): ResolvedTolerance {
  if (options.rtol !== undefined && options.atol !== undefined) throw new DomainError('CONFLICTING_TOLERANCES');
  const sigmaMax = singularValues.length === 0 ? 0 : singularValues[0]!;
  if (options.atol !== undefined) return { tolerance: options.atol, rule: 'atol', rtol: null, atol: options.atol };
  if (options.rtol !== undefined) return { tolerance: sigmaMax * options.rtol, rule: 'rtol', rtol: options.rtol, atol: null };
  const rtol = Math.max(rows, cols) * EPSILON;
  return { tolerance: sigmaMax * rtol, rule: 'default', rtol, atol: null };
}

/** Counts the singular values (descending) strictly above the tolerance. */
export function countAbove(singularValues: Float64Array, tolerance: number): number {
  let rank = 0;
  while (rank < singularValues.length && singularValues[rank]! > tolerance) rank++;
  return rank;
}
