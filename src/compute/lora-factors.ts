/**
 * Float64 helpers on low-rank products ΔW = B·A (B: out×R, A: R×in) that never form the out×in matrix.
 */

import { type Dense, frobeniusNorm, matmul, transpose, zeros } from './dense.js';
import type { LinalgEngine } from './engine.js';
import { svd } from './svd.js';

/**
 * ‖B·A‖_F as ‖R_B·R_Aᵀ‖_F from reduced QR factorisations B = Q_B·R_B and Aᵀ = Q_A·R_A, in O((out + in)·R²). Unlike
 * the Gram form √(Σ (BᵀB) ∘ (A·Aᵀ)), it does not square the values, so a difference of two nearly equal products
 * keeps its accuracy (about ε rather than √ε relative to the factors).
 */
export function productFrobeniusNorm(engine: LinalgEngine, b: Dense, a: Dense): number {
  const left = engine.qr(b, 'reduced', false);
  const right = engine.qr(transpose(a), 'reduced', false);
  return frobeniusNorm(matmul(left.r, transpose(right.r)));
}

/** Concatenates factor pairs: B = [B₁ | B₂ | …] (out×ΣR) and A = [A₁; A₂; …] (ΣR×in), so B·A = Σ Bᵢ·Aᵢ. */
export function concatenateFactors(pairs: readonly { b: Dense; a: Dense }[]): { b: Dense; a: Dense } {
  const out = pairs[0]!.b.rows;
  const inFeatures = pairs[0]!.a.cols;
  const total = pairs.reduce((sum, pair) => sum + pair.a.rows, 0);

  const b = zeros(out, total);
  const a = zeros(total, inFeatures);
  let offset = 0;
  for (const pair of pairs) {
    const r = pair.a.rows;
    for (let i = 0; i < out; i++) b.data.set(pair.b.data.subarray(i * r, (i + 1) * r), i * total + offset);
    a.data.set(pair.a.data, offset * inFeatures);
    offset += r;
  }
  return { b, a };
}

/** ‖B₁·A₁ − B₂·A₂‖_F without forming either product. */
export function productDifferenceNorm(engine: LinalgEngine, first: { b: Dense; a: Dense }, second: { b: Dense; a: Dense }): number {
  const negated = { b: { ...second.b, data: second.b.data.map((value) => -value) }, a: second.a };
  const joined = concatenateFactors([first, negated]);
  return productFrobeniusNorm(engine, joined.b, joined.a);
}

export interface ProductSvd {
  /** Left singular vectors, out×p. */
  u: Dense;
  /** Singular values, descending, p = min(out, in, R) of them. */
  s: Float64Array;
  /** Right singular vectors as columns, in×p. */
  v: Dense;
}

/**
 * SVD of B·A from reduced QR factorisations B = Q_B·R_B and Aᵀ = Q_A·R_A: B·A = Q_B·(R_B·R_Aᵀ)·Q_Aᵀ, and the small
 * R×R core is decomposed instead of the out×in product. Signs follow the SVD sign rule of svd.ts.
 */
export function productSvd(engine: LinalgEngine, b: Dense, a: Dense): ProductSvd {
  const left = engine.qr(b, 'reduced', false);
  const right = engine.qr(transpose(a), 'reduced', false);
  const core = matmul(left.r, transpose(right.r));
  const decomposition = svd(engine, core, { full: false });
  return { u: matmul(left.q, decomposition.u), s: decomposition.s, v: matmul(right.q, decomposition.v) };
}
