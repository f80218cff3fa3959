/**
 * Fitting an LSA model: tokenize, build the vocabulary, weight by TF-IDF into a sparse CSR matrix X
 * (documents×vocabulary), and take its truncated SVD X ≈ U·Σ·Vᵀ by the randomized range finder.
 *
 * Rejects (DomainError): a corpus whose vocabulary is empty after stop words and document-frequency filtering
 * (EMPTY_VOCABULARY), `dimensions` above min(documents, vocabulary) (INVALID_PARAMETER at /dimensions), and a model
 * larger than `maxModelElements` (RESULT_TOO_LARGE), checked before the SVD starts.
 */

import type { LinalgEngine } from '../engine.js';
import type { Dense } from '../dense.js';
import type { ProgressReporter } from '../progress.js';
import { DomainError } from '../../errors.js';
import { type Csr, csrMultiply, nnz } from './csr.js';
import { type LsaModel, LSA_MODEL_VERSION } from './model.js';
import { csrOperator, randomizedSvd } from './randomized-svd.js';
import { STOP_WORD_LIST } from './stop-words.js';
import { smoothIdf, tfidfMatrix } from './tfidf.js';
import { MIN_WORD_LENGTH, tokenize } from './tokenizer.js';
import { buildVocabulary } from './vocabulary.js';

export const DEFAULT_LSA_DIMENSIONS = 256;

export interface LsaFitOptions {
  /** k; by default min(256, documents, vocabulary). An explicit value above min(documents, vocabulary) is rejected. */
  dimensions?: number;
  bigrams?: boolean;
  /** Minimum document frequency of a kept term, a count; 1 by default (keep every term). */
  minDf?: number;
  /** Maximum document frequency of a kept term, a fraction of the documents; 1 by default. */
  maxDf?: number;
  /** Seed of the random test matrix; 0 by default. */
  seed?: number;
  oversamples?: number;
  powerIterations?: number;
  /** Also return the fitted documents' embeddings X·V. */
  embedDocuments?: boolean;
  /** Largest model accepted, in elements of V (vocabulary × k); larger fits are rejected with RESULT_TOO_LARGE. */
  maxModelElements?: number;
}

export interface LsaFitResult {
  model: LsaModel;
  /** documents×k, row i the embedding of text i; present when `embedDocuments` is set. */
  embeddings?: Dense;
  /** The TF-IDF matrix's shape and stored entries, for reports and tests. */
  tfidf: { rows: number; cols: number; nnz: number };
}

// Rough shares of the fit time per stage, used only to scale progress fractions.
const TOKENIZE_SHARE = 0.1;
const WEIGHT_SHARE = 0.05;
const PROGRESS_EVERY_DOCUMENTS = 500;

export function fitLsa(engine: LinalgEngine, texts: readonly string[], options: LsaFitOptions = {}, report?: ProgressReporter): LsaFitResult {
  const bigrams = options.bigrams ?? false;
  const minDf = options.minDf ?? 1;
  const maxDf = options.maxDf ?? 1;
  const seed = options.seed ?? 0;

  const documents: string[][] = [];
  for (let i = 0; i < texts.length; i++) {
    documents.push(tokenize(texts[i]!, { bigrams }));
    if (report && (i + 1) % PROGRESS_EVERY_DOCUMENTS === 0) report({ stage: 'tokenize', fraction: (TOKENIZE_SHARE * (i + 1)) / texts.length });
  }

  const vocabulary = buildVocabulary(documents, { minDf, maxDf });
  if (vocabulary.terms.length === 0) throw new DomainError('EMPTY_VOCABULARY', { documents: texts.length, minDf, maxDf });
  const idf = smoothIdf(vocabulary.documentFrequency, documents.length);
  const x = tfidfMatrix(documents, vocabulary.index, idf);
  report?.({ stage: 'tfidf', fraction: TOKENIZE_SHARE + WEIGHT_SHARE });

  const k = resolveDimensions(options.dimensions, x);
  const modelElements = x.cols * k;
  if (options.maxModelElements !== undefined && modelElements > options.maxModelElements) {
    throw new DomainError('RESULT_TOO_LARGE', { elements: modelElements, limit: options.maxModelElements, hint: `the model has ${x.cols} terms × ${k} dimensions; raise minDf, lower maxDf or ask for fewer dimensions` });
  }
  const svdShare = 1 - TOKENIZE_SHARE - WEIGHT_SHARE;
  const factors = randomizedSvd(engine, csrOperator(x), {
    rank: k,
    seed,
    oversamples: options.oversamples,
    powerIterations: options.powerIterations,
    onPass: (done, total) => report?.({ stage: 'svd', fraction: TOKENIZE_SHARE + WEIGHT_SHARE + (svdShare * done) / total }),
  });

  const emptyDocuments = countEmptyRows(x);
  let energy = 0;
  for (const sigma of factors.s) energy += sigma * sigma;
  const nonEmpty = x.rows - emptyDocuments;

  const model: LsaModel = {
    kind: 'lsa',
    version: LSA_MODEL_VERSION,
    tokenizer: { bigrams, stopWords: STOP_WORD_LIST, minWordLength: MIN_WORD_LENGTH },
    vocabulary: vocabulary.terms,
    idf,
    components: factors.v,
    singularValues: factors.s,
    fit: {
      documents: x.rows,
      emptyDocuments,
      seed,
      minDf,
      maxDf,
      oversamples: factors.oversamples,
      powerIterations: factors.powerIterations,
      nnz: nnz(x),
      energyRetained: nonEmpty === 0 ? 0 : Math.min(1, energy / nonEmpty),
    },
  };

  const result: LsaFitResult = { model, tfidf: { rows: x.rows, cols: x.cols, nnz: nnz(x) } };
  if (options.embedDocuments) result.embeddings = csrMultiply(x, factors.v);
  report?.({ stage: 'done', fraction: 1 });
  return result;
}

function resolveDimensions(requested: number | undefined, x: Csr): number {
  const limit = Math.min(x.rows, x.cols);
  if (requested === undefined) return Math.min(DEFAULT_LSA_DIMENSIONS, limit);
  if (!Number.isInteger(requested) || requested < 1 || requested > limit) {
    throw new DomainError('INVALID_PARAMETER', {
      path: '/dimensions',
      value: requested,
      reason: `the number of dimensions must be an integer from 1 to min(documents, vocabulary terms) = min(${x.rows}, ${x.cols}) = ${limit}`,
    });
  }
  return requested;
}

function countEmptyRows(x: Csr): number {
  let empty = 0;
  for (let i = 0; i < x.rows; i++) if (x.indptr[i + 1] === x.indptr[i]) empty++;
  return empty;
}
