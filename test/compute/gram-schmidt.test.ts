import { describe, expect, it } from 'vitest';

import { fromRows, transpose } from '../../src/compute/dense.js';
import { gramSchmidt } from '../../src/compute/gram-schmidt.js';
import { DomainError } from '../../src/errors.js';
import { hilbert, randomMatrix, seededRandom } from '../helpers.js';

/** Läuchli's matrix: columns (1, δ, 0, 0), (1, 0, δ, 0), (1, 0, 0, δ), nearly dependent for small δ. */
function lauchli(delta: number) {
  return fromRows([
    [1, 1, 1],
    [delta, 0, 0],
    [0, delta, 0],
    [0, 0, delta],
  ]);
}

describe('gram-schmidt', () => {
  it('orthonormalises hand-checked vectors', () => {
    // (3, 4) normalises to (0.6, 0.8); (1, 0) minus its projection 0.6·(0.6, 0.8) is (0.64, −0.48), norm 0.8.
    const result = gramSchmidt(transpose(fromRows([[3, 4], [1, 0]])), { method: 'reorthogonalized', dropDependent: false });
    expect(Array.from(result.q.data).map((x) => Number(x.toFixed(12)))).toEqual([0.6, 0.8, 0.8, -0.6]);
    expect(Array.from(result.r.data).map((x) => Number(x.toFixed(12)))).toEqual([5, 0.6, 0, 0.8]);
  });

  it.each(['classical', 'modified', 'reorthogonalized'] as const)('%s reconstructs random vectors', (method) => {
    const vectors = randomMatrix(10, 6, seededRandom(5));
    const result = gramSchmidt(vectors, { method, dropDependent: false });
    expect(result.reconstructionError).toBeLessThan(1e-13);
    expect(result.orthogonalityError).toBeLessThan(1e-13);
    expect(result.kept).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('classical loses orthogonality on Läuchli\'s matrix where the default does not', () => {
    const vectors = lauchli(1e-8);
    const classical = gramSchmidt(vectors, { method: 'classical', dropDependent: false });
    const modified = gramSchmidt(vectors, { method: 'modified', dropDependent: false });
    const reorthogonalized = gramSchmidt(vectors, { method: 'reorthogonalized', dropDependent: false });
    // Known result: classical Gram–Schmidt gives q₂ᵀq₃ ≈ 1/2 here.
    expect(classical.orthogonalityError).toBeGreaterThan(0.4);
    expect(modified.orthogonalityError).toBeLessThan(1e-7);
    expect(reorthogonalized.orthogonalityError).toBeLessThan(1e-15);
  });

  it('keeps the default orthogonal on the ill-conditioned Hilbert 10×10', () => {
    const result = gramSchmidt(hilbert(10), { method: 'reorthogonalized', dropDependent: false });
    expect(result.orthogonalityError).toBeLessThan(1e-14);
  });

  it('rejects a dependent vector naming its index', () => {
    const vectors = transpose(fromRows([[1, 0, 0], [0, 1, 0], [2, 3, 0]]));
    try {
      gramSchmidt(vectors, { method: 'reorthogonalized', dropDependent: false });
      expect.unreachable('a dependent vector was accepted');
    } catch (error) {
      expect((error as DomainError).code).toBe('LINEARLY_DEPENDENT');
      expect((error as DomainError).params.index).toBe(2);
    }
  });

  it('drops dependent and zero vectors when asked', () => {
    const vectors = transpose(fromRows([[0, 0, 0], [1, 0, 0], [2, 0, 0], [0, 0, 5]]));
    const result = gramSchmidt(vectors, { method: 'reorthogonalized', dropDependent: true });
    expect(result.kept).toEqual([1, 3]);
    expect(result.dropped).toEqual([0, 2]);
    expect(result.q.cols).toBe(2);
    expect(result.reconstructionError).toBeLessThan(1e-15);
  });

  it('applies a looser relative tolerance', () => {
    const vectors = transpose(fromRows([[1, 0], [1, 1e-9]]));
    expect(gramSchmidt(vectors, { method: 'reorthogonalized', dropDependent: true }).dropped).toEqual([]);
    expect(gramSchmidt(vectors, { method: 'reorthogonalized', dropDependent: true, rtol: 1e-6 }).dropped).toEqual([1]);
  });
});
