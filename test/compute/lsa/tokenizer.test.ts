import { describe, expect, it } from 'vitest';

import { englishStopWords } from '../../../src/compute/lsa/stop-words.js';
import { tokenize } from '../../../src/compute/lsa/tokenizer.js';

describe('tokenize', () => {
  it('drops punctuation, digits, stop words and single letters', () => {
    const text = "The patient's BP was 120/80, x-ray of the L4-L5 spine.";
    expect(tokenize(text, { bigrams: false })).toEqual(['patient', 'bp', 'ray', 'spine']);
  });

  it('lower-cases and normalises Unicode', () => {
    expect(tokenize('HEART Murmur ＡＢＣ', { bigrams: false })).toEqual(['heart', 'murmur', 'abc']);
  });

  it('adds bigrams of consecutive kept words', () => {
    expect(tokenize('pain in the left knee', { bigrams: true })).toEqual(['pain', 'left', 'knee', 'pain left', 'left knee']);
  });

  it('returns nothing for stop words only', () => {
    expect(tokenize('she was not in the', { bigrams: true })).toEqual([]);
  });

  it('stop-word list covers package and supplement words', () => {
    for (const word of ['the', 'and', 'was', 'she', 'its', 'not', 'will']) expect(englishStopWords().has(word), word).toBe(true);
    for (const word of ['pain', 'heart', 'left', 'right']) expect(englishStopWords().has(word), word).toBe(false);
  });
});
