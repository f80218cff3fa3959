/**
 * Dense float64 matrices in row-major order, the one matrix type of the compute layer.
 *
 * Every function here is pure: inputs are never modified and results are new arrays.
 */

export interface Dense {
  rows: number;
  cols: number;
  /** Row-major values: element (i, j) is `data[i * cols + j]`. */
  data: Float64Array;
}

export const EPSILON = Number.EPSILON;

export function zeros(rows: number, cols: number): Dense {
  return { rows, cols, data: new Float64Array(rows * cols) };
}

export function identity(n: number, cols = n): Dense {
  const out = zeros(n, cols);
  for (let i = 0; i < Math.min(n, cols); i++) out.data[i * cols + i] = 1;
  return out;
}

export function fromRows(rows: readonly (readonly number[])[]): Dense {
  const m = rows.length;
  const n = m === 0 ? 0 : rows[0]!.length;
  const out = zeros(m, n);
  for (let i = 0; i < m; i++) out.data.set(rows[i]!, i * n);
  return out;
}

export function toRows(a: Dense): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < a.rows; i++) out.push(Array.from(a.data.subarray(i * a.cols, (i + 1) * a.cols)));
  return out;
}

export function transpose(a: Dense): Dense {
  const out = zeros(a.cols, a.rows);
  for (let i = 0; i < a.rows; i++) {
    for (let j = 0; j < a.cols; j++) out.data[j * a.rows + i] = a.data[i * a.cols + j]!;
  }
  return out;
}

/** Returns A·B for A: m×k and B: k×n. */
export function matmul(a: Dense, b: Dense): Dense {
  if (a.cols !== b.rows) throw new RangeError(`matmul: inner dimensions differ (${a.rows}×${a.cols} · ${b.rows}×${b.cols})`);
  const m = a.rows;
  const k = a.cols;
  const n = b.cols;
  const out = zeros(m, n);
  const c = out.data;
  for (let i = 0; i < m; i++) {
    const rowOffset = i * n;
    for (let p = 0; p < k; p++) {
      const aip = a.data[i * k + p]!;
      if (aip === 0) continue;
      const bOffset = p * n;
      for (let j = 0; j < n; j++) c[rowOffset + j]! += aip * b.data[bOffset + j]!;
    }
  }
  return out;
}

/** Returns Aᵀ·B for A: k×m and B: k×n, without forming Aᵀ. */
export function matmulTransposeA(a: Dense, b: Dense): Dense {
  if (a.rows !== b.rows) throw new RangeError(`matmulTransposeA: row counts differ (${a.rows} and ${b.rows})`);
  const m = a.cols;
  const n = b.cols;
  const out = zeros(m, n);
  const c = out.data;
  for (let p = 0; p < a.rows; p++) {
    for (let i = 0; i < m; i++) {
      const api = a.data[p * m + i]!;
      if (api === 0) continue;
      const rowOffset = i * n;
      const bOffset = p * n;
      for (let j = 0; j < n; j++) c[rowOffset + j]! += api * b.data[bOffset + j]!;
    }
  }
  return out;
}

/** Returns the first `count` columns of A. */
export function leadingColumns(a: Dense, count: number): Dense {
  return columnRange(a, 0, count);
}

/** Returns columns `start` (inclusive) to `end` (exclusive) of A. */
export function columnRange(a: Dense, start: number, end: number): Dense {
  const width = end - start;
  const out = zeros(a.rows, width);
  for (let i = 0; i < a.rows; i++) {
    out.data.set(a.data.subarray(i * a.cols + start, i * a.cols + end), i * width);
  }
  return out;
}

/** Returns rows `start` (inclusive) to `end` (exclusive) of A. */
export function rowRange(a: Dense, start: number, end: number): Dense {
  return { rows: end - start, cols: a.cols, data: a.data.slice(start * a.cols, end * a.cols) };
}

export function frobeniusNorm(a: Dense): number {
  // Scaled accumulation, as LAPACK's dlange/dnrm2 do, so that entries near 1e±200 neither overflow nor underflow.
  let scale = 0;
  let sumSquares = 1;
  for (const value of a.data) {
    if (value === 0) continue;
    const magnitude = Math.abs(value);
    if (scale < magnitude) {
      sumSquares = 1 + sumSquares * (scale / magnitude) ** 2;
      scale = magnitude;
    } else {
      sumSquares += (magnitude / scale) ** 2;
    }
  }
  return scale * Math.sqrt(sumSquares);
}

export function maxAbs(a: Dense): number {
  let max = 0;
  for (const value of a.data) max = Math.max(max, Math.abs(value));
  return max;
}

export function isZero(a: Dense): boolean {
  for (const value of a.data) if (value !== 0) return false;
  return true;
}

export function scale(a: Dense, factor: number): Dense {
  const out = zeros(a.rows, a.cols);
  for (let i = 0; i < a.data.length; i++) out.data[i] = a.data[i]! * factor;
  return out;
}

export function subtract(a: Dense, b: Dense): Dense {
  const out = zeros(a.rows, a.cols);
  for (let i = 0; i < a.data.length; i++) out.data[i] = a.data[i]! - b.data[i]!;
  return out;
}

/** Returns max |QᵀQ − I| over all entries, the orthogonality error of the columns of Q. */
export function orthogonalityError(q: Dense): number {
  if (q.cols === 0) return 0;
  const gram = matmulTransposeA(q, q);
  let error = 0;
  for (let i = 0; i < gram.rows; i++) {
    for (let j = 0; j < gram.cols; j++) {
      error = Math.max(error, Math.abs(gram.data[i * gram.cols + j]! - (i === j ? 1 : 0)));
    }
  }
  return error;
}

/** Returns ‖A − B‖_F / ‖A‖_F, or the absolute error when A is zero. */
export function relativeError(a: Dense, b: Dense): number {
  const reference = frobeniusNorm(a);
  const difference = frobeniusNorm(subtract(a, b));
  return reference === 0 ? difference : difference / reference;
}

/** Returns A·diag(d), scaling column j of A by d[j]. */
export function scaleColumns(a: Dense, d: ArrayLike<number>): Dense {
  const out = zeros(a.rows, a.cols);
  for (let i = 0; i < a.rows; i++) {
    for (let j = 0; j < a.cols; j++) out.data[i * a.cols + j] = a.data[i * a.cols + j]! * d[j]!;
  }
  return out;
}

/**
 * Relative distance from a column's largest magnitude within which entries count as tied for the sign rule.
 * Engines round differently, so entries equal in exact arithmetic, such as ±1/√2, can come out an ulp apart in
 * either order. A tolerance well above rounding keeps the choice the same for every engine.
 */
export const SIGN_TIE_TOLERANCE = 1e-12;

/**
 * Flips the sign of column j of `leading` and of each matrix in `followers` so that the entry of largest magnitude
 * in column j of `leading` is positive. On ties (within SIGN_TIE_TOLERANCE relative) the first such entry decides.
 * Flipping followers with it keeps products such as U·Σ·Vᵀ unchanged. Modifies the matrices in place.
 */
export function normalizeColumnSigns(leading: Dense, followers: Dense[], columns = leading.cols): void {
  // Row-major sweeps rather than one column at a time, which strides through memory and dominated large SVDs.
  const width = leading.cols;
  const largest = new Float64Array(columns);
  for (let i = 0; i < leading.rows; i++) {
    for (let j = 0; j < columns; j++) largest[j] = Math.max(largest[j]!, Math.abs(leading.data[i * width + j]!));
  }

  // Sign of the first entry within the tie tolerance of the largest magnitude, 0 while none has been seen.
  const decidingSign = new Float64Array(columns);
  for (let i = 0; i < leading.rows; i++) {
    for (let j = 0; j < columns; j++) {
      if (decidingSign[j] !== 0) continue;
      const value = leading.data[i * width + j]!;
      if (Math.abs(value) >= largest[j]! * (1 - SIGN_TIE_TOLERANCE)) decidingSign[j] = value < 0 ? -1 : 1;
    }
  }

  for (const matrix of [leading, ...followers]) {
    for (let i = 0; i < matrix.rows; i++) {
      for (let j = 0; j < columns; j++) {
        if (decidingSign[j] === -1) matrix.data[i * matrix.cols + j] = -matrix.data[i * matrix.cols + j]!;
      }
    }
  }
}

/** Replaces each −0 by +0, so that replies never show a signed zero. Modifies in place. */
export function clearNegativeZeros(a: Dense): Dense {
  for (let i = 0; i < a.data.length; i++) if (a.data[i] === 0) a.data[i] = 0;
  return a;
}
