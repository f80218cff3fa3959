/**
 * TF-IDF weighting as scikit-learn's TfidfVectorizer with sublinear_tf=True, smooth_idf=True, norm='l2':
 *
 *   tf(t, d)  = 1 + ln(count of t in d)           (0 when t is absent)
 *   idf(t)    = ln((1 + n) / (1 + df(t))) + 1     (n documents, df(t) of them contain t)
 *   row d     = tf(·, d) · idf(·), scaled to unit Euclidean norm (a row with no known term stays zero)
 *
 * Rows are built as CSR, so the matrix holds one entry per distinct (document, term) pair and nothing else.
 */

import type { Csr } from './csr.js';

/** Smooth idf of each term, from its document frequency among `documentCount` documents. */
export function smoothIdf(documentFrequency: ArrayLike<number>, documentCount: number): Float64Array {
  const idf = new Float64Array(documentFrequency.length);
  for (let j = 0; j < idf.length; j++) idf[j] = Math.log((1 + documentCount) / (1 + documentFrequency[j]!)) + 1;
  return idf;
}

/**
 * Returns the l2-normalised TF-IDF rows of `documents` (term lists) over the vocabulary `index`, as an
 * n_documents × vocabulary CSR matrix. Terms outside the vocabulary are ignored.
 */
export function tfidfMatrix(documents: readonly (readonly string[])[], index: ReadonlyMap<string, number>, idf: Float64Array): Csr {
  const indptr = new Int32Array(documents.length + 1);
  const indexChunks: Int32Array[] = [];
  const dataChunks: Float64Array[] = [];
  let stored = 0;

  for (let i = 0; i < documents.length; i++) {
    const { indices, data } = tfidfRow(documents[i]!, index, idf);
    indexChunks.push(indices);
    dataChunks.push(data);
    stored += indices.length;
    indptr[i + 1] = stored;
  }

  const indices = new Int32Array(stored);
  const data = new Float64Array(stored);
  for (let i = 0; i < documents.length; i++) {
    indices.set(indexChunks[i]!, indptr[i]!);
    data.set(dataChunks[i]!, indptr[i]!);
  }
  return { rows: documents.length, cols: idf.length, indptr, indices, data };
}

/** Computes one l2-normalised TF-IDF row: columns ascending, values aligned with them. */
export function tfidfRow(terms: readonly string[], index: ReadonlyMap<string, number>, idf: Float64Array): { indices: Int32Array; data: Float64Array } {
  const counts = new Map<number, number>();
  for (const term of terms) {
    const column = index.get(term);
    if (column !== undefined) counts.set(column, (counts.get(column) ?? 0) + 1);
  }

  const indices = Int32Array.from(counts.keys()).sort();
  const data = new Float64Array(indices.length);
  let sumSquares = 0;
  for (let p = 0; p < indices.length; p++) {
    const column = indices[p]!;
    const weight = (1 + Math.log(counts.get(column)!)) * idf[column]!;
    data[p] = weight;
    sumSquares += weight * weight;
  }

  // Each weight is at least idf ≥ 1, so a non-empty row has a norm of at least 1 and the division is safe.
  const norm = Math.sqrt(sumSquares);
  for (let p = 0; p < data.length; p++) data[p] = data[p]! / norm;
  return { indices, data };
}
