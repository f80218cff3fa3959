/**
 * Reader of the word-analogy test set of Mikolov et al. (2013), questions-words.txt: lines `a b c d` meaning
 * "a is to b as c is to d", grouped under `: section` lines (sections named gram* are syntactic, the others
 * semantic). Words are matched to a case-sensitive vocabulary case-insensitively, the first occurrence in the
 * vocabulary's order winning, as gensim's evaluate_word_analogies does with restrict_vocab and case_insensitive.
 */

export interface AnalogyQuestion {
  section: string;
  kind: 'semantic' | 'syntactic';
  /** Vocabulary words (document ids) for a, b and c. */
  a: string;
  b: string;
  c: string;
  /** The expected fourth word d, lower case. */
  expected: string;
}

export interface AnalogySet {
  /** Questions whose four words are all in the vocabulary. */
  answerable: AnalogyQuestion[];
  /** Questions with a word outside the vocabulary. */
  skipped: number;
}

/** Maps each lower-cased word to its first spelling in `words` (in vocabulary order). */
export function caseInsensitiveVocabulary(words: Iterable<string>): Map<string, string> {
  const vocabulary = new Map<string, string>();
  for (const word of words) {
    const key = word.toLowerCase();
    if (!vocabulary.has(key)) vocabulary.set(key, word);
  }
  return vocabulary;
}

export function readAnalogyQuestions(text: string, vocabulary: Map<string, string>): AnalogySet {
  const answerable: AnalogyQuestion[] = [];
  let skipped = 0;
  let section = '';

  for (const line of text.split(/\r?\n/)) {
    if (line.startsWith(':')) {
      section = line.slice(1).trim();
      continue;
    }
    const words = line.trim().toLowerCase().split(/\s+/);
    if (words.length !== 4) continue;

    const [a, b, c] = words.slice(0, 3).map((word) => vocabulary.get(word));
    if (!a || !b || !c || !vocabulary.has(words[3]!)) {
      skipped++;
      continue;
    }
    answerable.push({ section, kind: section.startsWith('gram') ? 'syntactic' : 'semantic', a, b, c, expected: words[3]! });
  }
  return { answerable, skipped };
}
