/**
 * Embedding-analytics use cases shared by REST and GraphQL: superposition of feature directions and PCA of posted
 * data or of a stored collection.
 */

import { transpose } from '../compute/dense.js';
import { DomainError } from '../errors.js';
import type { LinalgDeps } from './linalg.js';
import { readCollectionMatrix } from './collection-matrix.js';
import type { EmbeddingStore } from './embedding-store.js';
import { type ParsedMatrix, type WireFormat, encodeMatrix, encodeVector, parseMatrix } from './matrix-wire.js';
import { type Layout, checkResultSize, parseVectorSet, withVectorPath } from './vector-sets.js';

/** Default number of samples PCA analyses; larger inputs are sampled down to it (seeded, without replacement). */
export const PCA_DEFAULT_MAX_SAMPLES = 10_000;
/** The largest `maxSamples` a caller may ask for. */
export const PCA_MAX_SAMPLES_LIMIT = 100_000;

export async function superpositionService(
  deps: LinalgDeps,
  body: { features: unknown; layout: Layout; sparsity?: number; includeGram?: boolean; format?: WireFormat },
) {
  const set = parseVectorSet(deps, body.features, '/features', body.layout);
  const n = set.columns.cols;
  if (n < 2) throw new DomainError('INVALID_PARAMETER', { path: '/features', value: n, reason: 'superposition needs at least 2 feature directions' });
  const includeGram = body.includeGram ?? true;
  // The cosine matrix behind every statistic is n×n, whether or not the Gram matrix is returned.
  checkResultSize(deps, n * n, 'the Gram and cosine matrices are n×n for n features; send fewer features');

  const result = await withVectorPath(
    deps.pool.run('superposition', { features: transpose(set.columns), sparsity: body.sparsity, includeGram }),
    '/features',
    body.layout,
  );
  return {
    ...result,
    gram: result.gram ? encodeMatrix(result.gram, body.format ?? set.format, set.dtype) : undefined,
    ...(result.expected
      ? {
          expected: {
            ...result.expected,
            formula: 'p·Σ_{j≠i} cos²(f_i, f_j), averaged over features i, with p = 1 − sparsity (independent, zero-mean activations with E[a² | active] = 1)',
          },
        }
      : {}),
  };
}

export async function pcaService(
  deps: LinalgDeps,
  body: {
    data?: unknown;
    collection?: string;
    filter?: unknown;
    components?: number;
    center?: boolean;
    maxSamples?: number;
    seed?: number;
    includeProjections?: boolean;
    format?: WireFormat;
  },
  store?: EmbeddingStore,
) {
  // A stored collection is read as a seeded sample of at most maxSamples documents, in id order (the reply's `ids`).
  if ((body.data === undefined) === (body.collection === undefined)) {
    throw new DomainError('INVALID_REQUEST', { path: '/', reason: 'give exactly one of data and collection' });
  }
  if (body.data !== undefined && body.filter !== undefined) {
    throw new DomainError('INVALID_REQUEST', { path: '/filter', reason: 'filter applies to a collection input only' });
  }
  const stored =
    body.collection === undefined
      ? undefined
      : await readCollectionMatrix(deps, store!, { collection: body.collection, sampleSize: body.maxSamples ?? PCA_DEFAULT_MAX_SAMPLES, filter: body.filter }, body.seed ?? 1);
  const parsed: ParsedMatrix = stored ? { matrix: stored.matrix, format: 'json', dtype: 'float64' } : parseMatrix(body.data, '/data', { maxElements: deps.maxMatrixElements });
  const maxSamples = body.maxSamples ?? PCA_DEFAULT_MAX_SAMPLES;
  const result = await deps.pool.run('pca', {
    data: parsed.matrix,
    components: body.components,
    center: body.center ?? true,
    maxSamples,
    seed: body.seed ?? 1,
    includeProjections: body.includeProjections ?? true,
  });
  const format = body.format ?? parsed.format;
  return {
    ...(stored ? { source: stored.source, ids: stored.ids } : {}),
    samples: result.samples,
    samplesUsed: result.samplesUsed,
    sampled: result.sampled,
    maxSamples,
    ...(result.sampleIndices ? { sampleIndices: result.sampleIndices } : {}),
    features: result.features,
    centered: body.center ?? true,
    mean: encodeVector(result.mean, format, parsed.dtype),
    components: encodeMatrix(result.components, format, parsed.dtype),
    componentsLayout: 'rows',
    singularValues: Array.from(result.singularValues),
    explainedVariance: Array.from(result.explainedVariance),
    explainedVarianceRatio: Array.from(result.explainedVarianceRatio),
    cumulativeRatio: result.cumulativeRatio,
    totalVariance: result.totalVariance,
    ...(result.projections ? { projections: encodeMatrix(result.projections, format, parsed.dtype) } : {}),
    signRule: 'In each component the entry of largest magnitude is positive.',
    computeDtype: 'float64',
  };
}
