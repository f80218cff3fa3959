/**
 * Agreement between two labelings of the same n items, such as k-means clusters against known classes.
 * Labels are non-negative integers. Callers map string labels to integers first.
 */

import { DomainError } from '../errors.js';

/** Contingency table: counts[i][j] items with label i in `a` and label j in `b`, with the row and column sums. */
function contingency(a: ArrayLike<number>, b: ArrayLike<number>) {
  if (a.length !== b.length) {
    throw new DomainError('SHAPE_MISMATCH', { reason: `the labelings have ${a.length} and ${b.length} items`, path: '/referenceLabels' });
  }
  const rows = new Map<number, Map<number, number>>();
  const rowSums = new Map<number, number>();
  const colSums = new Map<number, number>();
  for (let i = 0; i < a.length; i++) {
    const row = rows.get(a[i]!) ?? new Map<number, number>();
    row.set(b[i]!, (row.get(b[i]!) ?? 0) + 1);
    rows.set(a[i]!, row);
    rowSums.set(a[i]!, (rowSums.get(a[i]!) ?? 0) + 1);
    colSums.set(b[i]!, (colSums.get(b[i]!) ?? 0) + 1);
  }
  return { rows, rowSums, colSums };
}

function pairs(count: number): number {
  return (count * (count - 1)) / 2;
}

/**
 * Adjusted Rand index (Hubert & Arabie, 1985): the Rand index corrected for chance, 1 for identical partitions
 * (whatever the label names), about 0 for independent ones, and negative below chance.
 *
 * ARI = (Σ_ij C(n_ij, 2) − E) / (½(Σ_i C(a_i, 2) + Σ_j C(b_j, 2)) − E), with E = Σ_i C(a_i, 2)·Σ_j C(b_j, 2) / C(n, 2).
 * The denominator is zero only when both labelings put every item alone or both put all items together. The
 * partitions are then identical, and the index is 1, as in scikit-learn's adjusted_rand_score.
 */
export function adjustedRandIndex(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const { rows, rowSums, colSums } = contingency(a, b);

  let index = 0;
  for (const row of rows.values()) for (const count of row.values()) index += pairs(count);
  let sumA = 0;
  for (const count of rowSums.values()) sumA += pairs(count);
  let sumB = 0;
  for (const count of colSums.values()) sumB += pairs(count);

  const totalPairs = pairs(a.length);
  const expected = totalPairs === 0 ? 0 : (sumA * sumB) / totalPairs;
  const maximum = (sumA + sumB) / 2;
  if (maximum === expected) return 1;
  return (index - expected) / (maximum - expected);
}

/**
 * Purity of `clusters` against `classes`: the share of items that belong to the most common class of their cluster,
 * (1/n)·Σ_clusters max_class |cluster ∩ class|. It is 1 when every cluster is pure, and it rises with the number of
 * clusters (n singleton clusters have purity 1), so compare it only at equal k.
 */
export function purity(clusters: ArrayLike<number>, classes: ArrayLike<number>): number {
  const { rows } = contingency(clusters, classes);
  if (clusters.length === 0) return 1;

  let majority = 0;
  for (const row of rows.values()) majority += Math.max(...row.values());
  return majority / clusters.length;
}
