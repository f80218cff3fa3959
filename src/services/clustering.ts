/**
 * Clustering use cases: k-means on posted vectors, with an optional agreement check against reference labels.
 */

import { adjustedRandIndex, purity } from '../compute/cluster-agreement.js';
import type { ClusterMetric, KMeansOptions, KMeansResult } from '../compute/kmeans.js';
import { DomainError } from '../errors.js';
import type { LinalgDeps } from './linalg.js';
import type { WireFormat } from './matrix-wire.js';
import { encodeMatrix } from './matrix-wire.js';
import { encodeLabels, parseInput, replyFormat } from './request-matrices.js';

export interface KMeansRequest {
  // NOTE: posted vectors only. The `collection` input and the write-back of labels as a metadata key plug in here
  // with the embedding store, and large collections will then run as a job with progress.
  vectors: unknown;
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

export async function kmeansService(deps: LinalgDeps, body: KMeansRequest) {
  if ((body.k === undefined) === (body.kRange === undefined)) {
    throw new DomainError('INVALID_REQUEST', { path: body.k === undefined ? '/k' : '/kRange', reason: 'give either k or kRange, not both and not neither' });
  }
  const parsed = parseInput(deps, body.vectors, '/vectors');
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

  const out = replyFormat(parsed, body.format);
  return {
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

function agreementWith(labels: Int32Array, referenceLabels: (string | number)[]) {
  const reference = encodeLabels(referenceLabels);
  return {
    adjustedRandIndex: adjustedRandIndex(labels, reference.codes),
    purity: purity(labels, reference.codes),
    classes: reference.classes.length,
  };
}
