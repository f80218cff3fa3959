import { describe, expect, it } from 'vitest';

import { analogyTarget, euclideanNorm, meanOffset, normalize } from '../../src/compute/vector-offsets.js';

describe('vector offsets', () => {
  it('normalize gives unit length, keeps zero', () => {
    expect(normalize([3, 4])).toEqual([0.6, 0.8]);
    expect(normalize([0, 0])).toEqual([0, 0]);
    expect(euclideanNorm(normalize([1e-200, 3e-200]))).toBeCloseTo(1, 15);
  });

  it('analogy target is scale-invariant', () => {
    expect(analogyTarget([1, 0], [0, 1], [2, 0])).toEqual([0, 1]);
    expect(analogyTarget([5, 0], [0, 0.1], [7, 0])).toEqual(analogyTarget([1, 0], [0, 1], [1, 0]));
  });

  it('mean offset of pairs', () => {
    expect(meanOffset([{ subject: [2, 0], object: [0, 3] }, { subject: [0, 1], object: [1, 0] }])).toEqual([0, 0]);
    expect(meanOffset([{ subject: [1, 0], object: [0, 1] }])).toEqual([-1, 1]);
    expect(() => meanOffset([])).toThrow(RangeError);
  });
});
