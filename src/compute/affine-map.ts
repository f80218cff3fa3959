/**
 * Linear relational embedding: an affine map o ≈ W·s + b from
 * subject vectors to object vectors, fitted by least squares with an optional ridge penalty.
 *
 * Shapes: S: n×d (subjects as rows), O: n×q (objects as rows). Written with rows, the fit is O ≈ S·M + 1·bᵀ with
 * M = Wᵀ: d×q. The bias is not penalised: both sides are centred on their means first, M minimises
 * ‖S_c·M − O_c‖²_F + λ‖M‖²_F, and b = mean(O) − mean(S)·M. From S_c = U·Σ·Vᵀ, M = V·diag(σ/(σ² + λ))·Uᵀ·O_c; with
 * λ = 0 this is the minimum-norm solution, singular values ≤ σmax·max(n, d)·ε counting as zero (numpy's default
 * rank tolerance). With fewer pairs than dimensions (n − 1 < d), λ = 0 interpolates the training pairs exactly.
 *
 * `shrinkTo: "identity"` (needs q = d) penalises ‖M − I‖²_F instead: M = I + the ridge fit of O_c − S_c. As λ grows M
 * tends to I and b to mean(O) − mean(S), the mean-offset relation vector; λ → 0 gives the least-squares map again.
 */

import { DomainError } from '../errors.js';
import { type Dense, frobeniusNorm, matmul, matmulTransposeA, scaleColumns, subtract, transpose, zeros } from './dense.js';
import type { LinalgEngine } from './engine.js';
import { countAbove, resolveTolerance } from './tolerance.js';

export interface AffineMap {
  /** M = Wᵀ: d×q, so a subject row s maps to s·M + b. */
  map: Dense;
  bias: Float64Array;
  /** Rank of the centred subjects used by the fit. */
  rank: number;
  /** ‖S·M + b − O‖_F / ‖O − mean(O)‖_F on the fitting pairs (the share of the objects' spread left unexplained). */
  relativeResidual: number;
}

/** Fits o ≈ s·M + b on the pairs (rows of S and O); rejects fewer than two pairs, a row mismatch and λ < 0. */
export type ShrinkTarget = 'zero' | 'identity';

export function fitAffineMap(engine: LinalgEngine, s: Dense, o: Dense, ridge: number, shrinkTo: ShrinkTarget = 'zero'): AffineMap {
  if (s.rows !== o.rows) throw new DomainError('SHAPE_MISMATCH', { reason: `${s.rows} subjects but ${o.rows} objects`, path: '/pairs' });
  if (s.rows < 2) throw new DomainError('INVALID_PARAMETER', { path: '/pairs', value: s.rows, reason: 'an affine map needs at least two fitting pairs' });
  if (!(ridge >= 0) || !Number.isFinite(ridge)) throw new DomainError('INVALID_PARAMETER', { path: '/ridge', value: ridge, reason: 'the ridge penalty is a finite number ≥ 0' });

  if (shrinkTo === 'identity' && s.cols !== o.cols) {
    throw new DomainError('SHAPE_MISMATCH', { reason: `shrinkTo "identity" needs subjects and objects of one dimension, not ${s.cols} and ${o.cols}`, path: '/shrinkTo' });
  }

  const sMean = columnMeans(s);
  const oMean = columnMeans(o);
  const sCentred = centre(s, sMean);
  const oCentred = centre(o, oMean);
  const target = shrinkTo === 'identity' ? subtract(oCentred, sCentred) : oCentred;

  const { s: sigma, u, v } = engine.svd(sCentred, 'thin');
  const tolerance = resolveTolerance(sigma, sCentred.rows, sCentred.cols, {}).tolerance;
  const rank = countAbove(sigma, ridge === 0 ? tolerance : 0);
  const shrink = Float64Array.from(sigma, (value, i) => (i < rank ? value / (value * value + ridge) : 0));

  // M = V·diag(shrink)·(Uᵀ·O_c), right to left so that no d×n matrix is formed.
  const projected = matmulTransposeA(u!, target);
  const map = matmul(v!, transpose(scaleColumns(transpose(projected), shrink)));
  if (shrinkTo === 'identity') for (let j = 0; j < s.cols; j++) map.data[j * s.cols + j]! += 1;

  const bias = new Float64Array(o.cols);
  const mappedMean = matmul({ rows: 1, cols: s.cols, data: sMean }, map);
  for (let j = 0; j < o.cols; j++) bias[j] = oMean[j]! - mappedMean.data[j]!;

  const spread = frobeniusNorm(oCentred);
  const error = frobeniusNorm(subtract(applyAffineMap({ map, bias }, s), o));
  return { map, bias, rank, relativeResidual: spread === 0 ? error : error / spread };
}

/** Maps each row s of `vectors` to s·M + b. */
export function applyAffineMap(fit: { map: Dense; bias: Float64Array }, vectors: Dense): Dense {
  const out = matmul(vectors, fit.map);
  for (let i = 0; i < out.rows; i++) for (let j = 0; j < out.cols; j++) out.data[i * out.cols + j]! += fit.bias[j]!;
  return out;
}

function columnMeans(a: Dense): Float64Array {
  const means = new Float64Array(a.cols);
  for (let i = 0; i < a.rows; i++) for (let j = 0; j < a.cols; j++) means[j]! += a.data[i * a.cols + j]!;
  for (let j = 0; j < a.cols; j++) means[j] = means[j]! / a.rows;
  return means;
}

function centre(a: Dense, means: Float64Array): Dense {
  const out = zeros(a.rows, a.cols);
  for (let i = 0; i < a.rows; i++) for (let j = 0; j < a.cols; j++) out.data[i * a.cols + j] = a.data[i * a.cols + j]! - means[j]!;
  return out;
}
