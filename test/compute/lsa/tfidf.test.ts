import { describe, expect, it } from 'vitest';

import { csrToDense, nnz } from '../../../src/compute/lsa/csr.js';
import { smoothIdf, tfidfMatrix } from '../../../src/compute/lsa/tfidf.js';
import { tokenize } from '../../../src/compute/lsa/tokenizer.js';
import { buildVocabulary } from '../../../src/compute/lsa/vocabulary.js';

const corpus = ['apple banana', 'apple cherry', 'apple banana durian'];

function fitCorpus(texts: string[], minDf = 1, maxDf = 1) {
  const documents = texts.map((text) => tokenize(text, { bigrams: false }));
  const vocabulary = buildVocabulary(documents, { minDf, maxDf });
  const idf = smoothIdf(vocabulary.documentFrequency, documents.length);
  return { vocabulary, idf, x: tfidfMatrix(documents, vocabulary.index, idf) };
}

describe('smooth idf', () => {
  it('matches ln((1 + n) / (1 + df)) + 1 on three documents', () => {
    const { vocabulary, idf } = fitCorpus(corpus);

    expect(vocabulary.terms).toEqual(['apple', 'banana', 'cherry', 'durian']);
    expect(Array.from(vocabulary.documentFrequency)).toEqual([3, 2, 1, 1]);
    // n = 3: df 3 → ln(4/4) + 1, df 2 → ln(4/3) + 1, df 1 → ln(4/2) + 1.
    expect(idf[0]).toBe(1);
    expect(idf[1]).toBeCloseTo(1.2876820724517808, 15);
    expect(idf[2]).toBeCloseTo(1.6931471805599454, 15);
    expect(idf[3]).toBeCloseTo(1.6931471805599454, 15);
  });
});

describe('tfidf matrix', () => {
  it('stores one entry per distinct document term', () => {
    const { x } = fitCorpus(corpus);

    expect(x.rows).toBe(3);
    expect(x.cols).toBe(4);
    expect(nnz(x)).toBe(7);
    expect(x.data.length).toBe(7);
    expect(x.indices.length).toBe(7);
    expect(Array.from(x.indptr)).toEqual([0, 2, 4, 7]);
  });

  it('pins the l2-normalised first row', () => {
    const { x } = fitCorpus(corpus);
    const row = csrToDense(x).data.subarray(0, 4);

    // Row "apple banana": weights (1, 1.28768…), norm √(1 + 1.28768…²) = 1.63035….
    const norm = Math.sqrt(1 + 1.2876820724517808 ** 2);
    expect(row[0]).toBeCloseTo(1 / norm, 14);
    expect(row[1]).toBeCloseTo(1.2876820724517808 / norm, 14);
    expect(row[2]).toBe(0);
    expect(row[3]).toBe(0);
  });

  it('uses sublinear term frequency', () => {
    const { x, idf } = fitCorpus(['apple apple apple banana', 'banana cherry']);
    const row = csrToDense(x).data.subarray(0, 3);

    // tf(apple) = 1 + ln 3, tf(banana) = 1.
    const apple = (1 + Math.log(3)) * idf[0]!;
    const banana = idf[1]!;
    expect(row[0]! / row[1]!).toBeCloseTo(apple / banana, 14);
  });

  it('gives unit rows and empty rows', () => {
    const documents = ['apple banana', 'cherry durian apple', 'zebra'].map((text) => tokenize(text, { bigrams: false }));
    const vocabulary = buildVocabulary(documents.slice(0, 2), { minDf: 1, maxDf: 1 });
    const x = tfidfMatrix(documents, vocabulary.index, smoothIdf(vocabulary.documentFrequency, 2));

    for (let i = 0; i < 2; i++) {
      let sumSquares = 0;
      for (let p = x.indptr[i]!; p < x.indptr[i + 1]!; p++) sumSquares += x.data[p]! ** 2;
      expect(sumSquares).toBeCloseTo(1, 14);
    }
    expect(x.indptr[3]! - x.indptr[2]!).toBe(0);
  });

  it('filters terms by document frequency', () => {
    const { vocabulary } = fitCorpus(corpus, 2, 0.9);

    // apple is in 3 of 3 documents (above 0.9), cherry and durian in 1 (below 2).
    expect(vocabulary.terms).toEqual(['banana']);
  });
});
