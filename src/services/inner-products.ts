/**
 * Inner-product use cases shared by REST and GraphQL: the inner products, norms, distances and angle of two vectors
 * or two matrices (Frobenius), and the pairwise cosine-similarity matrix of a set of vectors with its top pairs.
 */

import { transpose } from '../compute/dense.js';
import type { LinalgDeps } from './linalg.js';
import { type WireFormat, encodeMatrix, parseMatrix } from './matrix-wire.js';
import { DomainError } from '../errors.js';
import { type Layout, checkResultSize, parseVectorSet, withVectorPath } from './vector-sets.js';

function parseFlat(deps: LinalgDeps, value: unknown, path: string): Float64Array {
  const parsed = parseMatrix(value, path, { maxElements: deps.maxMatrixElements, allowVector: true });
  if (parsed.matrix.rows !== 1) {
    throw new DomainError('INVALID_MATRIX', { path, value: [parsed.matrix.rows, parsed.matrix.cols], reason: 'expected one vector: a flat array of numbers or a binary shape [n]' });
  }
  return parsed.matrix.data;
}

function lengthMismatch(path: string, firstName: string, first: number, secondName: string, second: number): DomainError {
  return new DomainError('SHAPE_MISMATCH', {
    path,
    reason: `${firstName} has length ${first}, but ${secondName} has length ${second}`,
    shapes: { [firstName]: [first], [secondName]: [second] },
  });
}

export async function vectorInnerProductsService(deps: LinalgDeps, body: { x: unknown; y: unknown; weights?: unknown }) {
  const x = parseFlat(deps, body.x, '/x');
  const y = parseFlat(deps, body.y, '/y');
  if (y.length !== x.length) throw lengthMismatch('/y', 'x', x.length, 'y', y.length);
  const weights = body.weights === undefined ? undefined : parseFlat(deps, body.weights, '/weights');
  if (weights && weights.length !== x.length) throw lengthMismatch('/weights', 'x', x.length, 'weights', weights.length);

  const result = await deps.pool.run('innerProducts', { x, y, weights });
  return { length: x.length, ...result };
}

export async function matrixInnerProductsService(deps: LinalgDeps, body: { a: unknown; b: unknown }) {
  const a = parseMatrix(body.a, '/a', { maxElements: deps.maxMatrixElements }).matrix;
  const b = parseMatrix(body.b, '/b', { maxElements: deps.maxMatrixElements }).matrix;
  if (a.rows !== b.rows || a.cols !== b.cols) {
    throw new DomainError('SHAPE_MISMATCH', { path: '/b', reason: `a is ${a.rows}×${a.cols}, but b is ${b.rows}×${b.cols}`, shapes: { a: [a.rows, a.cols], b: [b.rows, b.cols] } });
  }

  const result = await deps.pool.run('innerProducts', { x: a.data, y: b.data });
  return {
    shape: [a.rows, a.cols],
    frobenius: result.dot,
    cosine: result.cosine,
    angle: result.angle,
    angleDegrees: result.angleDegrees,
    norms: { a: result.norms.x.l2, b: result.norms.y.l2 },
    distance: result.distances.euclidean,
  };
}

export async function cosineSimilarityService(
  deps: LinalgDeps,
  body: { vectors: unknown; layout: Layout; top?: number; includeMatrix?: boolean; format?: WireFormat },
) {
  const set = parseVectorSet(deps, body.vectors, '/vectors', body.layout);
  const p = set.columns.cols;
  const includeMatrix = body.includeMatrix ?? true;
  if (includeMatrix) checkResultSize(deps, p * p, 'the similarity matrix is p×p for p vectors; pass includeMatrix: false for the top pairs only');
  const top = Math.min(body.top ?? 10, (p * (p - 1)) / 2);

  // The compute layer takes the vectors as rows here.
  const rows = transpose(set.columns);
  const result = await withVectorPath(deps.pool.run('cosineSimilarity', { vectors: rows, top, includeMatrix }), '/vectors', body.layout);
  return {
    count: p,
    dimension: set.columns.rows,
    ...(result.matrix ? { matrix: encodeMatrix(result.matrix, body.format ?? set.format, set.dtype) } : {}),
    topPairs: result.topPairs,
    computeDtype: 'float64',
  };
}
