/**
 * Wire handling shared by the subspace, basis and embedding-analytics services: sets of vectors sent as the rows
 * or the columns of a matrix (`layout`), single vectors sent as flat arrays, and the checks that two sets live in
 * the same space.
 *
 * The compute layer always takes vector sets as columns (n×k for k vectors in ℝⁿ); replies give vectors back in the
 * caller's layout.
 */

import { type Dense, transpose } from '../compute/dense.js';
import type { ResolvedTolerance } from '../compute/tolerance.js';
import { DomainError } from '../errors.js';
import type { LinalgDeps } from './linalg.js';
import { type BinaryArray, type Dtype, type ParsedMatrix, type WireFormat, encodeMatrix, encodeVector, parseMatrix } from './matrix-wire.js';

export type Layout = 'rows' | 'columns';

export interface VectorSet {
  /** n×k, one vector per column. */
  columns: Dense;
  /** The matrix as sent, for messages: [rows, cols]. */
  shape: [number, number];
  /** True for a flat array (or binary shape [n]): one vector, replied as a flat array. */
  single: boolean;
  format: WireFormat;
  dtype: Dtype;
}

/** Parses a matrix of vectors in `layout`; with `allowSingle`, a flat array is one vector whatever the layout. */
export function parseVectorSet(deps: LinalgDeps, value: unknown, path: string, layout: Layout, allowSingle = false): VectorSet {
  const parsed: ParsedMatrix = parseMatrix(value, path, { maxElements: deps.maxMatrixElements, allowVector: allowSingle });
  const single = allowSingle && isFlat(value);
  const matrix = parsed.matrix;
  // A flat array parses as a 1×n row; as a set it is one column, like a row-layout matrix.
  const columns = layout === 'columns' && !single ? matrix : transpose(matrix);
  return { columns, shape: [matrix.rows, matrix.cols], single, format: parsed.format, dtype: parsed.dtype };
}

/** Encodes n×p column vectors in the caller's layout, or as one flat vector when the request sent one. */
export function encodeVectorSet(columns: Dense, layout: Layout, single: boolean, format: WireFormat, dtype: Dtype): number[] | number[][] | BinaryArray {
  if (single) return encodeVector(columns.data, format, dtype);
  return encodeMatrix(layout === 'columns' ? columns : transpose(columns), format, dtype);
}

/** Rejects two vector sets whose vectors have different lengths, naming both shapes. */
export function checkSameSpace(first: VectorSet, firstPath: string, second: VectorSet, secondPath: string, layout: Layout): void {
  if (first.columns.rows === second.columns.rows) return;
  const describe = (set: VectorSet, path: string) =>
    `${path.slice(1)} (shape [${set.shape.join(', ')}]${set.single ? ', one vector' : `, layout ${layout}`}) has vectors of length ${set.columns.rows}`;
  throw new DomainError('SHAPE_MISMATCH', {
    path: secondPath,
    reason: `${describe(first, firstPath)}, but ${describe(second, secondPath)}`,
    shapes: { [firstPath.slice(1)]: first.shape, [secondPath.slice(1)]: second.shape },
    expected: first.columns.rows,
    got: second.columns.rows,
  });
}

/** Rejects a reply that would be larger than the input limit allows, before any compute is spent on it. */
export function checkResultSize(deps: LinalgDeps, elements: number, hint: string): void {
  if (elements > deps.maxMatrixElements) throw new DomainError('RESULT_TOO_LARGE', { elements, limit: deps.maxMatrixElements, hint });
}

export function toleranceReply(tolerance: ResolvedTolerance) {
  return { value: tolerance.tolerance, rule: tolerance.rule, rtol: tolerance.rtol, atol: tolerance.atol };
}

/**
 * Runs `work` and rewrites a ZERO_NORM_VECTOR from the compute layer, which has only the vector's index, so that
 * its path points at that vector in the caller's matrix.
 */
export async function withVectorPath<T>(work: Promise<T>, path: string, layout: Layout): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof DomainError && error.code === 'ZERO_NORM_VECTOR' && typeof error.params.index === 'number') {
      const index = error.params.index;
      const pointer = layout === 'rows' ? `${path}/${index}` : `${path} (column ${index})`;
      throw new DomainError('ZERO_NORM_VECTOR', { ...error.params, path: pointer });
    }
    throw error;
  }
}

function isFlat(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0 && !Array.isArray(value[0]);
  return value !== null && typeof value === 'object' && Array.isArray((value as { shape?: unknown }).shape) && (value as { shape: unknown[] }).shape.length === 1;
}
