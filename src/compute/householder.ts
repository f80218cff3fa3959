/**
 * Householder QR factorisation with optional column pivoting, the building block of the JavaScript engine's QR,
 * least squares and tall-matrix SVD.
 *
 * The factors are kept in LAPACK's compact form (dgeqrf / dgeqp3): column-major, R on and above the diagonal, the
 * reflector vectors v (with an implicit leading 1) below it, and one scalar tau per reflector, so that
 * Q = H₀·H₁·…·H_{k−1} with Hᵢ = I − τᵢ·vᵢ·vᵢᵀ.
 */

import { type Dense, EPSILON, zeros } from './dense.js';

export interface HouseholderFactors {
  rows: number;
  cols: number;
  /** Column-major compact storage: R on and above the diagonal, reflector tails below it. */
  packed: Float64Array;
  tau: Float64Array;
  /** Column permutation: column j of A·P is column `permutation[j]` of A. Identity without pivoting. */
  permutation: Int32Array;
}

/** Factors A (m×n) as A·P = Q·R. With `pivoting`, each step takes the remaining column of largest norm. */
export function householderQr(a: Dense, pivoting: boolean): HouseholderFactors {
  const m = a.rows;
  const n = a.cols;
  const packed = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) packed[j * m + i] = a.data[i * n + j]!;
  }

  const steps = Math.min(m, n);
  const tau = new Float64Array(steps);
  const permutation = Int32Array.from({ length: n }, (_, j) => j);

  // Partial column norms for pivoting, downdated after each step and recomputed when cancellation makes the
  // downdate unreliable (the rule of LAPACK's dlaqp2).
  const partialNorms = new Float64Array(n);
  const referenceNorms = new Float64Array(n);
  if (pivoting) {
    for (let j = 0; j < n; j++) {
      partialNorms[j] = columnNorm(packed, m, j, 0);
      referenceNorms[j] = partialNorms[j]!;
    }
  }
  const downdateThreshold = Math.sqrt(EPSILON);

  for (let k = 0; k < steps; k++) {
    if (pivoting) {
      let pivot = k;
      for (let j = k + 1; j < n; j++) if (partialNorms[j]! > partialNorms[pivot]!) pivot = j;
      if (pivot !== k) {
        swapColumns(packed, m, k, pivot);
        [partialNorms[k], partialNorms[pivot]] = [partialNorms[pivot]!, partialNorms[k]!];
        [referenceNorms[k], referenceNorms[pivot]] = [referenceNorms[pivot]!, referenceNorms[k]!];
        [permutation[k], permutation[pivot]] = [permutation[pivot]!, permutation[k]!];
      }
    }

    tau[k] = makeReflector(packed, m, k);
    applyReflectorToColumns(packed, m, k, tau[k]!, k + 1, n);

    if (pivoting) {
      for (let j = k + 1; j < n; j++) {
        if (partialNorms[j] === 0) continue;
        const ratio = Math.abs(packed[j * m + k]!) / partialNorms[j]!;
        const factor = Math.max(0, (1 + ratio) * (1 - ratio));
        const drift = factor * (partialNorms[j]! / referenceNorms[j]!) ** 2;
        if (drift <= downdateThreshold) {
          partialNorms[j] = columnNorm(packed, m, j, k + 1);
          referenceNorms[j] = partialNorms[j]!;
        } else {
          partialNorms[j] = partialNorms[j]! * Math.sqrt(factor);
        }
      }
    }
  }

  return { rows: m, cols: n, packed, tau, permutation };
}

/** Returns R (rowCount×n, upper trapezoidal) from the factors; rowCount is min(m, n) or m. */
export function extractR(factors: HouseholderFactors, rowCount: number): Dense {
  const { rows: m, cols: n, packed } = factors;
  const r = zeros(rowCount, n);
  for (let i = 0; i < Math.min(rowCount, m); i++) {
    for (let j = i; j < n; j++) r.data[i * n + j] = packed[j * m + i]!;
  }
  return r;
}

/**
 * Returns Q·B for B: m×p given column-major as `b` (modified in place and returned), applying the reflectors in
 * reverse order. With B = the first p columns of I this forms those columns of Q.
 */
export function applyQ(factors: HouseholderFactors, b: Float64Array, p: number): Float64Array {
  const m = factors.rows;
  for (let k = factors.tau.length - 1; k >= 0; k--) {
    const tauK = factors.tau[k]!;
    if (tauK === 0) continue;
    for (let j = 0; j < p; j++) {
      const offset = j * m;
      let dot = b[offset + k]!;
      for (let i = k + 1; i < m; i++) dot += factors.packed[k * m + i]! * b[offset + i]!;
      const update = tauK * dot;
      b[offset + k]! -= update;
      for (let i = k + 1; i < m; i++) b[offset + i]! -= update * factors.packed[k * m + i]!;
    }
  }
  return b;
}

/** Returns Qᵀ·B for B: m×p given column-major as `b` (modified in place and returned). */
export function applyQTranspose(factors: HouseholderFactors, b: Float64Array, p: number): Float64Array {
  const m = factors.rows;
  for (let k = 0; k < factors.tau.length; k++) {
    const tauK = factors.tau[k]!;
    if (tauK === 0) continue;
    for (let j = 0; j < p; j++) {
      const offset = j * m;
      let dot = b[offset + k]!;
      for (let i = k + 1; i < m; i++) dot += factors.packed[k * m + i]! * b[offset + i]!;
      const update = tauK * dot;
      b[offset + k]! -= update;
      for (let i = k + 1; i < m; i++) b[offset + i]! -= update * factors.packed[k * m + i]!;
    }
  }
  return b;
}

/** Returns the first `count` columns of Q as a row-major m×count matrix. */
export function formQ(factors: HouseholderFactors, count: number): Dense {
  const m = factors.rows;
  const columnMajor = new Float64Array(m * count);
  for (let j = 0; j < Math.min(m, count); j++) columnMajor[j * m + j] = 1;
  applyQ(factors, columnMajor, count);
  return columnMajorToDense(columnMajor, m, count);
}

export function columnMajorToDense(columnMajor: Float64Array, rows: number, cols: number): Dense {
  const out = zeros(rows, cols);
  for (let j = 0; j < cols; j++) {
    for (let i = 0; i < rows; i++) out.data[i * cols + j] = columnMajor[j * rows + i]!;
  }
  return out;
}

export function denseToColumnMajor(a: Dense): Float64Array {
  const out = new Float64Array(a.rows * a.cols);
  for (let i = 0; i < a.rows; i++) {
    for (let j = 0; j < a.cols; j++) out[j * a.rows + i] = a.data[i * a.cols + j]!;
  }
  return out;
}

/**
 * Turns column k (rows k…m−1) into a Householder reflector in place, as LAPACK's dlarfg does: the column becomes
 * β followed by the tail of v, and the function returns τ. A column that is already zero below the diagonal
 * gives τ = 0 (H = I), so a zero pivot never divides by zero.
 */
function makeReflector(packed: Float64Array, m: number, k: number): number {
  const offset = k * m;
  const alpha = packed[offset + k]!;
  const tailNorm = columnNorm(packed, m, k, k + 1);
  if (tailNorm === 0) return 0;

  const beta = -Math.sign(alpha || 1) * Math.hypot(alpha, tailNorm);
  const inverse = 1 / (alpha - beta);
  for (let i = k + 1; i < m; i++) packed[offset + i]! *= inverse;
  packed[offset + k] = beta;
  return (beta - alpha) / beta;
}

function applyReflectorToColumns(packed: Float64Array, m: number, k: number, tauK: number, from: number, to: number): void {
  if (tauK === 0) return;
  const reflectorOffset = k * m;
  for (let j = from; j < to; j++) {
    const offset = j * m;
    let dot = packed[offset + k]!;
    for (let i = k + 1; i < m; i++) dot += packed[reflectorOffset + i]! * packed[offset + i]!;
    const update = tauK * dot;
    packed[offset + k]! -= update;
    for (let i = k + 1; i < m; i++) packed[offset + i]! -= update * packed[reflectorOffset + i]!;
  }
}

function columnNorm(packed: Float64Array, m: number, j: number, fromRow: number): number {
  let scaleFactor = 0;
  let sumSquares = 1;
  for (let i = fromRow; i < m; i++) {
    const magnitude = Math.abs(packed[j * m + i]!);
    if (magnitude === 0) continue;
    if (scaleFactor < magnitude) {
      sumSquares = 1 + sumSquares * (scaleFactor / magnitude) ** 2;
      scaleFactor = magnitude;
    } else {
      sumSquares += (magnitude / scaleFactor) ** 2;
    }
  }
  return scaleFactor * Math.sqrt(sumSquares);
}

function swapColumns(packed: Float64Array, m: number, a: number, b: number): void {
  for (let i = 0; i < m; i++) {
    const t = packed[a * m + i]!;
    packed[a * m + i] = packed[b * m + i]!;
    packed[b * m + i] = t;
  }
}
