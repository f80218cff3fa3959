/**
 * Determinant of a square matrix from an LU factorisation with partial pivoting, with the sign and log|det| as
 * numpy.linalg.slogdet gives them. When |det| overflows or underflows float64, `det` is null (never Infinity or a
 * silent 0) and `logAbsDet` still carries the value.
 */

import type { LinalgEngine } from './engine.js';
import { DomainError } from '../errors.js';
import type { Dense } from './dense.js';

export interface DetResult {
  det: number | null;
  sign: number;
  /** log|det A|, null for a singular matrix (numpy gives −inf there). */
  logAbsDet: number | null;
  /** Why `det` is null: the value is outside float64's range. */
  outOfRange: 'overflow' | 'underflow' | null;
}

export function det(engine: LinalgEngine, a: Dense, path = '/matrix'): DetResult {
  if (a.rows !== a.cols) throw new DomainError('NOT_SQUARE', { path, rows: a.rows, cols: a.cols });

  const { sign, logAbsDet } = engine.slogdet(a);
  if (sign === 0) return { det: 0, sign: 0, logAbsDet: null, outOfRange: null };

  const magnitude = Math.exp(logAbsDet);
  if (!Number.isFinite(magnitude)) return { det: null, sign, logAbsDet, outOfRange: 'overflow' };
  if (magnitude === 0) return { det: null, sign, logAbsDet, outOfRange: 'underflow' };
  return { det: sign * magnitude, sign, logAbsDet, outOfRange: null };
}
