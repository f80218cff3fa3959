/**
 * Cross-modal alignment use cases: fit a map between two embedding spaces from posted pairs, and apply a map.
 */

import type { AlignmentMethod } from '../compute/alignment.js';
import { DomainError } from '../errors.js';
import type { LinalgDeps } from './linalg.js';
import { type WireFormat, encodeMatrix, encodeVector } from './matrix-wire.js';
import { parseInput, replyFormat } from './request-matrices.js';

export interface AlignmentFitRequest {
  source: unknown;
  target: unknown;
  method?: AlignmentMethod;
  ridge?: number;
  allowReflection?: boolean;
  testFraction?: number;
  seed?: number;
  format?: WireFormat;
}

export async function alignmentFitService(deps: LinalgDeps, body: AlignmentFitRequest) {
  const source = parseInput(deps, body.source, '/source');
  const target = parseInput(deps, body.target, '/target');
  const method = body.method ?? 'procrustes';
  if (method === 'procrustes' && body.ridge !== undefined && body.ridge !== 0) {
    throw new DomainError('INVALID_PARAMETER', { path: '/ridge', value: body.ridge, reason: 'the ridge penalty applies to method "linear" only' });
  }

  const options = {
    method,
    ridge: body.ridge ?? 0,
    allowReflection: body.allowReflection ?? true,
    testFraction: body.testFraction ?? 0.2,
    seed: body.seed ?? 0,
  };
  const result = await deps.pool.run('alignmentFit', { x: source.matrix, y: target.matrix, ...options });

  const out = replyFormat(source, body.format);
  return {
    method,
    ridge: options.ridge,
    convention: 'target ≈ source · map; vectors are rows',
    map: encodeMatrix(result.map, out.format, out.dtype),
    mapShape: [result.map.rows, result.map.cols],
    split: result.split,
    trainResidual: result.trainResidual,
    testResidual: result.testResidual,
    retrieval: result.retrieval,
    singularValues: encodeVector(result.singularValues, out.format, out.dtype),
    ...(method === 'procrustes'
      ? { allowReflection: options.allowReflection, reflection: result.reflection, orthogonalityError: result.orthogonalityError }
      : { rank: result.rank }),
  };
}

export async function alignmentApplyService(deps: LinalgDeps, body: { map: unknown; vectors: unknown; format?: WireFormat }) {
  // NOTE: querying a stored collection with the mapped vectors plugs in here once the embedding store exists.
  const map = parseInput(deps, body.map, '/map');
  const vectors = parseInput(deps, body.vectors, '/vectors');
  const result = await deps.pool.run('alignmentApply', { map: map.matrix, vectors: vectors.matrix });
  const out = replyFormat(vectors, body.format);
  return { shape: [result.mapped.rows, result.mapped.cols], mapped: encodeMatrix(result.mapped, out.format, out.dtype) };
}
