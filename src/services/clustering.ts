/**
 * Clustering use cases: k-means on posted vectors or a stored collection, with an optional agreement check against
 * reference labels.
 */

import { adjustedRandIndex, purity } from '../compute/cluster-agreement.js';
import type { ClusterMetric, KMeansOptions, KMeansResult } from '../compute/kmeans.js';
import { DomainError } from '../errors.js';
import type { LinalgDeps } from './linalg.js';
import { readCollectionMatrix } from './collection-matrix.js';
import type { EmbeddingStore } from './embedding-store.js';
import type { ParsedMatrix, WireFormat } from './matrix-wire.js';
import { encodeMatrix } from './matrix-wire.js';
import { encodeLabels, parseInput, replyFormat } from './request-matrices.js';

export interface KMeansRequest {
  /** Posted vectors (rows), or else `collection`. */
  vectors?: unknown;
  /**
   * A stored collection in place of vectors: at most `sampleSize` embedded documents that pass `filter` (a sample
   * seeded by `seed` when more match). `writeLabelsTo` names a metadata key that receives each clustered document's
   * label.
   */
  // NOTE: this runs synchronously, bounded by the sample cap, because the service has no job API yet. Large
  // collections should run as a job with progress. Documents left out of the sample get no label.
  // NOTE: the GraphQL `kmeans` field forwards its input to this route, so writeLabelsTo also writes from a query.
  collection?: string;
  sampleSize?: number;
  filter?: unknown;
  writeLabelsTo?: string;
  k?: number;
  kRange?: [number, number];
  metric?: ClusterMetric;
  seed?: number;
  maxIterations?: number;
  starts?: number;
  silhouetteSampleSize?: number;
  referenceLabels?: (string | number)[];
  format?: WireFormat;
}

export const KMEANS_DEFAULTS = { metric: 'euclidean', seed: 0, maxIterations: 300, starts: 1, silhouetteSampleSize: 1000 } as const;

export async function kmeansService(deps: LinalgDeps, body: KMeansRequest, store?: EmbeddingStore) {
  if ((body.k === undefined) === (body.kRange === undefined)) {
    throw new DomainError('INVALID_REQUEST', { path: body.k === undefined ? '/k' : '/kRange', reason: 'give either k or kRange, not both and not neither' });
  }
  const input = await readKMeansInput(deps, body, store);
  const parsed = input.parsed;
  const n = parsed.matrix.rows;
  if (body.referenceLabels !== undefined && body.referenceLabels.length !== n) {
    throw new DomainError('SHAPE_MISMATCH', { reason: `referenceLabels has ${body.referenceLabels.length} labels for ${n} vectors`, path: '/referenceLabels' });
  }

  const options: KMeansOptions = {
    metric: body.metric ?? KMEANS_DEFAULTS.metric,
    seed: body.seed ?? KMEANS_DEFAULTS.seed,
    maxIterations: body.maxIterations ?? KMEANS_DEFAULTS.maxIterations,
    starts: body.starts ?? KMEANS_DEFAULTS.starts,
    silhouetteSampleSize: body.silhouetteSampleSize ?? KMEANS_DEFAULTS.silhouetteSampleSize,
  };

  let result: KMeansResult;
  let selection: { kRange: [number, number]; criterion: string; candidates: unknown[] } | undefined;
  if (body.kRange !== undefined) {
    const selected = await deps.pool.run('kmeansSelectK', { x: parsed.matrix, kRange: body.kRange, ...options });
    result = selected.best;
    selection = { kRange: body.kRange, criterion: 'highest silhouette, smaller k on ties', candidates: selected.candidates };
  } else {
    result = await deps.pool.run('kmeans', { x: parsed.matrix, k: body.k!, ...options });
  }

  let written: number | undefined;
  if (input.source !== undefined && body.writeLabelsTo !== undefined) {
    written = await store!.writeMetadataKey(input.source.collection, body.writeLabelsTo, input.ids!.map((id, i) => ({ id, value: result.labels[i]! })));
  }

  const out = replyFormat(input.source === undefined ? parsed : undefined, body.format);
  return {
    ...(input.source === undefined ? {} : { source: input.source, ids: input.ids }),
    ...(written === undefined ? {} : { labelsWritten: { key: body.writeLabelsTo, documents: written } }),
    shape: [n, parsed.matrix.cols],
    k: result.k,
    metric: options.metric,
    seed: options.seed,
    seeding: 'k-means++',
    labels: Array.from(result.labels),
    centroids: encodeMatrix(result.centroids, out.format, out.dtype),
    sizes: result.sizes,
    inertia: result.inertia,
    iterations: result.iterations,
    converged: result.converged,
    starts: options.starts,
    silhouette: result.silhouette,
    ...(selection === undefined ? {} : { selection }),
    ...(body.referenceLabels === undefined ? {} : { agreement: agreementWith(result.labels, body.referenceLabels) }),
  };
}

/** The matrix to cluster: posted vectors, or a collection's sample with its document ids. */
async function readKMeansInput(deps: LinalgDeps, body: KMeansRequest, store: EmbeddingStore | undefined) {
  if ((body.vectors === undefined) === (body.collection === undefined)) {
    throw new DomainError('INVALID_REQUEST', { path: '/', reason: 'give exactly one of vectors and collection' });
  }
  if (body.vectors !== undefined) {
    for (const key of ['sampleSize', 'filter', 'writeLabelsTo'] as const) {
      if (body[key] !== undefined) throw new DomainError('INVALID_REQUEST', { path: `/${key}`, reason: `${key} applies to a collection input only` });
    }
    return { parsed: parseInput(deps, body.vectors, '/vectors') };
  }

  const read = await readCollectionMatrix(deps, store!, { collection: body.collection!, sampleSize: body.sampleSize, filter: body.filter }, body.seed ?? KMEANS_DEFAULTS.seed);
  const parsed: ParsedMatrix = { matrix: read.matrix, format: 'json', dtype: 'float64' };
  return { parsed, ids: read.ids, source: read.source };
}

function agreementWith(labels: Int32Array, referenceLabels: (string | number)[]) {
  const reference = encodeLabels(referenceLabels);
  return {
    adjustedRandIndex: adjustedRandIndex(labels, reference.codes),
    purity: purity(labels, reference.codes),
    classes: reference.classes.length,
  };
}
