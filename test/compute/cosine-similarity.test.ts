import { describe, expect, it } from 'vitest';

import { fromRows } from '../../src/compute/dense.js';
import { cosineSimilarity } from '../../src/compute/cosine-similarity.js';
import { DomainError } from '../../src/errors.js';
import { randomMatrix, seededRandom } from '../helpers.js';

describe('cosineSimilarity', () => {
  it('of three vectors in the plane', () => {
    const result = cosineSimilarity(fromRows([[1, 0], [1, 1], [0, 2], [-1, 0]]), { top: 3, includeMatrix: true });
    const s = result.matrix!;
    expect(s.data[0 * 4 + 1]).toBeCloseTo(Math.SQRT1_2, 15);
    expect(s.data[0 * 4 + 2]).toBe(0);
    expect(s.data[0 * 4 + 3]).toBe(-1);
    expect(result.topPairs.map(({ i, j }) => [i, j])).toEqual([[0, 1], [1, 2], [0, 2]]);
  });

  it('matrix is symmetric with unit diagonal', () => {
    const result = cosineSimilarity(randomMatrix(12, 5, seededRandom(1)), { top: 5, includeMatrix: true });
    const s = result.matrix!;
    for (let i = 0; i < 12; i++) {
      for (let j = 0; j < 12; j++) {
        expect(Math.abs(s.data[i * 12 + j]!)).toBeLessThanOrEqual(1);
        expect(s.data[i * 12 + j]).toBe(s.data[j * 12 + i]);
      }
      expect(s.data[i * 12 + i]).toBe(1);
    }
  });

  it('top pairs are the largest off-diagonal entries, descending', () => {
    const result = cosineSimilarity(randomMatrix(30, 4, seededRandom(2)), { top: 20, includeMatrix: true });
    const s = result.matrix!;
    const all: number[] = [];
    for (let i = 0; i < 30; i++) for (let j = i + 1; j < 30; j++) all.push(s.data[i * 30 + j]!);
    all.sort((a, b) => b - a);
    expect(result.topPairs.map((pair) => pair.cosine)).toEqual(all.slice(0, 20));
  });

  it('a zero vector is rejected with its index', () => {
    try {
      cosineSimilarity(fromRows([[1, 0], [0, 0]]), { top: 1, includeMatrix: false });
      expect.unreachable();
    } catch (error) {
      expect((error as DomainError).code).toBe('ZERO_NORM_VECTOR');
      expect((error as DomainError).params.index).toBe(1);
    }
  });
});
