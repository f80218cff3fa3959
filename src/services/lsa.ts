/**
 * LSA use cases that the embedder service calls: fit a model on texts, and embed texts with a model. Both
 * check their input here, with JSON pointers into the request body, and run the compute in the worker pool.
 *
 * Storage is not part of this layer: `fitLsaService` returns the model (typed arrays, structured-cloneable), and
 * embedders.ts stores it in the database.
 */

import type { LsaFitOptions } from '../compute/lsa/fit.js';
import type { LsaModel } from '../compute/lsa/model.js';
import type { Dense } from '../compute/dense.js';
import type { ProgressReporter } from '../compute/progress.js';
import { DomainError } from '../errors.js';
import type { ComputePool } from './compute-pool.js';

export interface LsaDeps {
  pool: ComputePool;
  /** Largest V accepted (vocabulary × dimensions, in elements). */
  maxModelElements: number;
  /** Time limit of one fit, in milliseconds; fits run longer than ordinary matrix operations. */
  fitTimeoutMs: number;
}

export interface LsaFitRequest {
  texts: string[];
  dimensions?: number;
  bigrams?: boolean;
  minDf?: number;
  maxDf?: number;
  seed?: number;
  powerIterations?: number;
}

export interface LsaFitSummary {
  model: LsaModel;
  dimensions: number;
  vocabularySize: number;
  documents: number;
  emptyDocuments: number;
  nnz: number;
  energyRetained: number;
  singularValues: number[];
}

/** Largest power-iteration count accepted; beyond about 10 the singular values no longer change in float64. */
const MAX_POWER_ITERATIONS = 30;

/** Checks a fit request before it is queued: texts, and the settings with JSON pointers into the request body. */
export function checkLsaFitRequest(body: LsaFitRequest): void {
  checkTexts(body.texts, '/texts');
  checkInteger(body.dimensions, '/dimensions', 1, Number.MAX_SAFE_INTEGER);
  checkInteger(body.minDf, '/minDf', 1, body.texts.length, 'a document count from 1 to the number of texts');
  checkInteger(body.seed, '/seed', 0, 2 ** 32 - 1);
  checkInteger(body.powerIterations, '/powerIterations', 0, MAX_POWER_ITERATIONS);
  if (body.maxDf !== undefined && !(body.maxDf > 0 && body.maxDf <= 1)) {
    throw new DomainError('INVALID_PARAMETER', { path: '/maxDf', value: body.maxDf, reason: 'maxDf is a fraction of the documents, greater than 0 and at most 1' });
  }
}

export async function fitLsaService(deps: LsaDeps, body: LsaFitRequest, onProgress?: ProgressReporter): Promise<LsaFitSummary> {
  checkLsaFitRequest(body);

  const options: LsaFitOptions = {
    dimensions: body.dimensions,
    bigrams: body.bigrams,
    minDf: body.minDf,
    maxDf: body.maxDf,
    seed: body.seed,
    powerIterations: body.powerIterations,
    maxModelElements: deps.maxModelElements,
  };
  const { model } = await deps.pool.run('fitLsa', { texts: body.texts, ...options }, deps.fitTimeoutMs, onProgress);

  return {
    model,
    dimensions: model.components.cols,
    vocabularySize: model.vocabulary.length,
    documents: model.fit.documents,
    emptyDocuments: model.fit.emptyDocuments,
    nnz: model.fit.nnz,
    energyRetained: model.fit.energyRetained,
    singularValues: Array.from(model.singularValues),
  };
}

/**
 * Returns texts×k embeddings (Vᵀ·x per text, see compute/lsa/model.ts); a text with no known term gives zeros.
 *
 * The whole model is copied to the worker on every call (8 bytes × vocabulary × k, about 40 MB for MTSamples at
 * k = 256). Stored embedders avoid that through a per-worker cache (see embedders.ts).
 */
export async function embedLsaService(deps: LsaDeps, model: LsaModel, body: { texts: string[] }): Promise<Dense> {
  checkTexts(body.texts, '/texts');
  const { embeddings } = await deps.pool.run('embedLsa', { model, texts: body.texts });
  return embeddings;
}

export function checkTexts(texts: unknown, path: string): asserts texts is string[] {
  if (!Array.isArray(texts)) throw new DomainError('INVALID_REQUEST', { path, reason: 'expected an array of strings' });
  if (texts.length === 0) throw new DomainError('INVALID_PARAMETER', { path, value: texts, reason: 'send at least one text' });
  texts.forEach((text, i) => {
    if (typeof text !== 'string') throw new DomainError('INVALID_PARAMETER', { path: `${path}/${i}`, value: text, reason: 'each text must be a string' });
  });
}

function checkInteger(value: number | undefined, path: string, min: number, max: number, expected = `an integer from ${min} to ${max}`): void {
  if (value === undefined) return;
  if (!Number.isInteger(value) || value < min || value > max) throw new DomainError('INVALID_PARAMETER', { path, value, reason: `expected ${expected}` });
}
