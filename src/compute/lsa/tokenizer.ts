/**
 * Text to terms for LSA: Unicode NFKC, lower case, runs of letters as words, English stop words and one-letter words
 * dropped, and optionally the bigrams of the kept words.
 *
 * Anything that is not a letter (`\p{L}`) separates words, so punctuation and digits are removed: "b12" gives "b"
 * (then dropped as one letter), "x-ray" gives "ray", "patient's" gives "patient". Bigrams join two consecutive kept
 * words with one space after stop words are removed, as scikit-learn's CountVectorizer does, so "pain in the knee"
 * gives the bigram "pain knee".
 */

import { englishStopWords } from './stop-words.js';

export interface TokenizerOptions {
  /** Add "w1 w2" for each pair of consecutive kept words. */
  bigrams: boolean;
}

/** Words shorter than this many UTF-16 code units are dropped (scikit-learn's default token pattern keeps 2 or more). */
export const MIN_WORD_LENGTH = 2;

const WORD = /\p{L}+/gu;

/** Returns the terms of `text` in order of appearance, with repeats. */
export function tokenize(text: string, options: TokenizerOptions): string[] {
  const stopWords = englishStopWords();
  const words: string[] = [];
  for (const match of text.normalize('NFKC').toLowerCase().matchAll(WORD)) {
    const word = match[0];
    if (word.length < MIN_WORD_LENGTH || stopWords.has(word)) continue;
    words.push(word);
  }
  if (!options.bigrams) return words;

  const terms = words.slice();
  for (let i = 0; i + 1 < words.length; i++) terms.push(`${words[i]} ${words[i + 1]}`);
  return terms;
}
