import { describe, expect, it } from 'vitest';

import { matmul, matmulTransposeA, maxAbs, subtract } from '../../../src/compute/dense.js';
import { csrFromDense, csrMultiply, csrMultiplyTransposed, csrToDense, nnz } from '../../../src/compute/lsa/csr.js';
import { randomMatrix, seededRandom } from '../../helpers.js';

function sparseRandom(rows: number, cols: number, density: number, seed: number) {
  const random = seededRandom(seed);
  const dense = randomMatrix(rows, cols, random);
  for (let i = 0; i < dense.data.length; i++) if (random() > density) dense.data[i] = 0;
  return dense;
}

describe('csr', () => {
  it('round-trips a dense matrix and stores only non-zeros', () => {
    const dense = sparseRandom(7, 11, 0.2, 3);
    const sparse = csrFromDense(dense);
    const nonZeros = dense.data.filter((value) => value !== 0).length;

    expect(nnz(sparse)).toBe(nonZeros);
    expect(sparse.data.length).toBe(nonZeros);
    expect(csrToDense(sparse)).toEqual(dense);
  });

  it('multiplies like the dense product', () => {
    const a = sparseRandom(9, 13, 0.3, 5);
    const b = randomMatrix(13, 4, seededRandom(6));
    const c = randomMatrix(9, 4, seededRandom(7));
    const sparse = csrFromDense(a);

    expect(maxAbs(subtract(csrMultiply(sparse, b), matmul(a, b)))).toBeLessThan(1e-14);
    expect(maxAbs(subtract(csrMultiplyTransposed(sparse, c), matmulTransposeA(a, c)))).toBeLessThan(1e-14);
  });

  it('rejects mismatched shapes', () => {
    const sparse = csrFromDense(sparseRandom(3, 4, 0.5, 1));

    expect(() => csrMultiply(sparse, randomMatrix(3, 2, seededRandom(1)))).toThrow(RangeError);
    expect(() => csrMultiplyTransposed(sparse, randomMatrix(4, 2, seededRandom(1)))).toThrow(RangeError);
  });
});
