/**
 * Symmetric eigendecomposition A = V·diag(λ)·Vᵀ, eigenvalues ascending (numpy.linalg.eigh's order).
 *
 * The input must be symmetric to within a relative tolerance. Otherwise it is rejected with NOT_SYMMETRIC and the
 * largest asymmetry, unless the caller chooses how to read it: `lower` or `upper` mirrors that triangle, and
 * `average` uses (A + Aᵀ)/2. One triangle is never read silently.
 *
 * Sign rule: in each eigenvector the entry of largest magnitude is positive (the first on ties within 1e-12 relative).
 */

import type { LinalgEngine } from './engine.js';
import { DomainError } from '../errors.js';
import { orthogonalityErrorOf } from './accuracy.js';
import { type Dense, EPSILON, clearNegativeZeros, frobeniusNorm, maxAbs, normalizeColumnSigns, scaleColumns, subtract, zeros } from './dense.js';

export type Symmetrize = 'none' | 'lower' | 'upper' | 'average';

export interface EighResult {
  values: Float64Array;
  vectors: Dense;
  /** ‖A·V − V·diag(λ)‖_F / ‖A‖_F on the symmetric matrix that was decomposed. */
  residual: number;
  orthogonalityError: number;
  /** Largest |a[i][j] − a[j][i]| of the input as sent. */
  maxAsymmetry: number;
  symmetrize: Symmetrize;
}

/** Asymmetry up to this multiple of ε·max|A| counts as rounding, not as a non-symmetric input. */
const SYMMETRY_TOLERANCE_FACTOR = 64;

export function eigh(engine: LinalgEngine, a: Dense, symmetrize: Symmetrize, path = '/matrix'): EighResult {
  if (a.rows !== a.cols) throw new DomainError('NOT_SQUARE', { path, rows: a.rows, cols: a.cols });
  const n = a.rows;

  const asymmetry = largestAsymmetry(a);
  if (symmetrize === 'none' && asymmetry.value > SYMMETRY_TOLERANCE_FACTOR * EPSILON * maxAbs(a)) {
    throw new DomainError('NOT_SYMMETRIC', { path, maxAsymmetry: asymmetry.value, row: asymmetry.row, col: asymmetry.col });
  }

  const symmetric = symmetrized(a, symmetrize === 'none' ? 'average' : symmetrize);
  const { values, vectors } = engine.eigh(symmetric);
  normalizeColumnSigns(vectors, []);

  const norm = frobeniusNorm(symmetric);
  const residual = frobeniusNorm(subtract(engine.matmul(symmetric, vectors), scaleColumns(vectors, values)));
  return {
    values,
    vectors: clearNegativeZeros(vectors),
    residual: norm === 0 ? residual : residual / norm,
    orthogonalityError: orthogonalityErrorOf(engine, vectors),
    maxAsymmetry: asymmetry.value,
    symmetrize,
  };

  function symmetrized(matrix: Dense, rule: Exclude<Symmetrize, 'none'>): Dense {
    const out = zeros(n, n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const lower = i >= j ? matrix.data[i * n + j]! : matrix.data[j * n + i]!;
        const upper = i <= j ? matrix.data[i * n + j]! : matrix.data[j * n + i]!;
        if (rule === 'lower') out.data[i * n + j] = lower;
        else if (rule === 'upper') out.data[i * n + j] = upper;
        else out.data[i * n + j] = (matrix.data[i * n + j]! + matrix.data[j * n + i]!) / 2;
      }
    }
    return out;
  }
}

function largestAsymmetry(a: Dense): { value: number; row: number; col: number } {
  const n = a.rows;
  let best = { value: 0, row: 0, col: 0 };
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const difference = Math.abs(a.data[i * n + j]! - a.data[j * n + i]!);
      if (difference > best.value) best = { value: difference, row: i, col: j };
    }
  }
  return best;
}
