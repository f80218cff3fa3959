/**
 * Matrix norms and condition numbers, with numpy.linalg.norm's and numpy.linalg.cond's meaning of `ord`:
 * `fro` (Frobenius), `nuc` (sum of singular values), `2` (largest singular value), `1` (largest absolute column
 * sum), `inf` (largest absolute row sum).
 *
 * The condition number for ord 2 is σmax/σmin and works for any shape; the other orders need a square matrix and
 * use ‖A‖·‖A⁻¹‖. A matrix that is singular to working precision, numerical rank below min(m, n) at numpy's
 * default tolerance σmax·max(m, n)·ε, gets `cond` null and `singular` true. numpy returns inf there only when σmin
 * rounds to exactly 0, and otherwise a ratio of order 1/ε that depends on rounding (4.8e16 for [[1, 2], [2, 4]]).
 * Deciding by rank gives the same result for every engine.
 */

import type { LinalgEngine } from './engine.js';
import { DomainError } from '../errors.js';
import { type Dense, frobeniusNorm, matmul, scaleColumns, transpose } from './dense.js';
import { countAbove, resolveTolerance } from './tolerance.js';

export type NormOrder = 'fro' | 'nuc' | '2' | '1' | 'inf';

/** Returns the norm, or null when it exceeds float64's range. */
export function matrixNorm(engine: LinalgEngine, a: Dense, order: NormOrder): number | null {
  let value: number;
  switch (order) {
    case 'fro':
      value = frobeniusNorm(a);
      break;
    case 'nuc':
      value = engine.svd(a, 'none').s.reduce((sum, x) => sum + x, 0);
      break;
    case '2':
      value = engine.svd(a, 'none').s[0] ?? 0;
      break;
    case '1':
      value = maxAbsoluteSum(transpose(a));
      break;
    case 'inf':
      value = maxAbsoluteSum(a);
      break;
  }
  return Number.isFinite(value) ? value : null;
}

export interface CondResult {
  cond: number | null;
  singular: boolean;
  /** Numerical rank at numpy's default tolerance, for context. */
  rank: number;
  singularValues: Float64Array;
}

export function cond(engine: LinalgEngine, a: Dense, order: NormOrder, path = '/matrix'): CondResult {
  const needsSquare = order !== '2';
  if (needsSquare && a.rows !== a.cols) throw new DomainError('NOT_SQUARE', { path, rows: a.rows, cols: a.cols });

  const { s, u, v } = engine.svd(a, needsSquare ? 'thin' : 'none');
  const rank = countAbove(s, resolveTolerance(s, a.rows, a.cols, {}).tolerance);
  const smallest = s[s.length - 1]!;
  if (smallest === 0 || rank < s.length) return { cond: null, singular: true, rank, singularValues: s };

  let value: number;
  if (order === '2') {
    value = s[0]! / smallest;
  } else {
    const inverse = matmul(scaleColumns(v!, Float64Array.from(s, (x) => 1 / x)), transpose(u!));
    const normA = matrixNorm(engine, a, order);
    const normInverse = matrixNorm(engine, inverse, order);
    value = normA === null || normInverse === null ? Infinity : normA * normInverse;
  }
  if (!Number.isFinite(value)) return { cond: null, singular: true, rank, singularValues: s };
  return { cond: value, singular: false, rank, singularValues: s };
}

function maxAbsoluteSum(a: Dense): number {
  let best = 0;
  for (let i = 0; i < a.rows; i++) {
    let sum = 0;
    for (let j = 0; j < a.cols; j++) sum += Math.abs(a.data[i * a.cols + j]!);
    best = Math.max(best, sum);
  }
  return best;
}
