/**
 * The matrix wire format of requests and replies.
 *
 * A matrix is either a JSON array of rows of numbers, `[[1, 2], [3, 4]]`, or a binary form
 * `{ "shape": [m, n], "dtype": "float64" | "float32", "data": "<base64>" }` whose data is little-endian and
 * row-major. Vectors in the binary form have `shape: [n]`. Parsing rejects, with the JSON pointer of the offending
 * value: empty input, ragged rows, non-numbers, non-finite values, bad base64, a byte length that does not match
 * the shape, and more elements than the configured limit. Computation is always float64; float32 input is widened.
 */

import { endianness } from 'node:os';

import type { Dense } from '../compute/dense.js';
import { DomainError } from '../errors.js';

export type WireFormat = 'json' | 'base64';
export type Dtype = 'float64' | 'float32';

export interface BinaryArray {
  shape: number[];
  dtype: Dtype;
  data: string;
}

export interface ParsedMatrix {
  matrix: Dense;
  format: WireFormat;
  dtype: Dtype;
}

export interface ParseOptions {
  maxElements: number;
  /** Accept a flat array of numbers (or a binary `shape: [n]`) as a 1×n matrix. */
  allowVector?: boolean;
}

const BASE64_PATTERN = /^[A-Za-z0-9+/]*={0,2}$/;
const BYTES_PER_ELEMENT: Record<Dtype, number> = { float64: 8, float32: 4 };
const LITTLE_ENDIAN_HOST = endianness() === 'LE';

export function parseMatrix(value: unknown, path: string, options: ParseOptions): ParsedMatrix {
  if (Array.isArray(value)) return { matrix: parseRows(value, path, options), format: 'json', dtype: 'float64' };
  if (value !== null && typeof value === 'object') return parseBinary(value as Record<string, unknown>, path, options);
  if (value === undefined) throw new DomainError('INVALID_REQUEST', { path, reason: 'the matrix is missing' });
  throw new DomainError('INVALID_MATRIX', { path, value, reason: 'expected an array of rows of numbers or an object { shape, dtype, data }' });
}

function parseRows(rows: unknown[], path: string, options: ParseOptions): Dense {
  if (rows.length === 0) throw new DomainError('EMPTY_MATRIX', { path });

  if (options.allowVector && !Array.isArray(rows[0])) {
    checkElementCount(rows.length, path, options);
    const data = new Float64Array(rows.length);
    rows.forEach((entry, j) => (data[j] = checkedNumber(entry, `${path}/${j}`)));
    return { rows: 1, cols: rows.length, data };
  }

  const first = rows[0];
  if (!Array.isArray(first)) throw new DomainError('INVALID_MATRIX', { path: `${path}/0`, value: first, reason: 'each row must be an array of numbers' });
  const cols = first.length;
  if (cols === 0) throw new DomainError('EMPTY_MATRIX', { path: `${path}/0` });
  checkElementCount(rows.length * cols, path, options);

  const data = new Float64Array(rows.length * cols);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    if (!Array.isArray(row)) throw new DomainError('INVALID_MATRIX', { path: `${path}/${i}`, value: row, reason: 'each row must be an array of numbers' });
    if (row.length !== cols) throw new DomainError('RAGGED_MATRIX', { path, row: i, expected: cols, got: row.length });
    for (let j = 0; j < cols; j++) data[i * cols + j] = checkedNumber(row[j], `${path}/${i}/${j}`);
  }
  return { rows: rows.length, cols, data };
}

function checkedNumber(value: unknown, path: string): number {
  if (typeof value !== 'number') throw new DomainError('NOT_A_NUMBER', { path, value });
  // JSON has no literal for them, but a number such as 1e999 parses to Infinity.
  if (!Number.isFinite(value)) throw new DomainError('NON_FINITE_VALUE', { path, value: String(value) });
  return value;
}

function parseBinary(object: Record<string, unknown>, path: string, options: ParseOptions): ParsedMatrix {
  for (const key of Object.keys(object)) {
    if (key !== 'shape' && key !== 'dtype' && key !== 'data') {
      throw new DomainError('INVALID_MATRIX', { path: `${path}/${key}`, value: key, reason: `unknown property "${key}"; the binary form has shape, dtype and data` });
    }
  }

  const { shape, dtype = 'float64', data } = object;
  const allowedRanks = options.allowVector ? [1, 2] : [2];
  if (!Array.isArray(shape) || !allowedRanks.includes(shape.length) || !shape.every((d) => Number.isInteger(d) && (d as number) >= 0)) {
    const expected = options.allowVector ? '[n] or [m, n]' : '[m, n]';
    throw new DomainError('INVALID_MATRIX', { path: `${path}/shape`, value: shape, reason: `shape must be ${expected} with non-negative integers` });
  }
  if (dtype !== 'float64' && dtype !== 'float32') {
    throw new DomainError('INVALID_MATRIX', { path: `${path}/dtype`, value: dtype, reason: 'dtype must be "float64" or "float32"' });
  }
  if (typeof data !== 'string') throw new DomainError('INVALID_MATRIX', { path: `${path}/data`, value: data, reason: 'data must be a base64 string' });

  const [rows, cols] = shape.length === 1 ? [1, shape[0] as number] : [shape[0] as number, shape[1] as number];
  if (rows === 0 || cols === 0) throw new DomainError('EMPTY_MATRIX', { path });
  checkElementCount(rows * cols, path, options);

  if (data.length % 4 !== 0 || !BASE64_PATTERN.test(data)) throw new DomainError('INVALID_BASE64', { path: `${path}/data` });
  const bytes = Buffer.from(data, 'base64');
  const expectedBytes = rows * cols * BYTES_PER_ELEMENT[dtype];
  if (bytes.length !== expectedBytes) {
    throw new DomainError('DATA_LENGTH_MISMATCH', { path: `${path}/data`, shape, dtype, expected: expectedBytes, got: bytes.length });
  }

  const values = decode(bytes, dtype);
  for (let index = 0; index < values.length; index++) {
    if (!Number.isFinite(values[index]!)) {
      const row = Math.floor(index / cols);
      throw new DomainError('NON_FINITE_VALUE', { path: `${path}/data`, value: String(values[index]), row, col: index % cols });
    }
  }
  return { matrix: { rows, cols, data: values }, format: 'base64', dtype };
}

function checkElementCount(elements: number, path: string, options: ParseOptions): void {
  if (elements > options.maxElements) throw new DomainError('MATRIX_TOO_LARGE', { path, elements, limit: options.maxElements });
}

function decode(bytes: Buffer, dtype: Dtype): Float64Array {
  // Copy into a fresh, aligned buffer; Buffer.from(base64) may start at any offset of a shared pool.
  const aligned = new Uint8Array(bytes.length);
  aligned.set(bytes);
  if (!LITTLE_ENDIAN_HOST) swapBytes(aligned, BYTES_PER_ELEMENT[dtype]);
  if (dtype === 'float64') return new Float64Array(aligned.buffer);
  return Float64Array.from(new Float32Array(aligned.buffer));
}

function swapBytes(bytes: Uint8Array, width: number): void {
  for (let offset = 0; offset < bytes.length; offset += width) bytes.subarray(offset, offset + width).reverse();
}

/** Encodes a matrix in the reply format. A float32 reply whose values overflow float32 is sent as float64. */
export function encodeMatrix(matrix: Dense, format: WireFormat, dtype: Dtype): number[][] | BinaryArray {
  if (format === 'base64') return encodeBinary(matrix.data, [matrix.rows, matrix.cols], dtype);
  const rows: number[][] = [];
  for (let i = 0; i < matrix.rows; i++) rows.push(Array.from(matrix.data.subarray(i * matrix.cols, (i + 1) * matrix.cols)));
  return rows;
}

/** Encodes a vector (singular values, eigenvalues, residuals) in the reply format. */
export function encodeVector(values: ArrayLike<number>, format: WireFormat, dtype: Dtype): number[] | BinaryArray {
  if (format === 'base64') return encodeBinary(Float64Array.from(values), [values.length], dtype);
  return Array.from(values);
}

function encodeBinary(values: Float64Array, shape: number[], dtype: Dtype): BinaryArray {
  let typed: Float64Array | Float32Array = values;
  let sentDtype = dtype;
  if (dtype === 'float32') {
    const narrowed = Float32Array.from(values);
    if (narrowed.every(Number.isFinite)) typed = narrowed;
    else sentDtype = 'float64';
  }
  const bytes = new Uint8Array(typed.buffer.slice(typed.byteOffset, typed.byteOffset + typed.byteLength));
  if (!LITTLE_ENDIAN_HOST) swapBytes(bytes, typed.BYTES_PER_ELEMENT);
  return { shape, dtype: sentDtype, data: Buffer.from(bytes).toString('base64') };
}
