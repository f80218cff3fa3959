import { describe, expect, it } from 'vitest';

import type { Dense } from '../../../src/compute/dense.js';
import { embedTexts } from '../../../src/compute/lsa/embed.js';
import { fitLsa } from '../../../src/compute/lsa/fit.js';
import { DomainError } from '../../../src/errors.js';
import { availableEngines } from '../../../src/compute/engines.js';

describe.each(availableEngines())('$name engine', (engine) => {
  // Two topics with disjoint vocabularies, so X is block diagonal and each block's leading singular vector is one of
  // the top two of X: with k = 2, every cardiology note embeds along one axis and every orthopedic note along the other.
  const cardiology = [
    'Chest pain with heart murmur and palpitations.',
    'Heart murmur, chest pain, echocardiogram ordered.',
    'Palpitations and chest pain; echocardiogram shows murmur.',
  ];
  const orthopedics = [
    'Knee fracture with cast and crutches.',
    'Fracture of the knee; cast applied, crutches given.',
    'Knee pain after fracture, cast removed, crutches.',
  ].map((text) => text.replace('pain', 'swelling'));
  const corpus = [...cardiology, ...orthopedics];

  function cosine(a: Dense, i: number, b: Dense, j: number): number {
    let dot = 0;
    let normA = 0;
    let normB = 0;
    for (let c = 0; c < a.cols; c++) {
      const x = a.data[i * a.cols + c]!;
      const y = b.data[j * b.cols + c]!;
      dot += x * y;
      normA += x * x;
      normB += y * y;
    }
    return dot / Math.sqrt(normA * normB);
  }

  describe('fitLsa', () => {
    it('separates two topics into orthogonal clusters', () => {
      const { embeddings } = fitLsa(engine, corpus, { dimensions: 2, embedDocuments: true });

      for (let i = 0; i < 6; i++) {
        for (let j = 0; j < 6; j++) {
          const sameTopic = i < 3 === j < 3;
          if (sameTopic) expect(cosine(embeddings!, i, embeddings!, j)).toBeCloseTo(1, 10);
          else expect(Math.abs(cosine(embeddings!, i, embeddings!, j))).toBeLessThan(1e-10);
        }
      }
    });

    it('embeds new texts onto the matching cluster', () => {
      const { model, embeddings } = fitLsa(engine, corpus, { dimensions: 2, embedDocuments: true });
      const queries = embedTexts(model, ['murmur and palpitations', 'crutches for the fracture']);

      expect(cosine(queries, 0, embeddings!, 0)).toBeCloseTo(1, 10);
      expect(Math.abs(cosine(queries, 0, embeddings!, 3))).toBeLessThan(1e-10);
      expect(cosine(queries, 1, embeddings!, 3)).toBeCloseTo(1, 10);
    });

    it('embeds fitted texts as X·V', () => {
      const { model, embeddings } = fitLsa(engine, corpus, { dimensions: 3, embedDocuments: true });
      const again = embedTexts(model, corpus);

      for (let i = 0; i < again.data.length; i++) expect(again.data[i]).toBeCloseTo(embeddings!.data[i]!, 14);
    });

    it('records the model layout', () => {
      const { model, tfidf } = fitLsa(engine, corpus, { dimensions: 2, seed: 9 });

      expect(model.kind).toBe('lsa');
      expect(model.version).toBe(1);
      expect(model.components.rows).toBe(model.vocabulary.length);
      expect(model.components.cols).toBe(2);
      expect(model.idf.length).toBe(model.vocabulary.length);
      expect(model.fit.seed).toBe(9);
      expect(model.fit.documents).toBe(6);
      expect(model.fit.nnz).toBe(tfidf.nnz);
      // Each document has at most 6 distinct terms, so X stores far fewer than rows × vocabulary entries.
      expect(tfidf.nnz).toBeLessThanOrEqual(6 * 6);
      expect(tfidf.nnz).toBeLessThan(tfidf.rows * tfidf.cols);
      // Two rank-one-dominated blocks: two dimensions keep most of ‖X‖²_F (6, one per unit row).
      expect(model.fit.energyRetained).toBeGreaterThan(0.5);
      expect(model.fit.energyRetained).toBeLessThanOrEqual(1);
    });

    it('is deterministic for a seed', () => {
      const first = fitLsa(engine, corpus, { dimensions: 3, seed: 7 });
      const second = fitLsa(engine, corpus, { dimensions: 3, seed: 7 });

      expect(second.model.components).toEqual(first.model.components);
      expect(second.model.singularValues).toEqual(first.model.singularValues);
    });

    it('defaults to min(256, documents, vocabulary) dimensions', () => {
      const { model } = fitLsa(engine, corpus);

      expect(model.components.cols).toBe(6);
    });

    it('rejects too many dimensions', () => {
      const error = captureError(() => fitLsa(engine, corpus, { dimensions: 7 }));

      expect(error.code).toBe('INVALID_PARAMETER');
      expect(error.params.path).toBe('/dimensions');
      expect(error.params.value).toBe(7);
    });

    it('rejects a corpus of stop words', () => {
      const error = captureError(() => fitLsa(engine, ['the and of', 'she was not']));

      expect(error.code).toBe('EMPTY_VOCABULARY');
    });

    it('rejects a model above the element limit', () => {
      const error = captureError(() => fitLsa(engine, corpus, { dimensions: 2, maxModelElements: 10 }));

      expect(error.code).toBe('RESULT_TOO_LARGE');
      expect(error.params.limit).toBe(10);
    });

    it('reports non-decreasing progress ending at 1', () => {
      const reports: { stage: string; fraction: number }[] = [];
      fitLsa(engine, corpus, { dimensions: 2, powerIterations: 2 }, (progress) => reports.push(progress));

      expect(reports.map((report) => report.stage)).toEqual(['tfidf', 'svd', 'svd', 'svd', 'svd', 'svd', 'svd', 'done']);
      for (let i = 1; i < reports.length; i++) expect(reports[i]!.fraction).toBeGreaterThanOrEqual(reports[i - 1]!.fraction);
      expect(reports.at(-1)!.fraction).toBe(1);
    });
  });

  function captureError(action: () => unknown): DomainError {
    try {
      action();
    } catch (error) {
      if (error instanceof DomainError) return error;
      throw error;
    }
    throw new Error('expected a DomainError');
  }
});
