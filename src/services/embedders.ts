/**
 * Stored text embedders: fit an LSA model as a job, read its metadata, and embed texts with it. Models are stored in
 * the `embedders` table, V and idf as float64 bytea (see src/db/embedders.ts). They are cached twice: decoded in
 * this process (the `embedderCacheSize` most recently used), and inside each worker thread by id. A worker thus
 * receives a model once rather than with every request (see compute/lsa/embedder-cache.ts).
 */

import { randomUUID } from 'node:crypto';

import type { Dense } from '../compute/dense.js';
import { LSA_MODEL_VERSION, type LsaFitRecord, type LsaModel } from '../compute/lsa/model.js';
import type { ProgressReporter } from '../compute/progress.js';
import { STOP_WORD_LIST } from '../compute/lsa/stop-words.js';
import { MIN_WORD_LENGTH } from '../compute/lsa/tokenizer.js';
import type { Database } from '../db/database.js';
import { type EmbedderRecord, findEmbedder, insertEmbedder, loadEmbedderArrays } from '../db/embedders.js';
import { DomainError } from '../errors.js';
import type { ComputePool } from './compute-pool.js';
import type { EmbeddingStore, TextEmbedder } from './embedding-store.js';
import type { JobRunner, JobView } from './jobs.js';
import { checkLsaFitRequest, checkTexts, fitLsaService, type LsaFitRequest } from './lsa.js';

export interface EmbedderSettings {
  fitTimeoutMs: number;
  lsaMaxModelElements: number;
  embedderCacheSize: number;
}

export interface FitEmbedderRequest extends Partial<LsaFitRequest> {
  kind: 'lsa';
  /** Fit on the stored texts of this collection instead of `texts`. */
  collection?: string;
}

/** Embedder metadata as the API returns it. */
export interface EmbedderView {
  id: string;
  kind: 'lsa';
  dimensions: number;
  vocabularySize: number;
  createdAt: string;
  tokenizer: { bigrams: boolean; stopWords: string; minWordLength: number };
  fit: LsaFitRecord;
  singularValues: number[];
  /** Storage of V and idf: little-endian float64 bytea, `bytes` in all. */
  storage: { dtype: 'float64'; bytes: number };
}

export interface FitResult {
  [field: string]: unknown;
  embedderId: string;
  dimensions: number;
  vocabularySize: number;
  documents: number;
  emptyDocuments: number;
  energyRetained: number;
}

/** Settings column of an LSA embedder: the model minus its vocabulary and arrays. */
interface LsaSettings {
  version: number;
  tokenizer: LsaModel['tokenizer'];
  fit: LsaFitRecord;
  singularValues: number[];
}

/** Metadata records kept per process; they are small, and embedders never change. */
const MAX_CACHED_RECORDS = 1000;

export class EmbedderService implements TextEmbedder {
  readonly #pool: ComputePool;
  readonly #store: EmbeddingStore;
  readonly #jobs: JobRunner;
  readonly #settings: EmbedderSettings;
  readonly #records = new Map<string, EmbedderRecord>();
  /** Decoded models, least recently used first. */
  readonly #models = new Map<string, LsaModel>();

  constructor(pool: ComputePool, store: EmbeddingStore, jobs: JobRunner, settings: EmbedderSettings) {
    this.#pool = pool;
    this.#store = store;
    this.#jobs = jobs;
    this.#settings = settings;
  }

  /**
   * Checks the request and queues the fit as a job. Posted texts are checked now (400s before a job exists); a
   * collection must exist now, and its texts are read when the job starts.
   */
  /**
   * A collection source is read in `tenant`. NOTE: embedders themselves are not owned by a tenant: any key with
   * the scope can use one by id.
   */
  async startFit(request: FitEmbedderRequest, tenant?: string): Promise<JobView> {
    const store = tenant === undefined ? this.#store : this.#store.forTenant(tenant);
    if ((request.texts === undefined) === (request.collection === undefined)) {
      throw new DomainError('INVALID_REQUEST', { path: '/', reason: 'give exactly one of texts and collection' });
    }
    if (request.texts !== undefined) checkLsaFitRequest({ ...request, texts: request.texts });
    else await store.getCollection(request.collection!);

    const summary: Record<string, unknown> = {
      kind: request.kind,
      ...(request.texts ? { texts: request.texts.length } : { collection: request.collection }),
      dimensions: request.dimensions ?? null,
      bigrams: request.bigrams ?? false,
      minDf: request.minDf ?? 1,
      maxDf: request.maxDf ?? 1,
      seed: request.seed ?? 0,
      powerIterations: request.powerIterations ?? null,
    };
    return this.#jobs.start('fit-embedder', summary, async (job) => this.fit(request, job.progress, store));
  }

  /**
   * Fits and stores an embedder now, without a job (the ingest command uses this), and returns the job result:
   * { embedderId, dimensions, vocabularySize, documents, emptyDocuments, energyRetained }.
   */
  async fit(request: FitEmbedderRequest, onProgress?: ProgressReporter, store: EmbeddingStore = this.#store): Promise<FitResult> {
    const texts = request.texts ?? (await this.#collectionTexts(store, request.collection!));
    const fitted = await fitLsaService(
      { pool: this.#pool, maxModelElements: this.#settings.lsaMaxModelElements, fitTimeoutMs: this.#settings.fitTimeoutMs },
      { ...request, texts },
      onProgress,
    );

    const id = `lsa-${randomUUID()}`;
    const settings: LsaSettings = { version: fitted.model.version, tokenizer: fitted.model.tokenizer, fit: fitted.model.fit, singularValues: fitted.singularValues };
    const db = await this.#store.database();
    const record = await db.transaction((tx) =>
      insertEmbedder(
        tx,
        { id, kind: 'lsa', dimensions: fitted.dimensions, vocabularySize: fitted.vocabularySize, settings: settings as unknown as Record<string, unknown> },
        { vocabulary: fitted.model.vocabulary, idf: fitted.model.idf, components: fitted.model.components.data },
      ),
    );
    this.#remember(this.#records, record.id, record, MAX_CACHED_RECORDS);
    this.#remember(this.#models, id, fitted.model, this.#settings.embedderCacheSize);

    return {
      embedderId: id,
      dimensions: fitted.dimensions,
      vocabularySize: fitted.vocabularySize,
      documents: fitted.documents,
      emptyDocuments: fitted.emptyDocuments,
      energyRetained: fitted.energyRetained,
    };
  }

  async get(id: string): Promise<EmbedderView> {
    const record = await this.#record(id);
    const settings = record.settings as unknown as LsaSettings;
    return {
      id: record.id,
      kind: record.kind,
      dimensions: record.dimensions,
      vocabularySize: record.vocabularySize,
      createdAt: record.createdAt,
      tokenizer: settings.tokenizer,
      fit: settings.fit,
      singularValues: settings.singularValues,
      storage: { dtype: 'float64', bytes: 8 * record.vocabularySize * (record.dimensions + 1) },
    };
  }

  async dimensions(id: string): Promise<number> {
    return (await this.#record(id)).dimensions;
  }

  /** Returns texts × dimensions embeddings; a text with no vocabulary term embeds to zeros. */
  async embedMatrix(id: string, texts: string[], path = '/texts'): Promise<Dense> {
    checkTexts(texts, path);
    await this.#record(id);

    const args = { embedderId: id, texts, cacheSize: this.#settings.embedderCacheSize };
    const first = await this.#pool.run('embedLsaCached', args);
    if ('embeddings' in first) return first.embeddings;

    const second = await this.#pool.run('embedLsaCached', { ...args, model: await this.#model(id) });
    if ('embeddings' in second) return second.embeddings;
    throw new Error(`The worker did not keep embedder ${id} although the model was sent.`);
  }

  async embed(id: string, texts: string[]): Promise<number[][]> {
    const matrix = await this.embedMatrix(id, texts);
    const rows: number[][] = [];
    for (let i = 0; i < matrix.rows; i++) rows.push(Array.from(matrix.data.subarray(i * matrix.cols, (i + 1) * matrix.cols)));
    return rows;
  }

  async #collectionTexts(store: EmbeddingStore, collection: string): Promise<string[]> {
    const texts = (await store.collectionTexts(collection)).map((document) => document.text);
    if (texts.length === 0) {
      throw new DomainError('INVALID_PARAMETER', { path: '/collection', value: collection, reason: 'the collection has no document with a non-empty text to fit on' });
    }
    return texts;
  }

  async #record(id: string): Promise<EmbedderRecord> {
    const cached = this.#records.get(id);
    if (cached) return cached;
    const record = await findEmbedder(await this.#store.database(), id);
    if (!record) throw new DomainError('EMBEDDER_NOT_FOUND', { embedder: id });
    this.#remember(this.#records, id, record, MAX_CACHED_RECORDS);
    return record;
  }

  /** The decoded model, from this process's cache or the database; checks that this build can reproduce it. */
  async #model(id: string): Promise<LsaModel> {
    const cached = this.#models.get(id);
    if (cached) {
      this.#remember(this.#models, id, cached, this.#settings.embedderCacheSize);
      return cached;
    }

    const db: Database = await this.#store.database();
    const record = await this.#record(id);
    const arrays = await loadEmbedderArrays(db, id);
    if (!arrays) throw new DomainError('EMBEDDER_NOT_FOUND', { embedder: id });

    const settings = record.settings as unknown as LsaSettings;
    const invalid = (field: string, reason: string) => new DomainError('INVALID_MODEL', { path: `/embedders/${id}/${field}`, reason });
    if (settings.version !== LSA_MODEL_VERSION) throw invalid('version', `model layout version ${settings.version} is not supported; this build reads version ${LSA_MODEL_VERSION}, so refit the model`);
    if (settings.tokenizer.stopWords !== STOP_WORD_LIST || settings.tokenizer.minWordLength !== MIN_WORD_LENGTH) {
      throw invalid('tokenizer', `the model was fitted with stop words "${settings.tokenizer.stopWords}" and minimum word length ${settings.tokenizer.minWordLength}, but this build uses "${STOP_WORD_LIST}" and ${MIN_WORD_LENGTH}, so refit the model`);
    }
    const terms = record.vocabularySize;
    if (arrays.vocabulary.length !== terms || arrays.idf.length !== terms || arrays.components.length !== terms * record.dimensions) {
      throw invalid('components', `expected ${terms} terms and ${terms}×${record.dimensions} components, found ${arrays.vocabulary.length} terms, ${arrays.idf.length} idf values and ${arrays.components.length} components`);
    }

    const model: LsaModel = {
      kind: 'lsa',
      version: LSA_MODEL_VERSION,
      tokenizer: settings.tokenizer,
      vocabulary: arrays.vocabulary,
      idf: arrays.idf,
      components: { rows: terms, cols: record.dimensions, data: arrays.components },
      singularValues: Float64Array.from(settings.singularValues),
      fit: settings.fit,
    };
    this.#remember(this.#models, id, model, this.#settings.embedderCacheSize);
    return model;
  }

  /** Puts `value` last (most recently used) and drops the oldest entries beyond `limit`. */
  #remember<T>(cache: Map<string, T>, id: string, value: T, limit: number): void {
    cache.delete(id);
    cache.set(id, value);
    while (cache.size > limit) cache.delete(cache.keys().next().value as string);
  }
}
