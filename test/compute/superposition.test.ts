import { describe, expect, it } from 'vitest';

import { fromRows, identity } from '../../src/compute/dense.js';
import { superposition } from '../../src/compute/superposition.js';
import { randomMatrix, seededRandom } from '../helpers.js';

describe('superposition', () => {
  it('orthogonal features do not interfere', () => {
    const result = superposition(identity(4), { sparsity: 0.5, includeGram: true });
    expect(result.ratio).toBe(1);
    expect(result.interference.maxAbsCosine).toBe(0);
    expect(result.interference.meanAbsCosine).toBe(0);
    expect(result.expected!.meanSquaredInterference).toBe(0);
    expect(result.interference.welchBound).toBe(0);
  });

  it('three features at 120° in the plane meet the Welch bound', () => {
    const s = Math.sqrt(3) / 2;
    const result = superposition(fromRows([[1, 0], [-0.5, s], [-0.5, -s]]), { sparsity: 0.9, includeGram: true });
    expect(result.ratio).toBe(1.5);
    expect(result.interference.maxAbsCosine).toBeCloseTo(0.5, 15);
    expect(result.interference.meanAbsCosine).toBeCloseTo(0.5, 15);
    expect(result.interference.welchBound).toBeCloseTo(0.5, 15);
    // Each feature has two neighbours with cos² = 1/4, so p·Σ c² = 0.1·0.5 = 0.05.
    expect(result.expected!.meanSquaredInterference).toBeCloseTo(0.05, 15);
    expect(result.expected!.randomBaseline).toBeCloseTo(0.1, 15);
    expect(result.neighbours.map((n) => n.neighbour)).toEqual([1, 0, 0]);
  });

  it('Gram matrix keeps the raw lengths', () => {
    const result = superposition(fromRows([[2, 0], [0, 3]]), { includeGram: true });
    expect(Array.from(result.gram!.data)).toEqual([4, 0, 0, 9]);
    expect(result.expected).toBeUndefined();
  });

  it('max interference of random features is at least the Welch bound', () => {
    const result = superposition(randomMatrix(40, 8, seededRandom(1)), { includeGram: false });
    expect(result.interference.maxAbsCosine).toBeGreaterThanOrEqual(result.interference.welchBound);
    expect(result.neighbours).toHaveLength(40);
    for (const n of result.neighbours) expect(n.neighbour).not.toBe(n.feature);
  });
});
