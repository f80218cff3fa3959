/**
 * A fitted LSA model: everything needed to embed a new text the same way as the fitted documents.
 *
 * Embedding convention: a text becomes its l2-normalised TF-IDF row x (vocabulary-sized, sparse), and its embedding
 * is Vᵀ·x (k numbers), where V (vocabulary×k) holds the right singular vectors of the TF-IDF matrix X. For a fitted
 * document this is row i of X·V, which equals U·Σ of the truncated SVD, scikit-learn's TruncatedSVD.transform
 * convention. Dimensions keep their singular-value weights (no Σ⁻¹ fold-in), so cosine similarity between
 * embeddings approximates the cosine between TF-IDF rows in the rank-k subspace.
 */

import type { Dense } from '../dense.js';
import type { TokenizerOptions } from './tokenizer.js';

/** Version of the model layout; raise it when a field changes meaning, so that stored models of an older layout are recognised. */
export const LSA_MODEL_VERSION = 1;

export interface LsaModel {
  kind: 'lsa';
  version: typeof LSA_MODEL_VERSION;
  tokenizer: TokenizerOptions & { stopWords: string; minWordLength: number };
  /** Terms in column order. */
  vocabulary: string[];
  /** Smooth idf per term, aligned with `vocabulary`. */
  idf: Float64Array;
  /** V: vocabulary×k; the embedding of a TF-IDF row x is Vᵀ·x. */
  components: Dense;
  /** The k singular values of the TF-IDF matrix, descending. */
  singularValues: Float64Array;
  fit: LsaFitRecord;
}

/** Fit settings and statistics, kept for reproduction and for the job record. */
export interface LsaFitRecord {
  documents: number;
  /** Documents with no vocabulary term, whose TF-IDF row and embedding are zero. */
  emptyDocuments: number;
  seed: number;
  minDf: number;
  maxDf: number;
  oversamples: number;
  powerIterations: number;
  /** Stored entries of the TF-IDF matrix. */
  nnz: number;
  /**
   * Σσ²/‖X‖²_F over the k singular values: the share of the TF-IDF matrix's squared Frobenius norm that the rank-k
   * model keeps. Rows of X have unit norm, so ‖X‖²_F is the number of non-empty documents.
   */
  energyRetained: number;
}
