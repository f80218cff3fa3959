import { describe, expect, it } from 'vitest';

import { type Dense, fromRows } from '../../src/compute/dense.js';
import { type KMeansOptions, kmeans, kmeansSelectK, refillEmptyClusters } from '../../src/compute/kmeans.js';
import { adjustedRandIndex } from '../../src/compute/cluster-agreement.js';
import { DomainError } from '../../src/errors.js';
import { seededRandom } from '../helpers.js';

const options: KMeansOptions = { metric: 'euclidean', seed: 0, maxIterations: 300, starts: 1, silhouetteSampleSize: 1000 };

/** `perCluster` points around each centre, uniform noise of half-width `spread`; labels are the centre indices. */
function blobs(centres: number[][], perCluster: number, spread: number, seed: number): { x: Dense; truth: number[] } {
  const random = seededRandom(seed);
  const rows: number[][] = [];
  const truth: number[] = [];
  for (let i = 0; i < perCluster; i++) {
    centres.forEach((centre, c) => {
      rows.push(centre.map((value) => value + (random() * 2 - 1) * spread));
      truth.push(c);
    });
  }
  return { x: fromRows(rows), truth };
}

function rowOf(m: Dense, i: number): number[] {
  return Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols));
}

describe('kmeans', () => {
  it('separates two obvious clusters with the hand-checked centroids', () => {
    const x = fromRows([[0, 0], [0, 1], [1, 0], [10, 10], [10, 11], [11, 10]]);
    const result = kmeans(x, 2, options);

    expect(result.labels[0]).toBe(result.labels[1]);
    expect(result.labels[0]).toBe(result.labels[2]);
    expect(result.labels[3]).toBe(result.labels[4]);
    expect(result.labels[3]).toBe(result.labels[5]);
    expect(result.labels[0]).not.toBe(result.labels[3]);
    expect(result.sizes).toEqual([3, 3]);

    const low = rowOf(result.centroids, result.labels[0]!);
    const high = rowOf(result.centroids, result.labels[3]!);
    expect(low[0]).toBeCloseTo(1 / 3, 14);
    expect(low[1]).toBeCloseTo(1 / 3, 14);
    expect(high[0]).toBeCloseTo(31 / 3, 14);
    expect(high[1]).toBeCloseTo(31 / 3, 14);
    // Each cluster: squared distances 2/9 + 5/9 + 5/9 = 4/3.
    expect(result.inertia).toBeCloseTo(8 / 3, 12);
    expect(result.converged).toBe(true);
    expect(result.silhouette.score!).toBeGreaterThan(0.9);
    expect(result.silhouette.exhaustive).toBe(true);
  });

  it('is deterministic for a seed', () => {
    const { x } = blobs([[0, 0], [5, 5], [0, 5]], 40, 2, 1);
    const first = kmeans(x, 3, options);
    const second = kmeans(x, 3, options);
    expect(Array.from(second.labels)).toEqual(Array.from(first.labels));
    expect(Array.from(second.centroids.data)).toEqual(Array.from(first.centroids.data));
    expect(second.silhouette).toEqual(first.silhouette);
  });

  it('recovers blob labels up to renaming', () => {
    const { x, truth } = blobs([[0, 0, 0], [8, 0, 0], [0, 8, 0], [0, 0, 8]], 50, 1, 2);
    const result = kmeans(x, 4, { ...options, starts: 3 });
    expect(adjustedRandIndex(result.labels, truth)).toBe(1);
    expect(result.sizes.reduce((a, b) => a + b, 0)).toBe(200);
  });

  it('inertia equals the sum of squared distances to the assigned centroids', () => {
    const { x } = blobs([[0, 0], [3, 3]], 30, 2, 4);
    const result = kmeans(x, 2, options);
    let sum = 0;
    for (let i = 0; i < x.rows; i++) {
      const c = rowOf(result.centroids, result.labels[i]!);
      sum += rowOf(x, i).reduce((acc, value, j) => acc + (value - c[j]!) ** 2, 0);
    }
    expect(result.inertia).toBeCloseTo(sum, 10);
  });

  it('assigns every point to its nearest centroid', () => {
    const { x } = blobs([[0, 0], [2, 2], [4, 0]], 30, 2, 5);
    const result = kmeans(x, 3, options);
    for (let i = 0; i < x.rows; i++) {
      const distances = [0, 1, 2].map((c) => rowOf(x, i).reduce((acc, value, j) => acc + (value - rowOf(result.centroids, c)[j]!) ** 2, 0));
      expect(distances[result.labels[i]!]).toBe(Math.min(...distances));
    }
  });

  it('clusters directions with the cosine metric, ignoring lengths', () => {
    const x = fromRows([[1, 0.1], [5, 0.4], [0.2, 0.02], [0.1, 1], [0.3, 4], [0.02, 0.5]]);
    const result = kmeans(x, 2, { ...options, metric: 'cosine' });
    expect(adjustedRandIndex(result.labels, [0, 0, 0, 1, 1, 1])).toBe(1);
    for (let c = 0; c < 2; c++) expect(Math.hypot(...rowOf(result.centroids, c))).toBeCloseTo(1, 14);
    expect(result.inertia).toBeGreaterThanOrEqual(0);
    expect(result.inertia).toBeLessThan(0.01);
  });

  it('samples the silhouette with a stated, seeded size', () => {
    const { x } = blobs([[0, 0], [6, 6]], 100, 1, 6);
    const result = kmeans(x, 2, { ...options, silhouetteSampleSize: 50 });
    expect(result.silhouette.sampleSize).toBe(50);
    expect(result.silhouette.exhaustive).toBe(false);
    expect(kmeans(x, 2, { ...options, silhouetteSampleSize: 50 }).silhouette.score).toBe(result.silhouette.score);
    expect(result.silhouette.score!).toBeGreaterThan(0.7);
  });

  it('matches the hand-computed silhouette 47/63', () => {
    // Points 0 and 5: a = 1, b = 4.5, s = 7/9. Points 1 and 4: a = 1, b = 3.5, s = 5/7. Mean (7/9 + 5/7)/2 = 47/63.
    const result = kmeans(fromRows([[0], [1], [4], [5]]), 2, options);
    expect(result.silhouette.score).toBeCloseTo(47 / 63, 15);
  });

  it('gives the cosine silhouette on 1 − cos distances', () => {
    // Directions 0°, 90° and 180°: 90° joins one end, the other end is alone and scores 0. Cosine distances are
    // 1 between neighbours and 2 between the ends, so the far member of the pair has a = 1, b = 2, s = 1/2, and the
    // 90° point has a = 1, b = 1, s = 0. Both optimal partitions give the mean 1/6.
    const result = kmeans(fromRows([[1, 0], [0, 1], [-1, 0]]), 2, { ...options, metric: 'cosine', seed: 1 });
    expect(result.labels[0]).not.toBe(result.labels[2]);
    expect(result.silhouette.score).toBeCloseTo(1 / 6, 15);
  });

  it('gives k = 1 a null silhouette with the reason', () => {
    const result = kmeans(fromRows([[0], [1], [2]]), 1, options);
    expect(result.silhouette.score).toBeNull();
    expect(result.silhouette.reason).toMatch(/two clusters/);
    expect(result.inertia).toBeCloseTo(2, 14);
  });

  it('chooses k by silhouette over a range', () => {
    const { x } = blobs([[0, 0], [10, 0], [0, 10]], 30, 1, 7);
    const { best, candidates } = kmeansSelectK(x, [2, 5], options);
    expect(best.k).toBe(3);
    expect(candidates.map((c) => c.k)).toEqual([2, 3, 4, 5]);
    const bestScore = Math.max(...candidates.map((c) => c.silhouette!));
    expect(best.silhouette.score).toBe(bestScore);
  });

  it('rejects fewer distinct points than k', () => {
    const x = fromRows([[1, 1], [1, 1], [2, 2], [2, 2]]);
    expect(() => kmeans(x, 3, options)).toThrow(expect.objectContaining({ code: 'TOO_FEW_DISTINCT_VECTORS' }));
  });

  it('rejects a zero vector under cosine and k outside 1…n', () => {
    expect(() => kmeans(fromRows([[1, 0], [0, 0]]), 1, { ...options, metric: 'cosine' })).toThrow(expect.objectContaining({ code: 'ZERO_NORM_VECTOR', params: expect.objectContaining({ path: '/vectors/1' }) }));
    expect(() => kmeans(fromRows([[1], [2]]), 3, options)).toThrow(DomainError);
    expect(() => kmeansSelectK(fromRows([[1], [2], [3]]), [2, 3], options)).toThrow(expect.objectContaining({ code: 'INVALID_PARAMETER' }));
  });
});

describe('refillEmptyClusters', () => {
  it('moves the farthest point of a multi-member cluster into the empty one', () => {
    const labels = Int32Array.from([0, 0, 0, 1]);
    const distances = Float64Array.from([1, 5, 2, 9]);
    const counts = Int32Array.from([3, 1, 0]);
    refillEmptyClusters(labels, distances, counts);
    // Point 3 is farther but alone in cluster 1, so point 1 moves.
    expect(Array.from(labels)).toEqual([0, 2, 0, 1]);
    expect(Array.from(counts)).toEqual([2, 1, 1]);
  });

  it('never leaves a cluster empty on random data with large k', () => {
    for (let seed = 0; seed < 100; seed++) {
      const x = { rows: 12, cols: 2, data: Float64Array.from({ length: 24 }, seededRandom(seed)) };
      const result = kmeans(x, 6, { ...options, seed });
      expect(Math.min(...result.sizes)).toBeGreaterThanOrEqual(1);
    }
  });
});
