/**
 * Basis use cases shared by REST and GraphQL: linear independence, a basis chosen from a spanning set, coordinates
 * in a basis, dimension of a span, and change of basis. Vectors come as the rows or columns of a matrix (`layout`).
 */

import { type Dense, identity } from '../compute/dense.js';
import type { ToleranceOptions } from '../compute/tolerance.js';
import { DomainError } from '../errors.js';
import type { LinalgDeps } from './linalg.js';
import { type WireFormat, encodeMatrix, parseMatrix } from './matrix-wire.js';
import { type Layout, type VectorSet, checkSameSpace, encodeVectorSet, parseVectorSet, toleranceReply } from './vector-sets.js';

interface VectorsBody extends ToleranceOptions {
  vectors: unknown;
  layout: Layout;
  format?: WireFormat;
}

export async function independenceService(deps: LinalgDeps, body: VectorsBody) {
  const set = parseVectorSet(deps, body.vectors, '/vectors', body.layout);
  const result = await deps.pool.run('independence', { a: set.columns, rtol: body.rtol, atol: body.atol });
  return {
    independent: result.independent,
    rank: result.rank,
    count: result.count,
    ambientDimension: set.columns.rows,
    condition: result.condition,
    tolerance: toleranceReply(result.tolerance),
    singularValues: Array.from(result.singularValues),
  };
}

export async function basisService(deps: LinalgDeps, body: VectorsBody) {
  const set = parseVectorSet(deps, body.vectors, '/vectors', body.layout);
  const result = await deps.pool.run('basis', { a: set.columns, rtol: body.rtol, atol: body.atol });
  const format = body.format ?? set.format;
  return {
    chosen: result.chosen,
    pivotOrder: result.pivotOrder,
    dropped: result.dropped,
    dimension: result.rank,
    basis: encodeVectorSet(result.basis, body.layout, false, format, set.dtype),
    coordinates: encodeMatrix(result.coordinates, format, set.dtype),
    coordinatesLayout: 'columns: column j holds the coordinates of input vector j in the chosen basis',
    pivotNorms: result.pivotNorms,
    chosenCondition: result.chosenCondition,
    reconstructionError: result.reconstructionError,
    tolerance: toleranceReply(result.tolerance),
    singularValues: Array.from(result.singularValues),
  };
}

export async function coordinatesService(deps: LinalgDeps, body: { basis: unknown; v: unknown; layout: Layout; residualRtol?: number; format?: WireFormat } & ToleranceOptions) {
  const basis = parseVectorSet(deps, body.basis, '/basis', body.layout);
  const v = parseVectorSet(deps, body.v, '/v', body.layout, true);
  checkSameSpace(basis, '/basis', v, '/v', body.layout);

  const result = await deps.pool.run('coordinates', { basis: basis.columns, vectors: v.columns, residualRtol: body.residualRtol, rtol: body.rtol, atol: body.atol });
  const pick = <T>(values: T[]) => (v.single ? values[0] : values);
  return {
    coordinates: encodeVectorSet(result.coordinates, body.layout, v.single, body.format ?? v.format, v.dtype),
    inSpan: pick(result.inSpan),
    relativeResidual: pick(result.relativeResiduals),
    residualRtol: result.residualRtol,
    condition: result.condition,
    tolerance: toleranceReply(result.tolerance),
    singularValues: Array.from(result.singularValues),
  };
}

export async function dimensionService(deps: LinalgDeps, body: VectorsBody) {
  const set = parseVectorSet(deps, body.vectors, '/vectors', body.layout);
  const result = await deps.pool.run('dimension', { a: set.columns, rtol: body.rtol, atol: body.atol });
  return {
    dimension: result.dimension,
    ambientDimension: result.ambientDimension,
    count: result.count,
    tolerance: toleranceReply(result.tolerance),
    singularValues: Array.from(result.singularValues),
  };
}

export async function changeOfBasisService(
  deps: LinalgDeps,
  body: { from?: unknown; to: unknown; layout: Layout; map?: unknown; v?: unknown; residualRtol?: number; format?: WireFormat } & ToleranceOptions,
) {
  const to = parseVectorSet(deps, body.to, '/to', body.layout);
  const from = body.from === undefined ? standardBasis(to) : parseVectorSet(deps, body.from, '/from', body.layout);
  checkSameSpace(to, '/to', from, '/from', body.layout);
  const k = to.columns.cols;
  if (from.columns.cols !== k && body.from === undefined) {
    throw new DomainError('SHAPE_MISMATCH', {
      path: '/to',
      reason: `to (shape [${to.shape.join(', ')}], layout ${body.layout}) has ${k} vectors in ℝ^${to.columns.rows}, but without from the source basis is the standard basis of ℝ^${to.columns.rows}, which needs ${to.columns.rows}; send from as well`,
      shapes: { to: to.shape },
    });
  }
  if (from.columns.cols !== k) {
    throw new DomainError('SHAPE_MISMATCH', {
      path: '/from',
      reason: `to (shape [${to.shape.join(', ')}], layout ${body.layout}) has ${k} basis vectors, but from (shape [${from.shape.join(', ')}]) has ${from.columns.cols}`,
      shapes: { to: to.shape, from: from.shape },
    });
  }

  const map = body.map === undefined ? undefined : parseMatrix(body.map, '/map', { maxElements: deps.maxMatrixElements }).matrix;
  if (map && (map.rows !== k || map.cols !== k)) {
    throw new DomainError('SHAPE_MISMATCH', { path: '/map', reason: `the map must be ${k}×${k} (one row and column per basis vector), but it is ${map.rows}×${map.cols}`, shapes: { map: [map.rows, map.cols], to: to.shape } });
  }
  const v = body.v === undefined ? undefined : parseVectorSet(deps, body.v, '/v', body.layout, true);
  if (v) checkSameSpace(to, '/to', v, '/v', body.layout);

  const result = await deps.pool.run('changeOfBasis', { from: from.columns, to: to.columns, map, vectors: v?.columns, residualRtol: body.residualRtol, rtol: body.rtol, atol: body.atol });
  const format = body.format ?? to.format;
  const reply: Record<string, unknown> = {
    P: encodeMatrix(result.p, format, to.dtype),
    Pinverse: encodeMatrix(result.pInverse, format, to.dtype),
    convention: '[v]_to = P·[v]_from; [T]_to = P·[T]_from·P⁻¹',
    inverseError: result.inverseError,
    largestAngle: result.largestAngle,
    spanTolerance: result.spanTolerance,
    dimension: k,
    ambientDimension: to.columns.rows,
    standardFrom: body.from === undefined,
    tolerance: { from: toleranceReply(result.from.tolerance), to: toleranceReply(result.to.tolerance) },
  };
  if (result.mapInTo) reply.mapInTo = encodeMatrix(result.mapInTo, format, to.dtype);
  if (v && result.coordinates) {
    const pick = <T>(values: T[]) => (v.single ? values[0] : values);
    reply.coordinates = {
      from: encodeVectorSet(result.coordinates.from, body.layout, v.single, format, v.dtype),
      to: encodeVectorSet(result.coordinates.to, body.layout, v.single, format, v.dtype),
      inSpan: pick(result.coordinates.inSpan),
      relativeResidual: pick(result.coordinates.relativeResiduals),
      residualRtol: result.coordinates.residualRtol,
    };
  }
  return reply;
}

/** Builds the standard basis e_1, …, e_n of ℝⁿ, the default `from`. */
function standardBasis(to: VectorSet): VectorSet {
  const n = to.columns.rows;
  const columns: Dense = identity(n);
  return { columns, shape: [n, n], single: false, format: to.format, dtype: to.dtype };
}
