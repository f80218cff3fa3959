/**
 * Subspace use cases shared by REST and GraphQL: membership, projection, sum, intersection, direct sum and
 * principal angles of subspaces given by spanning vectors `U` and `W` in `layout` ("rows" or "columns").
 */

import type { Dense } from '../compute/dense.js';
import type { SpanBasis } from '../compute/span.js';
import type { ToleranceOptions } from '../compute/tolerance.js';
import type { LinalgDeps } from './linalg.js';
import type { WireFormat } from './matrix-wire.js';
import { type Layout, type VectorSet, checkResultSize, checkSameSpace, encodeVectorSet, parseVectorSet, toleranceReply } from './vector-sets.js';

interface SubspaceRequest extends ToleranceOptions {
  U: unknown;
  layout: Layout;
  format?: WireFormat;
}

interface PairRequest extends SubspaceRequest {
  W: unknown;
}

interface VectorsRequest extends SubspaceRequest {
  v: unknown;
  residualRtol?: number;
}

function tolerances(body: ToleranceOptions) {
  return { rtol: body.rtol, atol: body.atol };
}

function parsePair(deps: LinalgDeps, body: PairRequest): { u: VectorSet; w: VectorSet } {
  const u = parseVectorSet(deps, body.U, '/U', body.layout);
  const w = parseVectorSet(deps, body.W, '/W', body.layout);
  checkSameSpace(u, '/U', w, '/W', body.layout);
  return { u, w };
}

function parseWithVectors(deps: LinalgDeps, body: VectorsRequest): { u: VectorSet; v: VectorSet } {
  const u = parseVectorSet(deps, body.U, '/U', body.layout);
  const v = parseVectorSet(deps, body.v, '/v', body.layout, true);
  checkSameSpace(u, '/U', v, '/v', body.layout);
  return { u, v };
}

function spanReply(span: SpanBasis, layout: Layout, u: VectorSet, format: WireFormat | undefined) {
  return {
    dimension: span.dimension,
    basis: encodeVectorSet(span.basis, layout, false, format ?? u.format, u.dtype),
    singularValues: Array.from(span.singularValues),
    tolerance: toleranceReply(span.tolerance),
  };
}

export async function membershipService(deps: LinalgDeps, body: VectorsRequest) {
  const { u, v } = parseWithVectors(deps, body);
  const result = await deps.pool.run('membership', { u: u.columns, vectors: v.columns, residualRtol: body.residualRtol, ...tolerances(body) });
  const pick = <T>(values: T[]) => (v.single ? values[0] : values);
  return {
    ambientDimension: u.columns.rows,
    dimension: result.dimension,
    member: pick(result.member),
    residualNorm: pick(result.residualNorms),
    relativeResidual: pick(result.relativeResiduals),
    residualRtol: result.residualRtol,
    tolerance: toleranceReply(result.tolerance),
    singularValues: Array.from(result.singularValues),
  };
}

export async function projectionService(deps: LinalgDeps, body: VectorsRequest & { includeProjector?: boolean }) {
  const { u, v } = parseWithVectors(deps, body);
  const n = u.columns.rows;
  if (body.includeProjector) checkResultSize(deps, n * n, 'the projector is n×n; omit includeProjector');
  const result = await deps.pool.run('projection', { u: u.columns, vectors: v.columns, includeProjector: body.includeProjector ?? false, ...tolerances(body) });
  const format = body.format ?? v.format;
  return {
    ambientDimension: n,
    dimension: result.dimension,
    projection: encodeVectorSet(result.projection, body.layout, v.single, format, v.dtype),
    complement: encodeVectorSet(result.complement, body.layout, v.single, format, v.dtype),
    basis: encodeVectorSet(result.basis, body.layout, false, format, u.dtype),
    ...(result.projector ? { projector: encodeVectorSet(result.projector, 'columns', false, format, u.dtype) } : {}),
    orthogonalityError: result.orthogonalityError,
    tolerance: toleranceReply(result.tolerance),
    singularValues: Array.from(result.singularValues),
  };
}

async function runSum(deps: LinalgDeps, body: PairRequest) {
  const { u, w } = parsePair(deps, body);
  const result = await deps.pool.run('subspaceSum', { u: u.columns, w: w.columns, ...tolerances(body) });
  const format = body.format ?? u.format;
  const encode = (basis: Dense) => encodeVectorSet(basis, body.layout, false, format, u.dtype);
  return {
    u,
    w,
    result,
    encode,
    common: {
      dimensions: result.dimensions,
      U: spanReply(result.u, body.layout, u, body.format),
      W: spanReply(result.w, body.layout, w, body.format),
      sumSingularValues: Array.from(result.sumSingularValues),
      sumTolerance: toleranceReply(result.sumTolerance),
    },
  };
}

export async function sumService(deps: LinalgDeps, body: PairRequest) {
  const { result, encode, common } = await runSum(deps, body);
  return { dimension: result.dimensions.sum, basis: encode(result.sumBasis), ...common };
}

export async function intersectionService(deps: LinalgDeps, body: PairRequest) {
  const { result, encode, common } = await runSum(deps, body);
  return { dimension: result.dimensions.intersection, basis: encode(result.intersectionBasis), intersectionResidual: result.intersectionResidual, ...common };
}

export async function directSumService(deps: LinalgDeps, body: PairRequest & { v?: unknown; residualRtol?: number }) {
  const { u, w } = parsePair(deps, body);
  const v = body.v === undefined ? undefined : parseVectorSet(deps, body.v, '/v', body.layout, true);
  if (v) checkSameSpace(u, '/U', v, '/v', body.layout);

  const result = await deps.pool.run('directSum', { u: u.columns, w: w.columns, vectors: v?.columns, residualRtol: body.residualRtol, ...tolerances(body) });
  const format = body.format ?? u.format;
  const reply: Record<string, unknown> = {
    direct: result.direct,
    complementary: result.complementary,
    dimensions: result.sum.dimensions,
    intersectionBasis: encodeVectorSet(result.sum.intersectionBasis, body.layout, false, format, u.dtype),
    sumTolerance: toleranceReply(result.sum.sumTolerance),
    tolerance: toleranceReply(result.sum.u.tolerance),
  };
  if (v && result.decomposition) {
    const decomposition = result.decomposition;
    const pick = <T>(values: T[]) => (v.single ? values[0] : values);
    reply.decomposition = {
      x: encodeVectorSet(decomposition.x, body.layout, v.single, format, v.dtype),
      y: encodeVectorSet(decomposition.y, body.layout, v.single, format, v.dtype),
      inSum: pick(decomposition.inSum),
      relativeResidual: pick(decomposition.relativeResiduals),
      residualRtol: decomposition.residualRtol,
    };
  } else if (v) {
    reply.decomposition = null;
    reply.reason = 'U ∩ W is not {0}, so the split v = x + y is not unique; intersectionBasis spans the ambiguity';
  }
  return reply;
}

export async function anglesService(deps: LinalgDeps, body: PairRequest) {
  const { u, w } = parsePair(deps, body);
  const result = await deps.pool.run('principalAngles', { u: u.columns, w: w.columns, ...tolerances(body) });
  return {
    angles: result.angles,
    degrees: result.angles.map((angle) => (angle * 180) / Math.PI),
    cosines: result.cosines,
    sines: result.sines,
    order: 'descending',
    dimensions: { u: result.u.dimension, w: result.w.dimension, ambient: u.columns.rows },
    method: 'Björck–Golub: arcsin of the sine for angles with cos² ≥ 1/2, arccos of the cosine otherwise (as scipy.linalg.subspace_angles)',
    tolerance: { U: toleranceReply(result.u.tolerance), W: toleranceReply(result.w.tolerance) },
  };
}
