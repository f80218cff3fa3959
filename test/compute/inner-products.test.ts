import { describe, expect, it } from 'vitest';

import { innerProducts } from '../../src/compute/inner-products.js';
import { DomainError } from '../../src/errors.js';

const vector = (...values: number[]) => Float64Array.from(values);

describe('innerProducts', () => {
  it('of (1, 0) and (1, 1)', () => {
    const result = innerProducts(vector(1, 0), vector(1, 1));
    expect(result.dot).toBe(1);
    expect(result.cosine).toBeCloseTo(Math.SQRT1_2, 15);
    expect(result.angle).toBeCloseTo(Math.PI / 4, 15);
    expect(result.angleDegrees).toBeCloseTo(45, 13);
    expect(result.norms.y).toEqual({ l1: 2, l2: Math.SQRT2, inf: 1 });
    expect(result.distances.euclidean).toBe(1);
    expect(result.distances.manhattan).toBe(1);
    expect(result.distances.chebyshev).toBe(1);
  });

  it('angle of nearly parallel vectors keeps its digits', () => {
    // arccos(cos θ) returns 0 here, because cos(1e-9) rounds to 1.
    const result = innerProducts(vector(1, 0), vector(1, 1e-9));
    expect(Math.acos(result.cosine!)).toBe(0);
    expect(Math.abs(result.angle! - 1e-9) / 1e-9).toBeLessThan(1e-12);
  });

  it('angle lies in [0, π] for opposite vectors', () => {
    expect(innerProducts(vector(1, 2), vector(-1, -2)).angle).toBeCloseTo(Math.PI, 15);
  });

  it('weighted inner product uses the weights', () => {
    const result = innerProducts(vector(1, 2), vector(3, 4), vector(2, 0.5));
    expect(result.weighted!.inner).toBeCloseTo(2 * 3 + 0.5 * 8, 14);
    expect(result.weighted!.normX).toBeCloseTo(Math.sqrt(2 + 2), 14);
  });

  it('non-positive weights are rejected', () => {
    for (const bad of [0, -1]) {
      try {
        innerProducts(vector(1, 2), vector(3, 4), vector(1, bad));
        expect.unreachable();
      } catch (error) {
        expect((error as DomainError).code).toBe('INVALID_PARAMETER');
        expect((error as DomainError).params.path).toBe('/weights/1');
      }
    }
  });

  it('zero vector has no cosine or angle', () => {
    const result = innerProducts(vector(0, 0), vector(1, 1));
    expect(result.cosine).toBeNull();
    expect(result.angle).toBeNull();
    expect(result.dot).toBe(0);
  });

  it('overflowing values come back as null, not Infinity', () => {
    const result = innerProducts(vector(1e200, 1e200), vector(1e200, 1e200));
    expect(result.dot).toBeNull();
    expect(result.cosine).toBeCloseTo(1, 15);
    expect(result.norms.x.l2).toBeCloseTo(Math.SQRT2 * 1e200, -185);
  });
});
