import { describe, expect, it } from 'vitest';

import { parseWord2vecHeader, parseWord2vecLine, readWord2vec, Word2vecFormatError } from '../../src/ingest/word2vec.js';
import { caseInsensitiveVocabulary, readAnalogyQuestions } from '../../src/ingest/analogy-questions.js';

async function* lines(...items: string[]): AsyncGenerator<string> {
  yield* items;
}

describe('word2vec reader', () => {
  it('reads header and words', async () => {
    const entries = [];
    for await (const entry of readWord2vec(lines('2 3', 'King 0.5 -1 2e-3', '', 'queen 1 2 3 '))) entries.push(entry);
    expect(entries).toEqual([
      { word: 'King', vector: [0.5, -1, 0.002], line: 2 },
      { word: 'queen', vector: [1, 2, 3], line: 4 },
    ]);
  });

  it('rejects wrong field counts and values', () => {
    expect(parseWord2vecHeader(' 8000 300 ')).toEqual({ count: 8000, dimensions: 300 });
    expect(() => parseWord2vecHeader('word 1 2')).toThrow(Word2vecFormatError);
    expect(() => parseWord2vecLine('a 1 2', 5, 3)).toThrow('word2vec line 5: expected a word and 3 numbers, got 3 fields');
    expect(() => parseWord2vecLine('a 1 x', 6, 2)).toThrow('word2vec line 6: value 2 is "x", not a finite number');
  });
});

describe('analogy questions', () => {
  it('first spelling wins, unknown words skipped', () => {
    const vocabulary = caseInsensitiveVocabulary(['Queen', 'king', 'queen', 'man', 'woman', 'Paris']);
    expect(vocabulary.get('queen')).toBe('Queen');

    const text = [': capital-common-countries', 'Athens Greece Paris France', ': gram1-adjective-to-adverb', 'man king woman queen', 'MAN WOMAN KING QUEEN', ''].join('\n');
    const { answerable, skipped } = readAnalogyQuestions(text, vocabulary);
    expect(skipped).toBe(1);
    expect(answerable).toEqual([
      { section: 'gram1-adjective-to-adverb', kind: 'syntactic', a: 'man', b: 'king', c: 'woman', expected: 'queen' },
      { section: 'gram1-adjective-to-adverb', kind: 'syntactic', a: 'man', b: 'woman', c: 'king', expected: 'queen' },
    ]);
  });
});
