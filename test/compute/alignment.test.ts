import { describe, expect, it } from 'vitest';

import { applyAlignment, fitAlignment } from '../../src/compute/alignment.js';
import { type Dense, fromRows, matmul, maxAbs, subtract, transpose } from '../../src/compute/dense.js';
import { qr } from '../../src/compute/qr.js';
import { randomMatrix, seededRandom } from '../helpers.js';
import { availableEngines } from '../../src/compute/engines.js';

describe.each(availableEngines())('$name engine', (engine) => {
  const base = { method: 'procrustes' as const, ridge: 0, allowReflection: true, testFraction: 0, seed: 0 };

  function randomOrthogonal(n: number, seed: number): Dense {
    return qr(engine, randomMatrix(n, n, seededRandom(seed)), { mode: 'reduced', pivoting: false }).q;
  }

  describe('fitAlignment', () => {
    it('procrustes recovers a known rotation exactly', () => {
      const angle = Math.PI / 6;
      const rotation = fromRows([[Math.cos(angle), Math.sin(angle)], [-Math.sin(angle), Math.cos(angle)]]);
      const x = fromRows([[1, 0], [0, 1], [1, 1], [2, -1]]);
      const y = matmul(x, rotation);

      const result = fitAlignment(engine, x, y, base);
      expect(maxAbs(subtract(result.map, rotation))).toBeLessThan(1e-14);
      expect(result.trainResidual.relative).toBeLessThan(1e-14);
      expect(result.orthogonalityError).toBeLessThan(1e-15);
      expect(result.reflection).toBe(false);
    });

    it('procrustes recovers a random orthogonal map and retrieves every held-out pair', () => {
      const q = randomOrthogonal(8, 11);
      const x = randomMatrix(60, 8, seededRandom(12));
      const result = fitAlignment(engine, x, matmul(x, q), { ...base, testFraction: 0.25, seed: 5 });

      expect(maxAbs(subtract(result.map, q))).toBeLessThan(1e-12);
      expect(result.split.testSize).toBe(15);
      expect(result.split.trainSize).toBe(45);
      expect(result.testResidual!.relative).toBeLessThan(1e-12);
      expect(result.retrieval).toEqual({ top1: 1, top5: 1, queries: 15, similarity: 'cosine' });
    });

    it('the split is seeded and the held-out indices are stated', () => {
      const x = randomMatrix(20, 3, seededRandom(1));
      const first = fitAlignment(engine, x, x, { ...base, testFraction: 0.3, seed: 9 });
      const again = fitAlignment(engine, x, x, { ...base, testFraction: 0.3, seed: 9 });
      const other = fitAlignment(engine, x, x, { ...base, testFraction: 0.3, seed: 10 });
      expect(first.split.testIndices).toHaveLength(6);
      expect(again.split.testIndices).toEqual(first.split.testIndices);
      expect(other.split.testIndices).not.toEqual(first.split.testIndices);
    });

    it('procrustes reports a reflection and replaces it by the best rotation on request', () => {
      const reflection = fromRows([[1, 0], [0, -1]]);
      const x = fromRows([[1, 0], [0, 1], [1, 2]]);
      const y = matmul(x, reflection);
      const allowed = fitAlignment(engine, x, y, base);
      expect(allowed.reflection).toBe(true);
      expect(maxAbs(subtract(allowed.map, reflection))).toBeLessThan(1e-14);

      const rotation = fitAlignment(engine, x, y, { ...base, allowReflection: false });
      expect(rotation.reflection).toBe(false);
      expect(engine.slogdet(rotation.map).sign).toBe(1);
      expect(rotation.trainResidual.absolute).toBeGreaterThan(allowed.trainResidual.absolute);
    });

    it('linear map solves the ridge equations', () => {
      const map = fromRows([[1, 2, 0], [0, 1, -1]]);
      const x = randomMatrix(30, 2, seededRandom(21));
      const y = matmul(x, map);
      const exact = fitAlignment(engine, x, y, { ...base, method: 'linear' });
      expect(maxAbs(subtract(exact.map, map))).toBeLessThan(1e-13);
      expect(exact.rank).toBe(2);

      // Ridge: (XᵀX + λI)·W = Xᵀ·Y must hold.
      const ridge = fitAlignment(engine, x, y, { ...base, method: 'linear', ridge: 0.5 });
      const gram = matmul(transpose(x), x);
      for (let i = 0; i < 2; i++) gram.data[i * 2 + i]! += 0.5;
      expect(maxAbs(subtract(matmul(gram, ridge.map), matmul(transpose(x), y)))).toBeLessThan(1e-12);
      expect(ridge.trainResidual.absolute).toBeGreaterThan(exact.trainResidual.absolute);
    });

    it('counts ties against the query in retrieval', () => {
      // Every target is the same vector, so each query ties with all others: top-1 and top-5 both miss.
      const x = fromRows([[1, 0], [1, 0], [1, 0], [1, 0], [1, 0], [1, 0], [1, 0], [1, 0], [1, 0], [1, 0]]);
      const result = fitAlignment(engine, x, x, { ...base, method: 'linear', testFraction: 0.6 });
      expect(result.retrieval!.queries).toBe(6);
      expect(result.retrieval!.top1).toBe(0);
      expect(result.retrieval!.top5).toBe(0);
    });

    it('rejects unpaired inputs and procrustes across dimensions', () => {
      expect(() => fitAlignment(engine, randomMatrix(4, 2, seededRandom(1)), randomMatrix(3, 2, seededRandom(2)), base)).toThrow(
        expect.objectContaining({ code: 'SHAPE_MISMATCH' }),
      );
      expect(() => fitAlignment(engine, randomMatrix(4, 2, seededRandom(1)), randomMatrix(4, 3, seededRandom(2)), base)).toThrow(
        expect.objectContaining({ code: 'SHAPE_MISMATCH' }),
      );
    });
  });

  describe('applyAlignment', () => {
    it('maps rows and checks the inner dimension', () => {
      const mapped = applyAlignment(fromRows([[0, 1], [1, 0]]), fromRows([[3, 4]]));
      expect(Array.from(mapped.data)).toEqual([4, 3]);
      expect(() => applyAlignment(fromRows([[1, 0]]), fromRows([[1, 2]]))).toThrow(expect.objectContaining({ code: 'SHAPE_MISMATCH' }));
    });
  });
});
