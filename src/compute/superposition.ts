/**
 * Superposition analysis of n feature directions in ℝᵐ (the rows of F: n×m): how much the features overlap when
 * more of them than dimensions share the space.
 *
 * - Gram matrix G = F·Fᵀ (n×n, raw inner products, as W·Wᵀ is plotted in Elhage et al., "Toy Models of
 *   Superposition", Anthropic 2022).
 * - Interference: the cosines c_ij = f̂_i·f̂_j off the diagonal; max |c_ij|, mean |c_ij| and mean c_ij², and for each
 *   feature the neighbour j ≠ i with the largest |c_ij|.
 * - Expected interference at activation sparsity S (the probability that a feature is zero, as in that paper): a
 *   readout of feature i along f̂_i picks up Σ_{j≠i} c_ij·a_j from the other active features. Assuming the
 *   activations a_j are independent, non-zero with probability p = 1 − S, zero-mean with E[a_j² | active] = 1,
 *   E[(Σ_{j≠i} c_ij·a_j)²] = p·Σ_{j≠i} c_ij². This formula is derived here from those assumptions; the reply gives
 *   its mean over features and its square root. With E[a_j] ≠ 0 cross terms p²·Σ_{j≠k} c_ij·c_ik add to it.
 * - Baselines: n random unit vectors in ℝᵐ have E[c_ij²] = 1/m, so p·(n − 1)/m; and no n unit vectors in ℝᵐ can have
 *   max |c_ij| below the Welch bound √((n − m)/(m·(n − 1))) for n > m.
 */

import { type Dense, clearNegativeZeros } from './dense.js';
import { cosineMatrix, gramOfRows } from './cosine-similarity.js';

export interface Neighbour {
  feature: number;
  neighbour: number;
  cosine: number;
}

export interface SuperpositionResult {
  features: number;
  dimensions: number;
  /** n/m: above 1 the features cannot all be orthogonal. */
  ratio: number;
  gram?: Dense;
  interference: {
    maxAbsCosine: number;
    /** The pair (i < j) that attains maxAbsCosine. */
    maxPair: { i: number; j: number; cosine: number } | null;
    meanAbsCosine: number;
    meanSquaredCosine: number;
    welchBound: number;
  };
  expected?: {
    sparsity: number;
    activeProbability: number;
    /** Mean over features of p·Σ_{j≠i} c_ij². */
    meanSquaredInterference: number;
    rmsInterference: number;
    /** p·(n − 1)/m, the same quantity for random directions. */
    randomBaseline: number;
  };
  neighbours: Neighbour[];
}

export function superposition(features: Dense, options: { sparsity?: number; includeGram: boolean }): SuperpositionResult {
  const n = features.rows;
  const m = features.cols;
  const cosines = cosineMatrix(features);

  let maxAbsCosine = 0;
  let maxPair: SuperpositionResult['interference']['maxPair'] = null;
  let sumAbs = 0;
  let sumSquares = 0;
  const rowSquares = new Float64Array(n);
  const neighbours: Neighbour[] = [];

  for (let i = 0; i < n; i++) {
    let best: Neighbour | null = null;
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      const c = cosines.data[i * n + j]!;
      rowSquares[i]! += c * c;
      if (best === null || Math.abs(c) > Math.abs(best.cosine)) best = { feature: i, neighbour: j, cosine: c };
      if (j < i) continue;
      sumAbs += Math.abs(c);
      sumSquares += c * c;
      if (maxPair === null || Math.abs(c) > maxAbsCosine) {
        maxAbsCosine = Math.abs(c);
        maxPair = { i, j, cosine: c };
      }
    }
    if (best) neighbours.push(best);
  }

  const pairs = (n * (n - 1)) / 2;
  const result: SuperpositionResult = {
    features: n,
    dimensions: m,
    ratio: n / m,
    interference: {
      maxAbsCosine,
      maxPair,
      meanAbsCosine: pairs === 0 ? 0 : sumAbs / pairs,
      meanSquaredCosine: pairs === 0 ? 0 : sumSquares / pairs,
      welchBound: n > m ? Math.sqrt((n - m) / (m * (n - 1))) : 0,
    },
    neighbours,
  };

  if (options.includeGram) result.gram = clearNegativeZeros(gramOfRows(features));

  if (options.sparsity !== undefined) {
    const p = 1 - options.sparsity;
    const meanSquaredInterference = (p * rowSquares.reduce((sum, value) => sum + value, 0)) / n;
    result.expected = {
      sparsity: options.sparsity,
      activeProbability: p,
      meanSquaredInterference,
      rmsInterference: Math.sqrt(meanSquaredInterference),
      randomBaseline: (p * (n - 1)) / m,
    };
  }
  return result;
}
