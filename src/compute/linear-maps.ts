/**
 * Linear maps ℝⁿ → ℝᵐ as m×n matrices: composition and inverse with its condition number. Kernel and image bases
 * come from subspaces.ts (null space and column space of the same SVD).
 */

import type { LinalgEngine } from './engine.js';
import { DomainError } from '../errors.js';
import { type Dense, EPSILON, clearNegativeZeros, identity, matmul, maxAbs, scaleColumns, subtract, transpose } from './dense.js';
import { type ResolvedTolerance, countAbove, resolveTolerance, type ToleranceOptions } from './tolerance.js';

/**
 * Composes maps applied in list order: for maps [M_1, …, M_q], x ↦ M_q·…·M_1·x. Each M_{i+1} must have as many
 * columns as M_i has rows; the caller checks that and names both shapes.
 */
export function compose(maps: readonly Dense[]): Dense {
  let product = maps[0]!;
  for (let i = 1; i < maps.length; i++) product = matmul(maps[i]!, product);
  return clearNegativeZeros(product);
}

/** Condition numbers above 1/√ε (about 6.7e7) leave fewer than half of float64's 16 significant digits in A⁻¹·b. */
export const ILL_CONDITIONED_ABOVE = 1 / Math.sqrt(EPSILON);

export type InvertibilityVerdict = 'invertible' | 'ill-conditioned' | 'singular';

export interface InverseResult {
  /** A⁻¹ = V·Σ⁻¹·Uᵀ, null when the matrix is singular. */
  inverse: Dense | null;
  verdict: InvertibilityVerdict;
  /** σ1/σn, null when σn is 0. */
  condition: number | null;
  /** log10 of the condition number: about how many significant digits A⁻¹·b can lose. */
  digitsLost: number | null;
  rank: number;
  singularValues: Float64Array;
  tolerance: ResolvedTolerance;
  /** max |A·A⁻¹ − I|, null without an inverse. */
  inverseError: number | null;
}

/**
 * Inverts a square matrix through its SVD. The verdict is `singular` when the numerical rank (tolerance.ts) is
 * below n, `ill-conditioned` when the condition number exceeds ILL_CONDITIONED_ABOVE, else `invertible`.
 */
export function inverse(engine: LinalgEngine, a: Dense, options: ToleranceOptions, path = '/matrix'): InverseResult {
  if (a.rows !== a.cols) throw new DomainError('NOT_SQUARE', { path, rows: a.rows, cols: a.cols });
  const n = a.rows;

  const { s, u, v } = engine.svd(a, 'thin');
  const tolerance = resolveTolerance(s, n, n, options);
  const rank = countAbove(s, tolerance.tolerance);
  const smallest = s[n - 1]!;
  const condition = smallest === 0 ? null : s[0]! / smallest;
  const digitsLost = condition === null ? null : Math.log10(condition);
  const base = { condition, digitsLost, rank, singularValues: s, tolerance };

  if (rank < n || condition === null || !Number.isFinite(condition)) {
    return { ...base, inverse: null, verdict: 'singular', inverseError: null };
  }

  const result = matmul(scaleColumns(v!, Float64Array.from(s, (value) => 1 / value)), transpose(u!));
  return {
    ...base,
    inverse: clearNegativeZeros(result),
    verdict: condition > ILL_CONDITIONED_ABOVE ? 'ill-conditioned' : 'invertible',
    inverseError: maxAbs(subtract(matmul(a, result), identity(n))),
  };
}
