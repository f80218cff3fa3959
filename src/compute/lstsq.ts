/**
 * Least squares min ‖A·X − B‖_F for A: m×n and B: m×p, by the SVD (the method of LAPACK's dgelsd, which numpy.linalg
 * .lstsq calls): X = V·Σ⁺·Uᵀ·B, where singular values at or below the tolerance are treated as zero. Among all
 * minimisers this X has the smallest norm, so rank-deficient and underdetermined systems have a unique answer.
 *
 * Tolerance: numpy's `rcond` is the relative tolerance `rtol` here, default max(m, n)·ε (numpy ≥ 2.0's default).
 * `residuals` holds ‖b_j − A·x_j‖² for every column j. Unlike numpy, which returns them only when rank = n < m,
 * they are always given.
 */

import type { LinalgEngine } from './engine.js';
import { DomainError } from '../errors.js';
import { type Dense, clearNegativeZeros, matmul, matmulTransposeA, scaleColumns, subtract, transpose } from './dense.js';
import { type ResolvedTolerance, type ToleranceOptions, countAbove, resolveTolerance } from './tolerance.js';

export interface LstsqResult {
  solution: Dense;
  residuals: number[];
  rank: number;
  singularValues: Float64Array;
  tolerance: ResolvedTolerance;
}

export function lstsq(engine: LinalgEngine, a: Dense, b: Dense, options: ToleranceOptions): LstsqResult {
  if (b.rows !== a.rows) {
    throw new DomainError('SHAPE_MISMATCH', { reason: `A is ${a.rows}×${a.cols}, so b needs ${a.rows} rows, but it has ${b.rows}`, expected: a.rows, got: b.rows, path: '/b' });
  }

  const { s, u, v } = engine.svd(a, 'thin');
  const tolerance = resolveTolerance(s, a.rows, a.cols, options);
  const r = countAbove(s, tolerance.tolerance);
  const inverse = Float64Array.from(s, (value, i) => (i < r ? 1 / value : 0));

  // X = V·Σ⁺·(Uᵀ·B), evaluated right to left so that no n×m matrix is formed.
  const projected = matmulTransposeA(u!, b);
  const scaled = transpose(scaleColumns(transpose(projected), inverse));
  const solution = matmul(v!, scaled);

  const residualMatrix = subtract(b, matmul(a, solution));
  const residuals: number[] = [];
  for (let j = 0; j < b.cols; j++) {
    let sum = 0;
    for (let i = 0; i < b.rows; i++) sum += residualMatrix.data[i * b.cols + j]! ** 2;
    residuals.push(sum);
  }

  return { solution: clearNegativeZeros(solution), residuals, rank: r, singularValues: s, tolerance };
}
