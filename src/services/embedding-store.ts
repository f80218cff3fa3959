/**
 * The embedding store's use cases: collections, documents, nearest-neighbour search, analogies and relation
 * vectors. Requests are validated here (vectors, filters, duplicate ids) before any SQL runs, and src/db contains
 * the SQL.
 */

import { analogyTarget, euclideanNorm, meanOffset, normalize } from '../compute/vector-offsets.js';
import {
  type CollectionRecord,
  countDocuments,
  deleteCollection,
  findCollection,
  insertCollection,
  listCollections,
  type Metric,
  setCollectionEmbedder,
} from '../db/collections.js';
import { type Database, sqlState } from '../db/database.js';
import { deleteDocument, type DocumentInput, findNearest, getDocuments, type NearestRow, readTexts, type StoredDocument, upsertDocuments } from '../db/documents.js';
import { type EmbeddingSample, embeddingsById, sampleEmbeddings, setMetadataKey } from '../db/embedding-samples.js';
import type { FilterCondition } from '../db/filter-sql.js';
import { DomainError } from '../errors.js';
import { readFilter } from './metadata-filter.js';
import { readVector } from './vector-input.js';

export interface StoreSettings {
  hnswM: number;
  hnswEfConstruction: number;
  hnswEfSearch: number;
  hnswMaxScanTuples: number;
}

/** Largest k of a search: pgvector caps hnsw.ef_search, which must be ≥ k, at 1,000. */
export const MAX_K = 1000;

/**
 * Turns texts into vectors with a stored embedder. The app connects the embedder service here, so that collections
 * naming an embedder accept text-only documents and text queries.
 */
export interface TextEmbedder {
  /** Vector length of the embedder; rejects with EMBEDDER_NOT_FOUND when no embedder has that id. */
  dimensions(embedderId: string): Promise<number>;
  /** One vector per text, in order; a text with no vocabulary term gives a zero vector. */
  embed(embedderId: string, texts: string[]): Promise<number[][]>;
}

export interface CollectionView {
  name: string;
  dimensions: number;
  metric: Metric;
  model: string | null;
  /** Id of the embedder of text-only documents and text queries, or null. */
  embedder: string | null;
  hnsw: { m: number; efConstruction: number };
  createdAt: string;
  documentCount?: number;
}

export interface Hit {
  id: string;
  /** cosine: cos θ = 1 − distance; inner_product: a·b = −distance; l2: 1 / (1 + distance). Never NaN. */
  similarity: number;
  distance: number;
  metadata: Record<string, unknown>;
}

export interface SearchReply {
  collection: string;
  method: 'hnsw' | 'exact';
  k: number;
  /** True when the HNSW scan stopped at HNSW_MAX_SCAN_TUPLES with fewer than k hits although more documents matched. */
  scanLimitReached: boolean;
  hits: Hit[];
}

interface RankOptions {
  k: number;
  filter: FilterCondition[];
  excludeIds: string[];
  exact: boolean;
  minSimilarity: number | undefined;
  /** Ranking metric; the index serves only the collection's own metric, so any other forces an exact scan. */
  metric: Metric;
}

/** Tenant of a store made without `forTenant`, and of collections created before tenants existed. */
export const DEFAULT_TENANT = 'default';

/** State shared by every tenant's view of one store: the database and the record cache. */
interface SharedState {
  open: () => Promise<Database>;
  database: Promise<Database> | undefined;
  /** The opened database, once `database` resolved (for pool metrics, which are read synchronously). */
  opened: Database | undefined;
  /**
   * Collection records by tenant and name. A cached record can outlive its collection when another instance deletes
   * it. Its table, named by an id that is never reused, is then gone, so `#withCollection` reloads the record.
   */
  collections: Map<string, CollectionRecord>;
  /** The embedder service, shared by every tenant's view; set by `useTextEmbedder`. */
  textEmbedder: TextEmbedder | undefined;
}

/**
 * One tenant's view of the embedding store. Every method acts on that tenant's collections only: another tenant's
 * collection of the same name is invisible (COLLECTION_NOT_FOUND, as for a missing one). `forTenant` gives the
 * view of another tenant over the same database.
 */
export class EmbeddingStore {
  readonly #settings: StoreSettings;
  readonly #shared: SharedState;
  readonly tenant: string;

  /** `open` runs on first use (or on `database()`), so an app that never touches the store never opens it. */
  constructor(open: () => Promise<Database>, settings: StoreSettings, tenant: string = DEFAULT_TENANT, shared?: SharedState) {
    this.#settings = settings;
    this.#shared = shared ?? { open, database: undefined, opened: undefined, collections: new Map(), textEmbedder: undefined };
    this.tenant = tenant;
  }

  /** Returns the same store as `tenant` sees it: same database, same cache. */
  forTenant(tenant: string): EmbeddingStore {
    if (tenant === this.tenant) return this;
    return new EmbeddingStore(this.#shared.open, this.#settings, tenant, this.#shared);
  }

  /** Connects the embedder service; without one, collections cannot name an embedder. */
  useTextEmbedder(embedder: TextEmbedder): void {
    this.#shared.textEmbedder = embedder;
  }

  /** Opens and migrates the database on first call; a failed open is retried on the next call. */
  database(): Promise<Database> {
    const shared = this.#shared;
    if (!shared.database) {
      shared.database = shared.open();
      shared.database.then(
        (db) => {
          shared.opened = db;
        },
        () => {
          shared.database = undefined;
        },
      );
    }
    return shared.database;
  }

  /** Returns the database if it is already open, else undefined; it never opens it. */
  openedDatabase(): Database | undefined {
    return this.#shared.opened;
  }

  /** Closes the database if it was opened. */
  async close(): Promise<void> {
    const opening = this.#shared.database;
    this.#shared.database = undefined;
    this.#shared.opened = undefined;
    if (opening) await (await opening.catch(() => undefined))?.close();
  }

  #cacheKey(name: string): string {
    return `${this.tenant}\u0000${name}`;
  }

  /** With `embedder`, `dimensions` may be left out and defaults to the embedder's; a different value is rejected. */
  async createCollection(request: {
    name: string;
    dimensions?: number;
    metric?: Metric;
    model?: string;
    embedder?: string;
    hnsw?: { m?: number; efConstruction?: number };
  }): Promise<CollectionView> {
    const db = await this.database();
    let dimensions = request.dimensions;
    if (request.embedder !== undefined) {
      const embedderDimensions = await this.#embedder().dimensions(request.embedder);
      if (dimensions !== undefined && dimensions !== embedderDimensions) {
        throw new DomainError('EMBEDDER_MISMATCH', { embedder: request.embedder, embedderDimensions, collection: request.name, dimensions });
      }
      dimensions = embedderDimensions;
    }
    if (dimensions === undefined) throw new DomainError('INVALID_REQUEST', { path: '/dimensions', reason: 'give dimensions, or an embedder whose dimensions the collection takes' });

    try {
      const record = await db.transaction((tx) =>
        insertCollection(tx, {
          tenant: this.tenant,
          name: request.name,
          dimensions,
          embedderId: request.embedder ?? null,
          metric: request.metric ?? 'cosine',
          model: request.model ?? null,
          hnswM: request.hnsw?.m ?? this.#settings.hnswM,
          hnswEfConstruction: request.hnsw?.efConstruction ?? this.#settings.hnswEfConstruction,
        }),
      );
      this.#shared.collections.set(this.#cacheKey(record.name), record);
      return { ...view(record), documentCount: 0 };
    } catch (error) {
      if (sqlState(error) === '23505') throw new DomainError('COLLECTION_EXISTS', { collection: request.name });
      throw error;
    }
  }

  /** Names the collection's embedder, or removes it with null; its dimensions must be the collection's. */
  async setEmbedder(name: string, embedderId: string | null): Promise<CollectionView> {
    const db = await this.database();
    if (embedderId !== null) {
      const record = await this.#withCollection(db, name, async (found) => found);
      const embedderDimensions = await this.#embedder().dimensions(embedderId);
      if (embedderDimensions !== record.dimensions) {
        throw new DomainError('EMBEDDER_MISMATCH', { embedder: embedderId, embedderDimensions, collection: name, dimensions: record.dimensions });
      }
    }
    const updated = await setCollectionEmbedder(db, this.tenant, name, embedderId);
    if (!updated) throw new DomainError('COLLECTION_NOT_FOUND', { collection: name });
    this.#shared.collections.set(this.#cacheKey(name), updated);
    return { ...view(updated), documentCount: await countDocuments(db, updated.id) };
  }

  /** Ids and non-empty texts of the collection's documents, in id order. */
  async collectionTexts(name: string): Promise<Array<{ id: string; text: string }>> {
    const db = await this.database();
    return this.#withCollection(db, name, (record) => readTexts(db, record.id));
  }

  async listCollections(): Promise<CollectionView[]> {
    return (await listCollections(await this.database(), this.tenant)).map(view);
  }

  async getCollection(name: string): Promise<CollectionView> {
    const db = await this.database();
    return this.#withCollection(db, name, async (record) => ({ ...view(record), documentCount: await countDocuments(db, record.id) }));
  }

  async deleteCollection(name: string): Promise<{ deleted: string }> {
    const db = await this.database();
    this.#shared.collections.delete(this.#cacheKey(name));
    const deleted = await db.transaction((tx) => deleteCollection(tx, this.tenant, name));
    if (!deleted) throw new DomainError('COLLECTION_NOT_FOUND', { collection: name });
    return { deleted: name };
  }

  /**
   * Inserts or replaces the documents by id, all or none: one transaction, every document validated first. In a
   * collection that names an embedder, a document with a non-empty text and no embedding is embedded from its text.
   */
  async upsertDocuments(
    name: string,
    documents: ReadonlyArray<{ id: string; embedding?: unknown; metadata?: Record<string, unknown>; text?: string | null }>,
  ): Promise<{ collection: string; upserted: number; inserted: number; updated: number }> {
    const db = await this.database();
    return this.#withCollection(db, name, async (record) => {
      const firstIndex = new Map<string, number>();
      const inputs: DocumentInput[] = documents.map((document, i) => {
        const seen = firstIndex.get(document.id);
        if (seen !== undefined) throw new DomainError('DUPLICATE_DOCUMENT_ID', { id: document.id, path: `/documents/${i}/id`, firstPath: `/documents/${seen}/id` });
        firstIndex.set(document.id, i);
        const embedding = document.embedding === undefined || document.embedding === null ? null : readVector(document.embedding, `/documents/${i}/embedding`, record);
        return { id: document.id, metadata: document.metadata ?? {}, embedding, text: document.text ?? null };
      });
      await this.#embedTexts(db, record, inputs);
      // One lock order for every batch, so concurrent upserts of the same ids wait for each other instead of deadlocking.
      inputs.sort(compareIds);

      const inserted = await db.transaction((tx) => upsertDocuments(tx, record.id, inputs));
      return { collection: name, upserted: inputs.length, inserted, updated: inputs.length - inserted };
    });
  }

  async getDocument(name: string, id: string): Promise<StoredDocument> {
    const db = await this.database();
    const [document] = await this.#withCollection(db, name, (record) => getDocuments(db, record.id, [id]));
    if (!document) throw new DomainError('DOCUMENT_NOT_FOUND', { collection: name, id });
    return document;
  }

  /** Reads several documents of one collection in one query; ids that do not exist are left out. */
  async getDocuments(name: string, ids: readonly string[]): Promise<StoredDocument[]> {
    const db = await this.database();
    return this.#withCollection(db, name, (record) => getDocuments(db, record.id, ids));
  }

  /** Document counts of several collections; a name that does not exist is left out. */
  async countDocuments(names: readonly string[]): Promise<Map<string, number>> {
    const db = await this.database();
    const counts = new Map<string, number>();
    for (const name of new Set(names)) {
      try {
        counts.set(name, await this.#withCollection(db, name, (record) => countDocuments(db, record.id)));
      } catch (error) {
        if (!(error instanceof DomainError && error.code === 'COLLECTION_NOT_FOUND')) throw error;
      }
    }
    return counts;
  }

  async deleteDocument(name: string, id: string): Promise<{ deleted: string }> {
    const db = await this.database();
    const deleted = await this.#withCollection(db, name, (record) => deleteDocument(db, record.id, id));
    if (!deleted) throw new DomainError('DOCUMENT_NOT_FOUND', { collection: name, id });
    return { deleted: id };
  }

  /**
   * The k nearest documents to `vector`, or to the stored document `id` (which is then left out of the hits).
   * `excludeSame` lists metadata keys: with a query document, hits sharing its value of such a key are dropped
   * (same patient, say). `minSimilarity` keeps hits with similarity ≥ the bound (inclusive).
   */
  async search(
    name: string,
    request: { vector?: unknown; id?: string; text?: string; k?: number; filter?: unknown; excludeSame?: string[]; exact?: boolean; minSimilarity?: number },
  ): Promise<SearchReply> {
    const queries = [request.vector, request.id, request.text].filter((query) => query !== undefined).length;
    if (queries !== 1) {
      throw new DomainError('INVALID_REQUEST', { path: '/', reason: 'give exactly one of vector, id and text' });
    }
    const db = await this.database();
    return this.#withCollection(db, name, async (record) => {
      const filter = readFilter(request.filter);

      let vector: readonly number[];
      const excludeIds: string[] = [];
      if (request.id !== undefined) {
        const document = await this.#documentWithEmbedding(db, record, request.id, '/id');
        vector = document.embedding;
        excludeIds.push(document.id);
        for (const key of request.excludeSame ?? []) {
          filter.push({ key, op: 'ne', value: (document.metadata[key] ?? null) as never });
        }
      } else {
        if (request.excludeSame && request.excludeSame.length > 0) {
          throw new DomainError('INVALID_FILTER', { path: '/excludeSame', reason: 'excludeSame compares with the query document, so it needs a search by id; with a vector or text, use a filter with ne' });
        }
        vector = request.text !== undefined ? await this.#embedQuery(db, record, request.text, '/text') : readVector(request.vector, '/vector', record);
      }

      return this.#rank(db, record, vector, {
        k: request.k ?? 10,
        filter,
        excludeIds,
        exact: request.exact ?? false,
        minSimilarity: request.minSimilarity,
        metric: record.metric,
      });
    });
  }

  /** "a is to b as c is to ?": documents nearest (cosine) to b̂ − â + ĉ, leaving out a, b and c. */
  async analogies(name: string, request: { a: string; b: string; c: string; k?: number; filter?: unknown; exact?: boolean; minSimilarity?: number }): Promise<SearchReply & { query: { a: string; b: string; c: string } }> {
    const db = await this.database();
    return this.#withCollection(db, name, async (record) => {
      const filter = readFilter(request.filter);

      const [a, b, c] = await this.#documentsWithEmbeddings(db, record, [
        [request.a, '/a'],
        [request.b, '/b'],
        [request.c, '/c'],
      ]);
      const target = readVector(analogyTarget(a!.embedding, b!.embedding, c!.embedding), '/', { ...record, metric: 'cosine' });

      const reply = await this.#rank(db, record, target, {
        k: request.k ?? 10,
        filter,
        excludeIds: [request.a, request.b, request.c],
        exact: request.exact ?? false,
        minSimilarity: request.minSimilarity,
        metric: 'cosine',
      });
      return { ...reply, query: { a: request.a, b: request.b, c: request.c } };
    });
  }

  /**
   * The relation vector of (subject, object) pairs: the mean of ôbject − ŝubject. Given `subject`, also the
   * documents nearest (cosine) to ŝubject + offset, the candidates for its object, leaving out the subject.
   */
  async relations(
    name: string,
    request: { pairs: Array<{ subject: string; object: string }>; subject?: string; k?: number; filter?: unknown; exact?: boolean },
  ): Promise<{ collection: string; pairs: number; offset: number[]; offsetNorm: number; candidates?: SearchReply & { subject: string } }> {
    const db = await this.database();
    return this.#withCollection(db, name, async (record) => {
      const filter = readFilter(request.filter);

      const wanted: Array<[string, string]> = request.pairs.flatMap((pair, i): Array<[string, string]> => [
        [pair.subject, `/pairs/${i}/subject`],
        [pair.object, `/pairs/${i}/object`],
      ]);
      if (request.subject !== undefined) wanted.push([request.subject, '/subject']);
      const documents = await this.#documentsWithEmbeddings(db, record, wanted);

      const offset = meanOffset(request.pairs.map((_, i) => ({ subject: documents[2 * i]!.embedding, object: documents[2 * i + 1]!.embedding })));
      const reply = { collection: name, pairs: request.pairs.length, offset, offsetNorm: euclideanNorm(offset) };
      if (request.subject === undefined) return reply;

      const subject = normalize(documents[documents.length - 1]!.embedding);
      const target = readVector(subject.map((x, i) => x + offset[i]!), '/', { ...record, metric: 'cosine' });
      const candidates = await this.#rank(db, record, target, {
        k: request.k ?? 10,
        filter,
        excludeIds: [request.subject],
        exact: request.exact ?? false,
        minSimilarity: undefined,
        metric: 'cosine',
      });
      return { ...reply, candidates: { ...candidates, subject: request.subject } };
    });
  }

  #embedder(): TextEmbedder {
    const embedder = this.#shared.textEmbedder;
    if (!embedder) throw new Error('No text embedder is connected to the embedding store.');
    return embedder;
  }

  /**
   * The collection's embedder id, reloading the record once when the cached one names none: another instance may
   * have set it since. NOTE: a cached record whose embedder another instance replaced keeps the old one.
   */
  async #embedderOf(db: Database, record: CollectionRecord): Promise<string | null> {
    if (record.embedderId !== null) return record.embedderId;
    const fresh = await findCollection(db, this.tenant, record.name);
    if (fresh && fresh.id === record.id) {
      this.#shared.collections.set(this.#cacheKey(record.name), fresh);
      return fresh.embedderId;
    }
    return null;
  }

  /** Fills in the embeddings of text-only documents, in place, with one call to the embedder. */
  async #embedTexts(db: Database, record: CollectionRecord, inputs: DocumentInput[]): Promise<void> {
    const textOnly = inputs.map((input, i) => ({ input, i })).filter(({ input }) => input.embedding === null && input.text !== null && input.text.trim() !== '');
    if (textOnly.length === 0) return;
    const embedderId = await this.#embedderOf(db, record);
    if (embedderId === null) return;

    const vectors = await this.#embedder().embed(embedderId, textOnly.map(({ input }) => input.text!));
    textOnly.forEach(({ input, i }, j) => {
      input.embedding = checkTextEmbedding(vectors[j]!, `/documents/${i}/text`, record);
    });
  }

  async #embedQuery(db: Database, record: CollectionRecord, text: string, path: string): Promise<number[]> {
    const embedderId = await this.#embedderOf(db, record);
    if (embedderId === null) throw new DomainError('COLLECTION_WITHOUT_EMBEDDER', { collection: record.name, path });
    const [vector] = await this.#embedder().embed(embedderId, [text]);
    return checkTextEmbedding(vector!, path, record);
  }

  /**
   * Up to `limit` embedded documents of the collection that pass the filter, ordered by id; a seeded sample (see
   * src/db/embedding-samples.ts) when more match. For the analytics that read a whole collection.
   */
  async embeddingSample(name: string, options: { limit: number; seed: number; filter?: unknown }): Promise<EmbeddingSample & { record: CollectionRecord }> {
    const filter = readFilter(options.filter);
    const db = await this.database();
    return this.#withCollection(db, name, async (record) => ({ ...(await sampleEmbeddings(db, record.id, { ...options, filter })), record }));
  }

  /** Returns the embeddings of the given ids as a map. Ids without a document or an embedding are absent. */
  async embeddingsById(name: string, ids: readonly string[]): Promise<{ record: CollectionRecord; embeddings: Map<string, number[]> }> {
    const db = await this.database();
    return this.#withCollection(db, name, async (record) => ({ record, embeddings: await embeddingsById(db, record.id, ids) }));
  }

  /** Sets metadata[key] on each listed document in one transaction; returns how many documents were updated. */
  async writeMetadataKey(name: string, key: string, values: ReadonlyArray<{ id: string; value: string | number }>): Promise<number> {
    const db = await this.database();
    return this.#withCollection(db, name, (record) => db.transaction((tx) => setMetadataKey(tx, record.id, key, values)));
  }

  async #rank(db: Database, record: CollectionRecord, vector: readonly number[], options: RankOptions): Promise<SearchReply> {
    if (!Number.isSafeInteger(options.k) || options.k < 1 || options.k > MAX_K) {
      throw new DomainError('INVALID_PARAMETER', { path: '/k', value: options.k, reason: `k is an integer from 1 to ${MAX_K}` });
    }
    const method = options.exact || options.metric !== record.metric ? 'exact' : 'hnsw';

    const result = await findNearest(db, {
      collectionId: record.id,
      metric: options.metric,
      vector,
      k: options.k,
      filter: options.filter,
      excludeIds: options.excludeIds,
      method,
      efSearch: Math.max(this.#settings.hnswEfSearch, options.k),
      maxScanTuples: this.#settings.hnswMaxScanTuples,
    });

    const hits = result.rows
      .map((row) => toHit(row, options.metric))
      .filter((hit): hit is Hit => hit !== undefined && (options.minSimilarity === undefined || hit.similarity >= options.minSimilarity));
    return { collection: record.name, method, k: options.k, scanLimitReached: result.scanLimitReached, hits };
  }

  /**
   * Runs `work` on the collection's record, cached or loaded. When its table has gone (SQLSTATE 42P01: deleted,
   * perhaps re-created under a new id, by another instance), reloads the record and runs `work` once more.
   */
  async #withCollection<T>(db: Database, name: string, work: (record: CollectionRecord) => Promise<T>): Promise<T> {
    const key = this.#cacheKey(name);
    const cached = this.#shared.collections.get(key);
    if (cached) {
      try {
        return await work(cached);
      } catch (error) {
        if (sqlState(error) !== '42P01') throw error;
        this.#shared.collections.delete(key);
      }
    }

    const record = await findCollection(db, this.tenant, name);
    if (!record) throw new DomainError('COLLECTION_NOT_FOUND', { collection: name });
    this.#shared.collections.set(key, record);
    try {
      return await work(record);
    } catch (error) {
      if (sqlState(error) === '42P01') {
        this.#shared.collections.delete(key);
        throw new DomainError('COLLECTION_NOT_FOUND', { collection: name });
      }
      throw error;
    }
  }

  async #documentWithEmbedding(db: Database, record: CollectionRecord, id: string, path: string): Promise<StoredDocument & { embedding: number[] }> {
    const [document] = await this.#documentsWithEmbeddings(db, record, [[id, path]]);
    return document!;
  }

  /** The documents in the order asked, each required to exist and to have an embedding. */
  async #documentsWithEmbeddings(db: Database, record: CollectionRecord, wanted: Array<[id: string, path: string]>): Promise<Array<StoredDocument & { embedding: number[] }>> {
    const ids = [...new Set(wanted.map(([id]) => id))];
    const found = await getDocuments(db, record.id, ids);
    const byId = new Map(found.map((document) => [document.id, document]));

    return wanted.map(([id, path]) => {
      const document = byId.get(id);
      if (!document) throw new DomainError('DOCUMENT_NOT_FOUND', { collection: record.name, id, path });
      if (!document.embedding) throw new DomainError('DOCUMENT_WITHOUT_EMBEDDING', { collection: record.name, id, path });
      return document as StoredDocument & { embedding: number[] };
    });
  }
}

/** Code-unit order of ids, the same in every request (localeCompare could differ between instances). */
function compareIds(x: DocumentInput, y: DocumentInput): number {
  if (x.id < y.id) return -1;
  if (x.id > y.id) return 1;
  return 0;
}

function view(record: CollectionRecord): CollectionView {
  return {
    name: record.name,
    dimensions: record.dimensions,
    metric: record.metric,
    model: record.model,
    embedder: record.embedderId,
    hnsw: { m: record.hnswM, efConstruction: record.hnswEfConstruction },
    createdAt: record.createdAt,
  };
}

/** Checks an embedding made from the text at `path`; one with no vocabulary word is zero and has no cosine. */
function checkTextEmbedding(vector: number[], path: string, record: CollectionRecord): number[] {
  if (record.metric === 'cosine' && vector.every((x) => Math.fround(x) === 0)) {
    throw new DomainError('ZERO_NORM_VECTOR', { path, what: 'embedding of the text', reason: "its cosine is undefined (none of its words is in the embedder's vocabulary)" });
  }
  return readVector(vector, path, record);
}

/** Similarity from pgvector's distance; undefined for a non-finite distance, which validated input cannot produce. */
function toHit(row: NearestRow, metric: Metric): Hit | undefined {
  const distance = row.distance;
  if (!Number.isFinite(distance)) return undefined;

  let similarity: number;
  if (metric === 'cosine') similarity = Math.min(1, Math.max(-1, 1 - distance));
  else if (metric === 'inner_product') similarity = -distance;
  else similarity = 1 / (1 + distance);
  return { id: row.id, similarity, distance, metadata: row.metadata };
}
