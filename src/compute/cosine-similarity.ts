/**
 * Pairwise cosine similarity of p vectors (the rows of X: p×n): S = X̂·X̂ᵀ with X̂ the rows scaled to unit length,
 * entries clipped to [−1, 1], and the `top` most similar pairs i < j.
 *
 * NOTE: computed here in float64 on the compute pool. It belongs on the TensorFlow.js layer once that layer exists
 * in this codebase, with this function kept as the float64 reference the tfjs result is checked against.
 */

import { DomainError } from '../errors.js';
import { type Dense, zeros } from './dense.js';
import { vectorNorm } from './span.js';

export interface SimilarPair {
  i: number;
  j: number;
  cosine: number;
}

export interface CosineSimilarityResult {
  /** p×p, omitted when the caller asks only for the top pairs. */
  matrix?: Dense;
  /** The most similar pairs i < j, by cosine descending (ties: smaller i, then smaller j, first). */
  topPairs: SimilarPair[];
}

/** Scales each row of X to unit Euclidean length; a zero row is rejected with ZERO_NORM_VECTOR and its index. */
export function normalizeRows(x: Dense): Dense {
  const out = zeros(x.rows, x.cols);
  for (let i = 0; i < x.rows; i++) {
    const row = x.data.subarray(i * x.cols, (i + 1) * x.cols);
    const norm = vectorNorm(row);
    if (norm === 0) throw new DomainError('ZERO_NORM_VECTOR', { index: i, path: `row ${i}` });
    for (let j = 0; j < x.cols; j++) out.data[i * x.cols + j] = row[j]! / norm;
  }
  return out;
}

/** Returns X̂·X̂ᵀ for row-normalised X̂, clipped to [−1, 1], with the diagonal set to exactly 1 (cos(x, x) = 1). */
export function cosineMatrix(x: Dense): Dense {
  const similarity = gramOfRows(normalizeRows(x));
  for (let i = 0; i < similarity.data.length; i++) similarity.data[i] = Math.max(-1, Math.min(1, similarity.data[i]!));
  for (let i = 0; i < x.rows; i++) similarity.data[i * x.rows + i] = 1;
  return similarity;
}

/**
 * Returns X·Xᵀ for X: p×n, computing each entry i ≤ j once as a dot product of two contiguous rows and mirroring
 * it, so the result is exactly symmetric and takes half the multiplications of a general product.
 */
export function gramOfRows(x: Dense): Dense {
  const p = x.rows;
  const n = x.cols;
  const data = x.data;
  const out = zeros(p, p);
  for (let i = 0; i < p; i++) {
    const offsetI = i * n;
    for (let j = i; j < p; j++) {
      const offsetJ = j * n;
      // Four independent accumulators let the CPU overlap the additions (about twice as fast as one in Node 20).
      let sum0 = 0;
      let sum1 = 0;
      let sum2 = 0;
      let sum3 = 0;
      let k = 0;
      for (; k + 3 < n; k += 4) {
        sum0 += data[offsetI + k]! * data[offsetJ + k]!;
        sum1 += data[offsetI + k + 1]! * data[offsetJ + k + 1]!;
        sum2 += data[offsetI + k + 2]! * data[offsetJ + k + 2]!;
        sum3 += data[offsetI + k + 3]! * data[offsetJ + k + 3]!;
      }
      for (; k < n; k++) sum0 += data[offsetI + k]! * data[offsetJ + k]!;
      const sum = sum0 + sum1 + (sum2 + sum3);
      out.data[i * p + j] = sum;
      out.data[j * p + i] = sum;
    }
  }
  return out;
}

export function cosineSimilarity(x: Dense, options: { top: number; includeMatrix: boolean }): CosineSimilarityResult {
  const similarity = cosineMatrix(x);
  const topPairs = topPairsOf(similarity, options.top);
  return options.includeMatrix ? { matrix: similarity, topPairs } : { topPairs };
}

/** Finds the `top` largest off-diagonal entries i < j of a symmetric p×p matrix, keeping a sorted list of at most `top`. */
export function topPairsOf(similarity: Dense, top: number): SimilarPair[] {
  const p = similarity.rows;
  const best: SimilarPair[] = [];
  if (top <= 0) return best;
  for (let i = 0; i < p; i++) {
    for (let j = i + 1; j < p; j++) {
      const cosine = similarity.data[i * p + j]!;
      if (best.length === top && cosine <= best[best.length - 1]!.cosine) continue;
      // Insert after every pair with a cosine ≥ this one, so earlier pairs win ties.
      let position = best.length;
      while (position > 0 && best[position - 1]!.cosine < cosine) position--;
      best.splice(position, 0, { i, j, cosine });
      if (best.length > top) best.pop();
    }
  }
  return best;
}
