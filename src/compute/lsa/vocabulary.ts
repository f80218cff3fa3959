/**
 * The vocabulary of an LSA model: the terms kept after document-frequency filtering, in code-unit order of the term
 * strings (as JavaScript's default sort gives), so that column j of every matrix of the model is `terms[j]`.
 */

export interface VocabularyOptions {
  /** Keep terms that occur in at least this many documents. */
  minDf: number;
  /** Keep terms that occur in at most this fraction of the documents (scikit-learn's max_df as a float). */
  maxDf: number;
}

export interface Vocabulary {
  terms: string[];
  /** Document frequency of each kept term, aligned with `terms`. */
  documentFrequency: Int32Array;
  index: Map<string, number>;
}

/** Builds the vocabulary from the term lists of the documents (repeats inside a document count once). */
export function buildVocabulary(documents: readonly (readonly string[])[], options: VocabularyOptions): Vocabulary {
  const counts = new Map<string, number>();
  for (const terms of documents) {
    for (const term of new Set(terms)) counts.set(term, (counts.get(term) ?? 0) + 1);
  }

  const maxCount = options.maxDf * documents.length;
  const terms: string[] = [];
  for (const [term, count] of counts) {
    if (count >= options.minDf && count <= maxCount) terms.push(term);
  }
  terms.sort();

  const documentFrequency = Int32Array.from(terms, (term) => counts.get(term)!);
  return { terms, documentFrequency, index: vocabularyIndex(terms) };
}

/** Maps each term to its column. */
export function vocabularyIndex(terms: readonly string[]): Map<string, number> {
  return new Map(terms.map((term, j) => [term, j]));
}
