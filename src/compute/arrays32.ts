/**
 * Float32 arrays of the TensorFlow.js kernels: dense matrices and N-D arrays, row-major.
 */

/** A row-major float32 matrix: element (i, j) is `data[i * cols + j]`. */
export interface Dense32 {
  rows: number;
  cols: number;
  data: Float32Array;
}

/** A row-major float32 array of any rank; `data.length` is the product of `shape`. */
export interface NdArray32 {
  shape: number[];
  data: Float32Array;
}

export function shapeSize(shape: readonly number[]): number {
  let size = 1;
  for (const dimension of shape) size *= dimension;
  return size;
}

/** Formats a shape as `[2, 3, 4]` for error messages. */
export function showShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

export function transpose32(a: Dense32): Dense32 {
  const out = new Float32Array(a.data.length);
  for (let i = 0; i < a.rows; i++) {
    for (let j = 0; j < a.cols; j++) out[j * a.rows + i] = a.data[i * a.cols + j]!;
  }
  return { rows: a.cols, cols: a.rows, data: out };
}

/** Returns the index of the first non-finite value, or −1 when all are finite. */
export function firstNonFinite(values: Float32Array): number {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i]!)) return i;
  return -1;
}
