/**
 * The N-D array wire format of the attention endpoints, and attention masks.
 *
 * An N-D array is either nested JSON arrays of numbers of any rank, `[[[1, 2]], [[3, 4]]]` for shape [2, 1, 2], or
 * the binary form of the matrix wire format with a shape of any rank, `{ "shape": [...], "dtype": "float64" |
 * "float32", "data": "<base64>" }`, little-endian and row-major. Values are read as float32 (the attention kernels
 * compute in float32). Parsing rejects empty dimensions, ragged nesting, non-numbers, non-finite values and more
 * elements than MAX_MATRIX_ELEMENTS, with the JSON pointer of the offending value.
 *
 * A mask is `{ "kind": "allow" | "block", "values": <nested booleans> }` or `{ "kind": "additive", "values":
 * <nested numbers, "-inf" for −Infinity, or the binary form> }`. "allow": true means the key takes part (PyTorch's
 * boolean attn_mask); "block": true means the key is masked (PyTorch's key_padding_mask). "additive" values are
 * added to the scaled scores. A bare array without a kind is rejected, because the two boolean conventions are
 * opposite and a guess would silently invert the mask.
 */

import { endianness } from 'node:os';

import type { NdArray32 } from '../compute/arrays32.js';
import type { AdditiveMask } from '../compute/attention-masks.js';
import { DomainError } from '../errors.js';
import type { BinaryArray, WireFormat } from './matrix-wire.js';

export type MaskKind = 'allow' | 'block' | 'additive';

export const MASK_KINDS: readonly MaskKind[] = ['allow', 'block', 'additive'];

export interface ParsedNdArray {
  array: NdArray32;
  format: WireFormat;
}

const LITTLE_ENDIAN_HOST = endianness() === 'LE';
const BASE64_PATTERN = /^[A-Za-z0-9+/]*={0,2}$/;

type Leaf = (value: unknown, path: string) => number;

const FLOAT32_MAX = 3.4028234663852886e38;

const numberLeaf: Leaf = (value, path) => {
  if (typeof value !== 'number') throw new DomainError('NOT_A_NUMBER', { path, value });
  if (!Number.isFinite(value)) throw new DomainError('NON_FINITE_VALUE', { path, value: String(value) });
  if (Math.abs(value) > FLOAT32_MAX) throw outOfFloat32Range(path, value);
  return value;
};

function outOfFloat32Range(path: string, value: number): DomainError {
  return new DomainError('INVALID_PARAMETER', { path, value, reason: `it is outside the float32 range (±${FLOAT32_MAX}) in which this operation computes` });
}

/** Narrows float64 values to float32, rejecting values beyond the float32 range. */
export function toFloat32(values: Float64Array, path: string): Float32Array {
  const out = Float32Array.from(values);
  for (let index = 0; index < out.length; index++) {
    if (!Number.isFinite(out[index]!)) throw outOfFloat32Range(`${path} (element ${index})`, values[index]!);
  }
  return out;
}

export function parseNdArray(value: unknown, path: string, maxElements: number): ParsedNdArray {
  if (value === undefined) throw new DomainError('INVALID_REQUEST', { path, reason: 'the array is missing' });
  if (Array.isArray(value)) return { array: parseNested(value, path, maxElements, numberLeaf), format: 'json' };
  if (value !== null && typeof value === 'object') return { array: parseBinary(value as Record<string, unknown>, path, maxElements, false), format: 'base64' };
  throw new DomainError('INVALID_MATRIX', { path, value, reason: 'expected nested arrays of numbers or an object { shape, dtype, data }' });
}

/** Parses a mask into its additive form: 0 where a key takes part, −Infinity where it is masked. */
export function parseMask(value: unknown, path: string, maxElements: number): AdditiveMask & { kind: MaskKind } {
  if (Array.isArray(value) || value === null || typeof value !== 'object') {
    throw new DomainError('INVALID_PARAMETER', {
      path,
      value: Array.isArray(value) ? '[...]' : value,
      reason: 'a mask needs an explicit kind: { "kind": "allow", "values": [...] } (true = attend), { "kind": "block", "values": [...] } (true = masked) or { "kind": "additive", "values": [...] }',
    });
  }
  const { kind, values, ...rest } = value as Record<string, unknown>;
  const unknown = Object.keys(rest)[0];
  if (unknown !== undefined) throw new DomainError('INVALID_PARAMETER', { path: `${path}/${unknown}`, value: unknown, reason: 'a mask has only the properties kind and values' });
  if (typeof kind !== 'string' || !(MASK_KINDS as readonly string[]).includes(kind)) {
    throw new DomainError('INVALID_PARAMETER', { path: `${path}/kind`, value: kind ?? null, reason: 'the mask kind must be "allow", "block" or "additive"' });
  }
  const valuesPath = `${path}/values`;
  if (values === undefined) throw new DomainError('INVALID_REQUEST', { path: valuesPath, reason: 'the mask values are missing' });

  let parsed: NdArray32;
  if (kind === 'additive') {
    parsed = Array.isArray(values) ? parseNested(values, valuesPath, maxElements, additiveLeaf) : parseBinaryOrReject(values, valuesPath, maxElements);
  } else {
    if (!Array.isArray(values)) throw new DomainError('INVALID_PARAMETER', { path: valuesPath, value: values, reason: `a mask of kind "${kind}" takes nested arrays of booleans` });
    const blocked = kind === 'allow' ? false : true;
    parsed = parseNested(values, valuesPath, maxElements, (leaf, leafPath) => {
      if (typeof leaf !== 'boolean') throw new DomainError('INVALID_PARAMETER', { path: leafPath, value: leaf, reason: `a mask of kind "${kind}" takes booleans (true = ${kind === 'allow' ? 'attend' : 'masked'})` });
      return leaf === blocked ? -Infinity : 0;
    });
  }
  return { kind: kind as MaskKind, path, shape: parsed.shape, values: parsed.data };
}

const additiveLeaf: Leaf = (value, path) => {
  if (value === '-inf') return -Infinity;
  if (typeof value !== 'number') throw new DomainError('INVALID_PARAMETER', { path, value, reason: 'an additive mask takes numbers, or the string "-inf" for −Infinity' });
  if (!Number.isFinite(value)) throw new DomainError('NON_FINITE_VALUE', { path, value: String(value) });
  return value;
};

function parseBinaryOrReject(value: unknown, path: string, maxElements: number): NdArray32 {
  if (value === null || typeof value !== 'object') {
    throw new DomainError('INVALID_PARAMETER', { path, value, reason: 'an additive mask takes nested arrays of numbers or the binary form { shape, dtype, data }' });
  }
  return parseBinary(value as Record<string, unknown>, path, maxElements, true);
}

function parseNested(value: unknown[], path: string, maxElements: number, leaf: Leaf): NdArray32 {
  const shape: number[] = [];
  let probe: unknown = value;
  while (Array.isArray(probe)) {
    if (probe.length === 0) throw new DomainError('EMPTY_MATRIX', { path });
    shape.push(probe.length);
    probe = probe[0];
  }
  const elements = shape.reduce((product, dimension) => product * dimension, 1);
  if (elements > maxElements) throw new DomainError('MATRIX_TOO_LARGE', { path, elements, limit: maxElements });

  const data = new Float32Array(elements);
  let offset = 0;
  const walk = (node: unknown, depth: number, at: string): void => {
    if (depth === shape.length) {
      if (Array.isArray(node)) throw new DomainError('INVALID_MATRIX', { path: at, value: '[...]', reason: `expected a value at depth ${depth}, as in the first entry, found an array` });
      data[offset++] = leaf(node, at);
      return;
    }
    if (!Array.isArray(node)) throw new DomainError('INVALID_MATRIX', { path: at, value: node, reason: `expected an array at depth ${depth}, as in the first entry` });
    if (node.length !== shape[depth]) throw new DomainError('INVALID_MATRIX', { path: at, value: `${node.length} entries`, reason: `expected ${shape[depth]} entries, as the first array at this depth has (shape [${shape.join(', ')}])` });
    for (let index = 0; index < node.length; index++) walk(node[index], depth + 1, `${at}/${index}`);
  };
  walk(value, 0, path);
  return { shape, data };
}

function parseBinary(object: Record<string, unknown>, path: string, maxElements: number, allowNegativeInfinity: boolean): NdArray32 {
  for (const key of Object.keys(object)) {
    if (key !== 'shape' && key !== 'dtype' && key !== 'data') {
      throw new DomainError('INVALID_MATRIX', { path: `${path}/${key}`, value: key, reason: `unknown property "${key}"; the binary form has shape, dtype and data` });
    }
  }
  const { shape, dtype = 'float64', data } = object;
  if (!Array.isArray(shape) || shape.length === 0 || !shape.every((d) => Number.isInteger(d) && (d as number) >= 0)) {
    throw new DomainError('INVALID_MATRIX', { path: `${path}/shape`, value: shape, reason: 'shape must be a non-empty array of non-negative integers' });
  }
  if (dtype !== 'float64' && dtype !== 'float32') throw new DomainError('INVALID_MATRIX', { path: `${path}/dtype`, value: dtype, reason: 'dtype must be "float64" or "float32"' });
  if (typeof data !== 'string') throw new DomainError('INVALID_MATRIX', { path: `${path}/data`, value: data, reason: 'data must be a base64 string' });

  const dims = shape as number[];
  const elements = dims.reduce((product, dimension) => product * dimension, 1);
  if (elements === 0) throw new DomainError('EMPTY_MATRIX', { path });
  if (elements > maxElements) throw new DomainError('MATRIX_TOO_LARGE', { path, elements, limit: maxElements });
  if (data.length % 4 !== 0 || !BASE64_PATTERN.test(data)) throw new DomainError('INVALID_BASE64', { path: `${path}/data` });

  const width = dtype === 'float64' ? 8 : 4;
  const bytes = Buffer.from(data, 'base64');
  if (bytes.length !== elements * width) throw new DomainError('DATA_LENGTH_MISMATCH', { path: `${path}/data`, shape: dims, dtype, expected: elements * width, got: bytes.length });

  // Copy into a fresh, aligned buffer; Buffer.from(base64) may start at any offset of a shared pool.
  const aligned = new Uint8Array(bytes.length);
  aligned.set(bytes);
  if (!LITTLE_ENDIAN_HOST) for (let at = 0; at < aligned.length; at += width) aligned.subarray(at, at + width).reverse();
  const wide = dtype === 'float64' ? new Float64Array(aligned.buffer) : new Float32Array(aligned.buffer);
  for (let index = 0; index < wide.length; index++) {
    const entry = wide[index]!;
    if (Number.isFinite(entry)) {
      if (Math.abs(entry) > FLOAT32_MAX) throw outOfFloat32Range(`${path}/data (element ${index})`, entry);
      continue;
    }
    if (allowNegativeInfinity && entry === -Infinity) continue;
    throw new DomainError('NON_FINITE_VALUE', { path: `${path}/data`, value: String(entry), index });
  }
  const values = wide instanceof Float32Array ? wide : Float32Array.from(wide);
  return { shape: dims, data: values };
}

/** Encodes an N-D float32 array as nested JSON arrays or the binary form (dtype float32). */
export function encodeNdArray(array: NdArray32, format: WireFormat): unknown {
  if (format === 'base64') return encodeBinary32(array.data, array.shape);
  const build = (depth: number, offset: number): unknown => {
    const size = array.shape[depth]!;
    if (depth === array.shape.length - 1) return Array.from(array.data.subarray(offset, offset + size));
    const stride = array.shape.slice(depth + 1).reduce((product, dimension) => product * dimension, 1);
    return Array.from({ length: size }, (_, index) => build(depth + 1, offset + index * stride));
  };
  return build(0, 0);
}

/** Encodes float32 values in the binary form, little-endian. */
export function encodeBinary32(values: Float32Array, shape: number[]): BinaryArray {
  const bytes = new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength));
  if (!LITTLE_ENDIAN_HOST) for (let at = 0; at < bytes.length; at += 4) bytes.subarray(at, at + 4).reverse();
  return { shape, dtype: 'float32', data: Buffer.from(bytes).toString('base64') };
}
