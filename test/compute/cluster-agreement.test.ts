import { describe, expect, it } from 'vitest';

import { adjustedRandIndex, purity } from '../../src/compute/cluster-agreement.js';
import { DomainError } from '../../src/errors.js';
import { seededRandom } from '../helpers.js';

describe('adjustedRandIndex', () => {
  it('is 1 for identical labelings', () => {
    expect(adjustedRandIndex([0, 0, 1, 1, 2], [0, 0, 1, 1, 2])).toBe(1);
  });

  it('is 1 for the same partition under other names', () => {
    expect(adjustedRandIndex([0, 0, 1, 1, 2], [7, 7, 3, 3, 5])).toBe(1);
  });

  it('matches the hand-computed 4/7 case', () => {
    // Contingency {2, 1, 1}: index 1, Σ C(a_i, 2) = 2, Σ C(b_j, 2) = 1, E = 2·1/6 = 1/3, max 3/2.
    // ARI = (1 − 1/3) / (3/2 − 1/3) = 4/7.
    expect(adjustedRandIndex([0, 0, 1, 1], [0, 0, 1, 2])).toBeCloseTo(4 / 7, 15);
  });

  it('is −1/2 for crossed halves', () => {
    // Every cell contains one item: index 0, E = 2·2/6 = 2/3, max 2, ARI = (−2/3) / (4/3).
    expect(adjustedRandIndex([0, 0, 1, 1], [0, 1, 0, 1])).toBeCloseTo(-0.5, 15);
  });

  it('is 1 when both labelings are all singletons or all one cluster', () => {
    expect(adjustedRandIndex([0, 1, 2], [5, 6, 7])).toBe(1);
    expect(adjustedRandIndex([0, 0, 0], [1, 1, 1])).toBe(1);
  });

  it('is symmetric and near 0 for independent labelings', () => {
    const random = seededRandom(3);
    const a = Array.from({ length: 2000 }, () => Math.floor(random() * 4));
    const b = Array.from({ length: 2000 }, () => Math.floor(random() * 5));
    expect(adjustedRandIndex(a, b)).toBeCloseTo(adjustedRandIndex(b, a), 14);
    expect(Math.abs(adjustedRandIndex(a, b))).toBeLessThan(0.01);
  });

  it('rejects labelings of different lengths', () => {
    expect(() => adjustedRandIndex([0, 1], [0])).toThrow(DomainError);
  });
});

describe('purity', () => {
  it('is 1 for pure clusters, even split ones', () => {
    expect(purity([0, 0, 1, 2], [0, 0, 1, 1])).toBe(1);
  });

  it('matches the hand-computed 4/6 case', () => {
    // Cluster 0 contains a, a, b (majority 2). Cluster 1 contains b, b, c (majority 2).
    expect(purity([0, 0, 0, 1, 1, 1], [0, 0, 1, 1, 1, 2])).toBeCloseTo(4 / 6, 15);
  });

  it('is the largest class share for one cluster', () => {
    expect(purity([0, 0, 0, 0], [1, 1, 1, 2])).toBe(0.75);
  });
});
