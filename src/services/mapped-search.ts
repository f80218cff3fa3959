/**
 * Cross-space search: map a vector of one space into a collection's space with a linear map (as fitted by
 * POST /v1/alignment/fit: target = source·map, map p×q) plus an optional bias, then search the collection.
 *
 * The query vector is posted (`vector`, p numbers) or read from another collection (`from: { collection, id }`), and
 * the mapped vector (q = the target collection's dimensions) goes through the target's ordinary search, so filters,
 * exact-k and similarity conventions are those of POST /v1/collections/:name/search.
 */

import { applyAlignment } from '../compute/alignment.js';
import type { Dense } from '../compute/dense.js';
import { DomainError } from '../errors.js';
import type { EmbeddingStore } from './embedding-store.js';
import type { LinalgDeps } from './linalg.js';
import { parseInput } from './request-matrices.js';

export interface MappedSearchRequest {
  map: unknown;
  bias?: number[];
  vector?: number[];
  from?: { collection: string; id: string };
  k?: number;
  filter?: unknown;
  exact?: boolean;
  minSimilarity?: number;
}

export async function mappedSearchService(deps: LinalgDeps, store: EmbeddingStore, name: string, body: MappedSearchRequest) {
  if ((body.vector === undefined) === (body.from === undefined)) {
    throw new DomainError('INVALID_REQUEST', { path: '/', reason: 'give exactly one of vector and from' });
  }
  const map = parseInput(deps, body.map, '/map').matrix;
  if (body.bias !== undefined && body.bias.length !== map.cols) {
    throw new DomainError('SHAPE_MISMATCH', { reason: `the map has ${map.cols} columns but the bias ${body.bias.length} entries`, path: '/bias' });
  }

  let source: number[];
  if (body.vector !== undefined) {
    source = body.vector;
  } else {
    const document = await store.getDocument(body.from!.collection, body.from!.id);
    if (!document.embedding) throw new DomainError('DOCUMENT_WITHOUT_EMBEDDING', { collection: body.from!.collection, id: body.from!.id, path: '/from/id' });
    source = document.embedding;
  }
  if (source.length !== map.rows) {
    throw new DomainError('SHAPE_MISMATCH', { reason: `the map has ${map.rows} rows, so the source vector needs ${map.rows} entries, but it has ${source.length}`, path: body.vector ? '/vector' : '/from' });
  }

  const row: Dense = { rows: 1, cols: source.length, data: Float64Array.from(source) };
  const mapped = Array.from(applyAlignment(map, row).data, (value, j) => value + (body.bias?.[j] ?? 0));
  const target = await store.getCollection(name);
  if (mapped.length !== target.dimensions) {
    throw new DomainError('SHAPE_MISMATCH', { reason: `the map has ${map.cols} columns, but collection ${JSON.stringify(name)} stores ${target.dimensions} dimensions`, path: '/map' });
  }

  const reply = await store.search(name, { vector: mapped, k: body.k, filter: body.filter, exact: body.exact, minSimilarity: body.minSimilarity });
  return { ...reply, mapped: { sourceDimensions: map.rows, targetDimensions: map.cols, ...(body.from ? { from: body.from } : {}) } };
}
