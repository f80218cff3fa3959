/**
 * k-means clustering of the rows of X: n×d, with k-means++ seeding (Arthur & Vassilvitskii, 2007) and Lloyd
 * iterations, seeded and deterministic.
 *
 * Metrics:
 * - `euclidean`: centroids are member means, and the inertia is Σ ‖x_i − c_{label(i)}‖².
 * - `cosine` (spherical k-means): rows are scaled to unit length first, and each centroid is the member mean
 *   scaled to unit length. The inertia is Σ (1 − cos(x_i, c_{label(i)})). A zero row has no direction and is rejected.
 *
 * Seeding draws the first centroid uniformly and each next one with probability proportional to D(x)², the squared
 * Euclidean distance to the nearest centroid chosen so far (on the unit rows for cosine). This is the original
 * k-means++, not scikit-learn's greedy variant, so centroids differ from scikit-learn's for the same data.
 * Assignment ties go to the lowest centroid index. A cluster that empties takes the point farthest from its own
 * centroid among clusters with more than one member. Iteration stops when no label changes or after
 * `maxIterations` updates. In the second case the labels come from one last assignment to the final centroids.
 */

import { DomainError } from '../errors.js';
import { type Dense, zeros } from './dense.js';
import { deriveSeed, sampleWithoutReplacement, seededUniform } from './seeded-random.js';

export type ClusterMetric = 'euclidean' | 'cosine';

export interface KMeansOptions {
  metric: ClusterMetric;
  seed: number;
  maxIterations: number;
  /** Independent k-means++ starts; the one with the lowest inertia is kept (earliest on ties). */
  starts: number;
  /** Largest number of points the silhouette is computed on; a larger input is sampled without replacement. */
  silhouetteSampleSize: number;
}

export interface Silhouette {
  /** Mean silhouette over the sample, or null when fewer than two clusters have a point in it. */
  score: number | null;
  sampleSize: number;
  /** True when the sample is every point, so no sampling took place. */
  exhaustive: boolean;
  /** Seed of the sample's generator, derived from the request seed. */
  sampleSeed: number;
  reason?: string;
}

export interface KMeansResult {
  k: number;
  labels: Int32Array;
  centroids: Dense;
  sizes: number[];
  inertia: number;
  iterations: number;
  converged: boolean;
  silhouette: Silhouette;
}

export interface KSelection {
  best: KMeansResult;
  candidates: { k: number; silhouette: number | null; inertia: number }[];
}

const SILHOUETTE_STREAM = 2;

/** Clusters the rows of X into k groups. Rejects k outside 1…n and data with fewer than k distinct rows. */
export function kmeans(x: Dense, k: number, options: KMeansOptions): KMeansResult {
  if (!Number.isInteger(k) || k < 1 || k > x.rows) {
    throw new DomainError('INVALID_PARAMETER', { path: '/k', value: k, reason: `k must be an integer from 1 to the number of vectors (${x.rows})` });
  }

  const points = options.metric === 'cosine' ? unitRows(x) : x;
  const uniform = seededUniform(options.seed);

  let best: Omit<KMeansResult, 'silhouette' | 'k'> | undefined;
  for (let start = 0; start < options.starts; start++) {
    const run = lloyd(points, seedCentroids(points, k, uniform), options);
    if (best === undefined || run.inertia < best.inertia) best = run;
  }

  const silhouette = silhouetteOnSample(points, best!.labels, k, options);
  return { k, ...best!, silhouette };
}

/** Runs k-means for every k in kRange and keeps the one with the highest silhouette (the smaller k on ties). */
export function kmeansSelectK(x: Dense, kRange: [number, number], options: KMeansOptions): KSelection {
  const [low, high] = kRange;
  if (!Number.isInteger(low) || !Number.isInteger(high) || low < 2 || high < low || high > x.rows - 1) {
    throw new DomainError('INVALID_PARAMETER', {
      path: '/kRange',
      value: kRange,
      reason: `the silhouette is defined for 2 ≤ k ≤ n − 1, so kRange must be [low, high] with 2 ≤ low ≤ high ≤ ${x.rows - 1}`,
    });
  }

  let best: KMeansResult | undefined;
  const candidates: KSelection['candidates'] = [];
  for (let k = low; k <= high; k++) {
    const result = kmeans(x, k, options);
    candidates.push({ k, silhouette: result.silhouette.score, inertia: result.inertia });
    if (best === undefined || scoreOf(result) > scoreOf(best)) best = result;
  }
  return { best: best!, candidates };
}

function scoreOf(result: KMeansResult): number {
  return result.silhouette.score ?? Number.NEGATIVE_INFINITY;
}

/** Scales every row to unit Euclidean length; rejects a zero row, which has no direction. */
export function unitRows(x: Dense): Dense {
  const out = zeros(x.rows, x.cols);
  for (let i = 0; i < x.rows; i++) {
    let sum = 0;
    for (let j = 0; j < x.cols; j++) sum += x.data[i * x.cols + j]! ** 2;
    const norm = Math.sqrt(sum);
    if (norm === 0) throw new DomainError('ZERO_NORM_VECTOR', { path: `/vectors/${i}`, index: i, reason: 'the cosine metric needs a direction' });
    for (let j = 0; j < x.cols; j++) out.data[i * x.cols + j] = x.data[i * x.cols + j]! / norm;
  }
  return out;
}

function squaredDistance(a: Float64Array, aOffset: number, b: Float64Array, bOffset: number, d: number): number {
  let sum = 0;
  for (let j = 0; j < d; j++) {
    const diff = a[aOffset + j]! - b[bOffset + j]!;
    sum += diff * diff;
  }
  return sum;
}

/** Picks k rows of X as the initial centroids by k-means++. */
function seedCentroids(x: Dense, k: number, uniform: () => number): Dense {
  const { rows: n, cols: d } = x;
  const centroids = zeros(k, d);
  const first = Math.floor(uniform() * n);
  centroids.data.set(x.data.subarray(first * d, (first + 1) * d), 0);

  const nearest = new Float64Array(n);
  for (let i = 0; i < n; i++) nearest[i] = squaredDistance(x.data, i * d, centroids.data, 0, d);

  for (let c = 1; c < k; c++) {
    let total = 0;
    for (let i = 0; i < n; i++) total += nearest[i]!;
    if (total === 0) throw new DomainError('TOO_FEW_DISTINCT_VECTORS', { path: '/vectors', k, distinct: c });

    // Walk the cumulative weights; a zero-weight point (already a centroid) can never be picked.
    const target = uniform() * total;
    let chosen = -1;
    let cumulative = 0;
    for (let i = 0; i < n; i++) {
      if (nearest[i] === 0) continue;
      cumulative += nearest[i]!;
      chosen = i;
      if (cumulative > target) break;
    }

    centroids.data.set(x.data.subarray(chosen * d, (chosen + 1) * d), c * d);
    for (let i = 0; i < n; i++) nearest[i] = Math.min(nearest[i]!, squaredDistance(x.data, i * d, centroids.data, c * d, d));
  }
  return centroids;
}

function lloyd(x: Dense, centroids: Dense, options: KMeansOptions): Omit<KMeansResult, 'silhouette' | 'k'> {
  const n = x.rows;
  const k = centroids.rows;
  const labels = new Int32Array(n).fill(-1);
  const distances = new Float64Array(n);

  let iterations = 0;
  let converged = false;
  while (true) {
    const changed = assign(x, centroids, labels, distances);
    if (changed === 0) {
      converged = true;
      break;
    }
    if (iterations === options.maxIterations) break;

    updateCentroids(x, centroids, labels, distances, options.metric);
    iterations++;
  }

  const sizes = new Array<number>(k).fill(0);
  let inertia = 0;
  for (let i = 0; i < n; i++) {
    sizes[labels[i]!]!++;
    // On unit vectors ‖x − c‖² = 2(1 − cos), so half the squared distance is the cosine distance.
    inertia += options.metric === 'cosine' ? distances[i]! / 2 : distances[i]!;
  }
  return { labels, centroids, sizes, inertia, iterations, converged };
}

/** Assigns each row to its nearest centroid (lowest index on ties); returns how many labels changed. */
function assign(x: Dense, centroids: Dense, labels: Int32Array, distances: Float64Array): number {
  const { rows: n, cols: d } = x;
  let changed = 0;
  for (let i = 0; i < n; i++) {
    let bestLabel = 0;
    let bestDistance = Number.POSITIVE_INFINITY;
    for (let c = 0; c < centroids.rows; c++) {
      const distance = squaredDistance(x.data, i * d, centroids.data, c * d, d);
      if (distance < bestDistance) {
        bestDistance = distance;
        bestLabel = c;
      }
    }
    if (labels[i] !== bestLabel) changed++;
    labels[i] = bestLabel;
    distances[i] = bestDistance;
  }
  return changed;
}

function updateCentroids(x: Dense, centroids: Dense, labels: Int32Array, distances: Float64Array, metric: ClusterMetric): void {
  const { rows: n, cols: d } = x;
  const k = centroids.rows;
  const counts = new Int32Array(k);
  for (let i = 0; i < n; i++) counts[labels[i]!]!++;
  refillEmptyClusters(labels, distances, counts);

  const sums = new Float64Array(k * d);
  for (let i = 0; i < n; i++) {
    const offset = labels[i]! * d;
    for (let j = 0; j < d; j++) sums[offset + j]! += x.data[i * d + j]!;
  }

  for (let c = 0; c < k; c++) {
    const mean = sums.subarray(c * d, (c + 1) * d);
    for (let j = 0; j < d; j++) mean[j] = mean[j]! / counts[c]!;
    if (metric === 'cosine') {
      let norm = 0;
      for (let j = 0; j < d; j++) norm += mean[j]! ** 2;
      norm = Math.sqrt(norm);
      // Members that cancel out (such as two opposite directions) leave no mean direction: keep the old centroid.
      if (norm === 0) continue;
      for (let j = 0; j < d; j++) mean[j] = mean[j]! / norm;
    }
    centroids.data.set(mean, c * d);
  }
}

/** Moves into each empty cluster the point farthest from its centroid among clusters with more than one member. */
export function refillEmptyClusters(labels: Int32Array, distances: Float64Array, counts: Int32Array): void {
  for (let c = 0; c < counts.length; c++) {
    if (counts[c] !== 0) continue;

    let farthest = -1;
    for (let i = 0; i < labels.length; i++) {
      if (counts[labels[i]!]! <= 1) continue;
      if (farthest === -1 || distances[i]! > distances[farthest]!) farthest = i;
    }
    counts[labels[farthest]!]!--;
    labels[farthest] = c;
    distances[farthest] = 0;
    counts[c] = 1;
  }
}

/**
 * Computes the mean silhouette (Rousseeuw, 1987) of the points of a sample, with a and b computed within the sample, as
 * scikit-learn's silhouette_score(sample_size=…) does. A point alone in its cluster within the sample scores 0.
 * Distances are Euclidean for `euclidean` and 1 − cos for `cosine`.
 */
function silhouetteOnSample(x: Dense, labels: Int32Array, k: number, options: KMeansOptions): Silhouette {
  const n = x.rows;
  const d = x.cols;
  const sampleSeed = deriveSeed(options.seed, SILHOUETTE_STREAM);
  const size = Math.min(n, options.silhouetteSampleSize);
  const exhaustive = size === n;
  const sample = exhaustive ? Int32Array.from({ length: n }, (_, i) => i) : sampleWithoutReplacement(n, size, seededUniform(sampleSeed));
  const base = { sampleSize: size, exhaustive, sampleSeed };

  if (k < 2) return { ...base, score: null, reason: 'the silhouette needs at least two clusters' };

  const counts = new Int32Array(k);
  for (const i of sample) counts[labels[i]!]!++;
  let present = 0;
  for (const count of counts) if (count > 0) present++;
  if (present < 2) return { ...base, score: null, reason: 'fewer than two clusters have a point in the sample' };

  const sums = new Float64Array(k);
  let total = 0;
  for (const i of sample) {
    sums.fill(0);
    for (const j of sample) {
      if (i === j) continue;
      const squared = squaredDistance(x.data, i * d, x.data, j * d, d);
      sums[labels[j]!]! += options.metric === 'cosine' ? squared / 2 : Math.sqrt(squared);
    }

    const own = labels[i]!;
    if (counts[own] === 1) continue;
    const a = sums[own]! / (counts[own]! - 1);
    let b = Number.POSITIVE_INFINITY;
    for (let c = 0; c < k; c++) if (c !== own && counts[c]! > 0) b = Math.min(b, sums[c]! / counts[c]!);
    const denominator = Math.max(a, b);
    total += denominator === 0 ? 0 : (b - a) / denominator;
  }
  return { ...base, score: total / size };
}
