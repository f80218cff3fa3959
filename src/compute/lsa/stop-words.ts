/**
 * The English stop-word list of the LSA tokenizer: the `eng` list of the `stopword` package (version 3, 108 words)
 * plus the supplement below.
 *
 * The package list lacks several function words that are frequent in clinical notes (she, its, not, no, will, may),
 * so they are added here. The union is fixed by the package version in package-lock.json and by this file, and a
 * stored model records `STOP_WORD_LIST` so that a later change to either shows up as a different list name.
 */

import { createRequire } from 'node:module';

/** Pronouns, auxiliaries, negations and determiners missing from the `stopword` package's English list. */
const SUPPLEMENT = [
  'she', 'hers', 'herself', 'its', 'itself', 'us', 'ours', 'ourselves', 'yours', 'yourself', 'themselves', 'theirs',
  'myself', 'whom', 'whose', 'why', 'when', 'does', 'doing', 'done', 'having', 'will', 'shall', 'may', 'cannot',
  'not', 'no', 'nor', 'off', 'once', 'again', 'further', 'few', 'own', 'just', 'so', 'until', 'against', 'above',
  'below', 'down', 'during', 'either', 'neither', 'every', 'yet', 'upon', 'within', 'without', 'per', 'via',
];

/** Name and version of the list, recorded in each fitted model. */
export const STOP_WORD_LIST = 'stopword@3 eng + vectorspace supplement v1';

let stopWords: ReadonlySet<string> | undefined;

/**
 * Returns the stop-word set, loading the package on first use. The package bundles the lists of 62 languages and
 * takes tens of milliseconds to load, which worker threads that never tokenize should not pay at start.
 */
export function englishStopWords(): ReadonlySet<string> {
  if (stopWords === undefined) {
    const { eng } = createRequire(import.meta.url)('stopword') as typeof import('stopword');
    stopWords = new Set([...eng, ...SUPPLEMENT]);
  }
  return stopWords;
}
