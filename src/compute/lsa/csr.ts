/**
 * Sparse matrices in compressed sparse row (CSR) form, and their products with dense matrices.
 *
 * Row i holds the entries `data[p]` at columns `indices[p]` for p from `indptr[i]` to `indptr[i + 1]` (exclusive),
 * with columns strictly increasing inside a row and no stored zeros, the layout of scipy.sparse.csr_matrix. Products
 * touch only the stored entries, so they cost O(nnz · width) and never form the dense m×n matrix.
 */

import { type Dense, zeros } from '../dense.js';

export interface Csr {
  rows: number;
  cols: number;
  /** rows + 1 offsets into `indices` and `data`; `indptr[rows]` is the number of stored entries. */
  indptr: Int32Array;
  indices: Int32Array;
  data: Float64Array;
}

/** Number of stored (non-zero) entries. */
export function nnz(a: Csr): number {
  return a.indptr[a.rows]!;
}

/** Converts a dense matrix, dropping exact zeros. */
export function csrFromDense(a: Dense): Csr {
  let count = 0;
  for (const value of a.data) if (value !== 0) count++;

  const indptr = new Int32Array(a.rows + 1);
  const indices = new Int32Array(count);
  const data = new Float64Array(count);
  let p = 0;
  for (let i = 0; i < a.rows; i++) {
    for (let j = 0; j < a.cols; j++) {
      const value = a.data[i * a.cols + j]!;
      if (value === 0) continue;
      indices[p] = j;
      data[p] = value;
      p++;
    }
    indptr[i + 1] = p;
  }
  return { rows: a.rows, cols: a.cols, indptr, indices, data };
}

/** Expands to a dense matrix; meant for tests and small inputs only. */
export function csrToDense(a: Csr): Dense {
  const out = zeros(a.rows, a.cols);
  for (let i = 0; i < a.rows; i++) {
    for (let p = a.indptr[i]!; p < a.indptr[i + 1]!; p++) out.data[i * a.cols + a.indices[p]!] = a.data[p]!;
  }
  return out;
}

/** Returns A·B for A: m×n sparse and B: n×l dense, as an m×l dense matrix. */
export function csrMultiply(a: Csr, b: Dense): Dense {
  if (a.cols !== b.rows) throw new RangeError(`csrMultiply: inner dimensions differ (${a.rows}×${a.cols} · ${b.rows}×${b.cols})`);
  const l = b.cols;
  const out = zeros(a.rows, l);
  for (let i = 0; i < a.rows; i++) {
    const rowOffset = i * l;
    for (let p = a.indptr[i]!; p < a.indptr[i + 1]!; p++) {
      const value = a.data[p]!;
      const bOffset = a.indices[p]! * l;
      for (let c = 0; c < l; c++) out.data[rowOffset + c]! += value * b.data[bOffset + c]!;
    }
  }
  return out;
}

/** Returns Aᵀ·B for A: m×n sparse and B: m×l dense, as an n×l dense matrix, without forming Aᵀ. */
export function csrMultiplyTransposed(a: Csr, b: Dense): Dense {
  if (a.rows !== b.rows) throw new RangeError(`csrMultiplyTransposed: row counts differ (${a.rows} and ${b.rows})`);
  const l = b.cols;
  const out = zeros(a.cols, l);
  for (let i = 0; i < a.rows; i++) {
    const bOffset = i * l;
    for (let p = a.indptr[i]!; p < a.indptr[i + 1]!; p++) {
      const value = a.data[p]!;
      const outOffset = a.indices[p]! * l;
      for (let c = 0; c < l; c++) out.data[outOffset + c]! += value * b.data[bOffset + c]!;
    }
  }
  return out;
}
