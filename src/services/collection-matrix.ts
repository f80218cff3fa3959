/**
 * Reads a stored collection as an n×d matrix for the analytics that accept `collection` in place of posted vectors
 * (k-means, PCA, map fitting). At most `sampleSize` documents are read: when more embedded documents pass the filter,
 * a seeded sample of them (src/db/embedding-samples.ts), so the same request reads the same documents. Rows are in
 * id order, and `ids` names them.
 */

import type { Dense } from '../compute/dense.js';
import { DomainError } from '../errors.js';
import type { EmbeddingStore } from './embedding-store.js';
import type { LinalgDeps } from './linalg.js';

/** Documents read from a collection when the request gives no sampleSize. */
export const DEFAULT_COLLECTION_SAMPLE = 10000;

export interface CollectionInput {
  collection: string;
  sampleSize?: number;
  filter?: unknown;
}

export interface CollectionMatrix {
  matrix: Dense;
  ids: string[];
  /** Description of the sample for the reply; it is exhaustive when every matching document is in it. */
  source: { collection: string; matching: number; sampleSize: number; exhaustive: boolean; sampleSeed: number };
}

export async function readCollectionMatrix(deps: LinalgDeps, store: EmbeddingStore, input: CollectionInput, seed: number): Promise<CollectionMatrix> {
  const limit = input.sampleSize ?? DEFAULT_COLLECTION_SAMPLE;
  const sample = await store.embeddingSample(input.collection, { limit, seed, filter: input.filter });
  const n = sample.ids.length;
  const d = sample.record.dimensions;
  if (n === 0) throw new DomainError('EMPTY_MATRIX', { path: '/collection' });
  if (n * d > deps.maxMatrixElements) {
    throw new DomainError('MATRIX_TOO_LARGE', { path: '/sampleSize', elements: n * d, limit: deps.maxMatrixElements });
  }

  const matrix: Dense = { rows: n, cols: d, data: new Float64Array(n * d) };
  sample.embeddings.forEach((row, i) => matrix.data.set(row, i * d));
  return {
    matrix,
    ids: sample.ids,
    source: { collection: input.collection, matching: sample.matching, sampleSize: n, exhaustive: n === sample.matching, sampleSeed: seed },
  };
}
