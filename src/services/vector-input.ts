/**
 * Checks of embeddings and query vectors before any SQL runs: right length, finite numbers, float32 range (pgvector
 * stores float32), a norm small enough that pgvector's float32 sums cannot overflow, and for cosine collections a
 * non-zero norm in float32. Each rejection names the JSON pointer of the offending value.
 */

import type { CollectionRecord } from '../db/collections.js';
import { DomainError } from '../errors.js';

/** Largest finite float32. */
export const FLOAT32_MAX = 3.4028234663852886e38;

/**
 * Largest accepted Euclidean norm. pgvector accumulates squared differences and dot products in float32, so with
 * ‖a‖, ‖b‖ ≤ 9e18 the largest sum, ‖a − b‖² ≤ (1.8e19)² = 3.24e38, stays below FLOAT32_MAX.
 */
export const MAX_VECTOR_NORM = 9e18;

/** Validates `value` as a vector of the collection and returns it as numbers (float64, as sent). */
export function readVector(value: unknown, path: string, collection: CollectionRecord): number[] {
  if (!Array.isArray(value)) {
    throw new DomainError('INVALID_PARAMETER', { path, value, reason: `expected an array of ${collection.dimensions} numbers` });
  }
  if (value.length !== collection.dimensions) {
    throw new DomainError('DIMENSION_MISMATCH', { path, expected: collection.dimensions, got: value.length, collection: collection.name });
  }

  let sumOfSquares = 0;
  let nonZeroInFloat32 = false;
  for (let i = 0; i < value.length; i++) {
    const x: unknown = value[i];
    if (typeof x !== 'number') throw new DomainError('NOT_A_NUMBER', { path: `${path}/${i}`, value: x });
    if (!Number.isFinite(x)) throw new DomainError('NON_FINITE_VALUE', { path: `${path}/${i}`, value: String(x) });
    if (Math.abs(x) > FLOAT32_MAX) {
      throw new DomainError('VALUE_OUT_OF_RANGE', { path: `${path}/${i}`, value: x, reason: `outside the float32 range ±${FLOAT32_MAX} in which pgvector stores values` });
    }
    sumOfSquares += x * x;
    const single = Math.fround(x);
    if (Math.fround(single * single) > 0) nonZeroInFloat32 = true;
  }

  const norm = Math.sqrt(sumOfSquares);
  if (norm > MAX_VECTOR_NORM) {
    throw new DomainError('VALUE_OUT_OF_RANGE', { path, value: norm, reason: `this Euclidean norm exceeds ${MAX_VECTOR_NORM}, beyond which pgvector's float32 distance sums can overflow` });
  }
  // A vector whose squares all round to 0 in float32 has norm 0 for pgvector, and its cosine would be NaN.
  if (collection.metric === 'cosine' && !nonZeroInFloat32) {
    throw new DomainError('ZERO_NORM_VECTOR', { path });
  }
  return value as number[];
}
