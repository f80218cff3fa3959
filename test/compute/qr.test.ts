import { describe, expect, it } from 'vitest';

import { fromRows, matmul, orthogonalityError, relativeError } from '../../src/compute/dense.js';
import { availableEngines } from '../../src/compute/engines.js';
import { permuteColumns, qr } from '../../src/compute/qr.js';
import { propertyFixtures } from '../fixtures.js';

const engines = availableEngines();

describe.each(engines)('qr on the $name engine', (engine) => {
  describe.each(propertyFixtures())('$name', ({ matrix }) => {
    const k = Math.min(matrix.rows, matrix.cols);

    it.each([
      ['reduced', false],
      ['reduced', true],
      ['complete', false],
      ['complete', true],
    ] as const)('%s, pivoting %s: A·P = Q·R with orthonormal Q', (mode, pivoting) => {
      const result = qr(engine, matrix, { mode, pivoting });
      const qCols = mode === 'complete' ? matrix.rows : k;
      expect(result.q.cols).toBe(qCols);
      expect(result.r.rows).toBe(qCols);
      expect(relativeError(permuteColumns(matrix, result.permutation), matmul(result.q, result.r))).toBeLessThan(1e-12);
      expect(orthogonalityError(result.q)).toBeLessThan(1e-12);
      expect(result.orthogonalityError).toBeLessThan(1e-12);
    });

    it('keeps diag(R) non-negative and R upper triangular', () => {
      const { r } = qr(engine, matrix, { mode: 'complete', pivoting: false });
      for (let i = 0; i < r.rows; i++) {
        for (let j = 0; j < Math.min(i, r.cols); j++) expect(r.data[i * r.cols + j]).toBe(0);
        if (i < r.cols) expect(r.data[i * r.cols + i]).toBeGreaterThanOrEqual(0);
      }
    });

    it('orders |diag(R)| non-increasing with pivoting', () => {
      const { r } = qr(engine, matrix, { mode: 'reduced', pivoting: true });
      for (let i = 1; i < Math.min(r.rows, r.cols); i++) {
        expect(r.data[i * r.cols + i]).toBeLessThanOrEqual(r.data[(i - 1) * r.cols + i - 1]! * (1 + 1e-12));
      }
    });
  });

  it('matches a hand-checked factorisation', () => {
    // Columns (3, 4) and (1, 2): q₁ = (0.6, 0.8), r₁₁ = 5, r₁₂ = 0.6 + 1.6 = 2.2, r₂₂ = |(1, 2) − 2.2·q₁| = 0.4.
    const result = qr(engine, fromRows([[3, 1], [4, 2]]), { mode: 'reduced', pivoting: false });
    expect(Array.from(result.r.data).map((x) => Number(x.toFixed(12)))).toEqual([5, 2.2, 0, 0.4]);
    expect(result.q.data[0]).toBeCloseTo(0.6, 14);
    expect(result.q.data[2]).toBeCloseTo(0.8, 14);
  });

  it('pivots the column of largest norm first', () => {
    const result = qr(engine, fromRows([[1, 0, 10], [0, 1, 0]]), { mode: 'reduced', pivoting: true });
    expect(result.permutation[0]).toBe(2);
    expect(result.r.data[0]).toBeCloseTo(10, 14);
  });
});
