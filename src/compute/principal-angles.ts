/**
 * Principal angles between U = span(A) and W = span(B) (A: n×k, B: n×l), in descending order, in [0, π/2].
 *
 * With orthonormal bases Q_U (n×r) and Q_W (n×s) and p = min(r, s), the cosines of the angles are the singular
 * values of Q_Uᵀ·Q_W, and the sines are the singular values of the part of the smaller basis outside the larger
 * span: (I − Q_U·Q_Uᵀ)·Q_W when r ≥ s, else (I − Q_W·Q_Wᵀ)·Q_U. An angle with cos² ≥ 1/2 is taken from its sine
 * (arcsin), the others from their cosine (arccos): the Björck–Golub method with the sine correction, as
 * scipy.linalg.subspace_angles computes it. arccos alone loses small angles: for identical subspaces cos θ rounds to 1 − ε and
 * arccos returns about 1.5e-8, while the sine is of order ε.
 */

import type { LinalgEngine } from './engine.js';
import { type Dense, matmul, matmulTransposeA, subtract } from './dense.js';
import { type SpanBasis, spanBasis } from './span.js';
import type { ToleranceOptions } from './tolerance.js';

export interface PrincipalAnglesResult {
  u: SpanBasis;
  w: SpanBasis;
  /** p = min(dim U, dim W) angles in radians, descending. */
  angles: number[];
  /** cos θ_i for the angles above (the canonical correlations), ascending. */
  cosines: number[];
  /** sin θ_i for the angles above, descending. */
  sines: number[];
}

export function principalAngles(engine: LinalgEngine, a: Dense, b: Dense, options: ToleranceOptions): PrincipalAnglesResult {
  const u = spanBasis(engine, a, options);
  const w = spanBasis(engine, b, options);
  const p = Math.min(u.dimension, w.dimension);
  if (p === 0) return { u, w, angles: [], cosines: [], sines: [] };

  const [larger, smaller] = u.dimension >= w.dimension ? [u.basis, w.basis] : [w.basis, u.basis];
  const cross = matmulTransposeA(larger, smaller);
  const outside = subtract(smaller, matmul(larger, cross));

  // Both lists hold p values in descending order: cosines[i] belongs to the i-th smallest angle, sines[i] to the
  // i-th largest.
  const cosinesDescending = engine.svd(cross, 'none').s;
  const sinesDescending = engine.svd(outside, 'none').s;

  const angles: number[] = [];
  for (let i = 0; i < p; i++) {
    const cosine = Math.min(cosinesDescending[p - 1 - i]!, 1);
    const sine = Math.min(sinesDescending[i] ?? 0, 1);
    angles.push(cosine * cosine >= 0.5 ? Math.asin(sine) : Math.acos(cosine));
  }
  // The switch between arcsin and arccos can break the order by an ulp; the contract is descending.
  angles.sort((x, y) => y - x);

  return {
    u,
    w,
    angles,
    cosines: angles.map((angle) => Math.cos(angle)),
    sines: angles.map((angle) => Math.sin(angle)),
  };
}
