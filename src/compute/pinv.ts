/**
 * Moore–Penrose pseudo-inverse A⁺ = V·Σ⁺·Uᵀ (n×m for A: m×n), singular values at or below the tolerance
 * (tolerance.ts: numpy's rtol/atol, default σmax·max(m, n)·ε) treated as zero.
 */

import type { LinalgEngine } from './engine.js';
import { type Dense, clearNegativeZeros, matmul, relativeError, scaleColumns, transpose } from './dense.js';
import { type ResolvedTolerance, type ToleranceOptions, countAbove, resolveTolerance } from './tolerance.js';

export interface PinvResult {
  pinv: Dense;
  rank: number;
  singularValues: Float64Array;
  tolerance: ResolvedTolerance;
  /** ‖A·A⁺·A − A‖_F / ‖A‖_F, the first Penrose condition. */
  penroseError: number;
}

export function pinv(engine: LinalgEngine, a: Dense, options: ToleranceOptions): PinvResult {
  const { s, u, v } = engine.svd(a, 'thin');
  const tolerance = resolveTolerance(s, a.rows, a.cols, options);
  const r = countAbove(s, tolerance.tolerance);
  const inverse = Float64Array.from(s, (value, i) => (i < r ? 1 / value : 0));
  const result = matmul(scaleColumns(v!, inverse), transpose(u!));
  return {
    pinv: clearNegativeZeros(result),
    rank: r,
    singularValues: s,
    tolerance,
    penroseError: relativeError(a, matmul(matmul(a, result), a)),
  };
}
