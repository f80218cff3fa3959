/**
 * Inner products, norms, distances and angles of two vectors x, y ∈ ℝⁿ, and the same for two m×n matrices with the
 * Frobenius inner product ⟨A, B⟩_F = Σ a_ij·b_ij = trace(Aᵀ·B) (the matrices are compared as vectors of their entries).
 *
 * The angle uses Kahan's formula θ = 2·atan2(‖x̂ − ŷ‖, ‖x̂ + ŷ‖) on the unit vectors, which stays accurate for nearly
 * parallel vectors, where arccos of the cosine loses half the digits. Cosine and angle are null for a zero vector.
 * A value that overflows float64 (a dot product of entries near 1e200) is null, never Infinity.
 */

import { DomainError } from '../errors.js';
import { vectorNorm } from './span.js';

export interface VectorNorms {
  l1: number | null;
  l2: number | null;
  inf: number;
}

export interface InnerProductsResult {
  dot: number | null;
  cosine: number | null;
  /** Radians in [0, π]. */
  angle: number | null;
  angleDegrees: number | null;
  norms: { x: VectorNorms; y: VectorNorms };
  distances: {
    euclidean: number | null;
    manhattan: number | null;
    chebyshev: number | null;
    /** 1 − cosine, in [0, 2]. */
    cosine: number | null;
  };
  /** With weights w: ⟨x, y⟩_w = Σ w_i·x_i·y_i, and the norms and cosine it induces. */
  weighted?: { inner: number | null; normX: number | null; normY: number | null; cosine: number | null; distance: number | null };
}

/**
 * Computes every inner-product quantity of x and y (same length; the caller checks it). Weights, when given, must
 * all be positive and finite, so that ⟨·,·⟩_w is an inner product (INVALID_PARAMETER names the first bad weight).
 */
export function innerProducts(x: Float64Array, y: Float64Array, weights?: Float64Array, weightsPath = '/weights'): InnerProductsResult {
  if (weights) {
    const bad = weights.findIndex((w) => !(w > 0));
    if (bad >= 0) {
      throw new DomainError('INVALID_PARAMETER', { path: `${weightsPath}/${bad}`, value: weights[bad], reason: 'every weight must be positive, so that the weighted product is an inner product' });
    }
  }

  const normX = vectorNorm(x);
  const normY = vectorNorm(y);
  const difference = x.map((value, i) => value - y[i]!);
  const cosine = cosineOf(x, y, normX, normY);
  const angle = angleBetween(x, y, normX, normY);

  const result: InnerProductsResult = {
    dot: finite(dot(x, y)),
    cosine,
    angle,
    angleDegrees: angle === null ? null : (angle * 180) / Math.PI,
    norms: { x: norms(x, normX), y: norms(y, normY) },
    distances: {
      euclidean: finite(vectorNorm(difference)),
      manhattan: finite(sumAbs(difference)),
      chebyshev: finite(maxAbs(difference)),
      cosine: cosine === null ? null : 1 - cosine,
    },
  };

  if (weights) {
    const root = weights.map(Math.sqrt);
    const wx = x.map((value, i) => value * root[i]!);
    const wy = y.map((value, i) => value * root[i]!);
    const weightedNormX = vectorNorm(wx);
    const weightedNormY = vectorNorm(wy);
    result.weighted = {
      inner: finite(dot(wx, wy)),
      normX: finite(weightedNormX),
      normY: finite(weightedNormY),
      cosine: cosineOf(wx, wy, weightedNormX, weightedNormY),
      distance: finite(vectorNorm(wx.map((value, i) => value - wy[i]!))),
    };
  }
  return result;
}

/** Cosine computed on the unit vectors, so it cannot overflow; clipped to [−1, 1]; null for a zero vector. */
export function cosineOf(x: Float64Array, y: Float64Array, normX = vectorNorm(x), normY = vectorNorm(y)): number | null {
  if (normX === 0 || normY === 0) return null;
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += (x[i]! / normX) * (y[i]! / normY);
  return Math.max(-1, Math.min(1, sum));
}

/** Kahan's angle formula 2·atan2(‖x̂ − ŷ‖, ‖x̂ + ŷ‖); null for a zero vector. */
export function angleBetween(x: Float64Array, y: Float64Array, normX = vectorNorm(x), normY = vectorNorm(y)): number | null {
  if (normX === 0 || normY === 0) return null;
  const minus = new Float64Array(x.length);
  const plus = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    minus[i] = x[i]! / normX - y[i]! / normY;
    plus[i] = x[i]! / normX + y[i]! / normY;
  }
  return 2 * Math.atan2(vectorNorm(minus), vectorNorm(plus));
}

export function dot(x: Float64Array, y: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += x[i]! * y[i]!;
  return sum;
}

function norms(x: Float64Array, l2: number): VectorNorms {
  return { l1: finite(sumAbs(x)), l2: finite(l2), inf: maxAbs(x) };
}

function sumAbs(x: Float64Array): number {
  let sum = 0;
  for (const value of x) sum += Math.abs(value);
  return sum;
}

function maxAbs(x: Float64Array): number {
  let max = 0;
  for (const value of x) max = Math.max(max, Math.abs(value));
  return max;
}

function finite(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}
