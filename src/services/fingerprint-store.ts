/**
 * Binary fingerprint collections (molecule fingerprints such as ECFP, or any set of on-bits): create, upsert,
 * Tanimoto (Jaccard) or Hamming nearest-neighbour search with metadata filters and exact-k, on the embedding store's
 * database. They share the collection registry with dense collections (kind 'binary', migration 003), so a name is
 * unique across both kinds, and DELETE /v1/collections/:name deletes either.
 *
 * Input: a string of '0' and '1' (bit 0 first) of exactly `bits` characters, or `onBits`, the indices of the set bits
 * (distinct integers in [0, bits)). Similarity: jaccard → Tanimoto T = |a ∧ b| / |a ∨ b| = 1 − distance; hamming →
 * 1 − distance / bits. A fingerprint with no set bit is rejected in a jaccard collection, where T is 0/0.
 */

import { type BinaryMetric, countFingerprints, listFingerprintCollections, findFingerprintCollection, findNearestFingerprints, type FingerprintCollectionRecord, type FingerprintInput, getFingerprints, insertFingerprintCollection, upsertFingerprints } from '../db/fingerprints.js';
import { sqlState } from '../db/database.js';
import { DomainError } from '../errors.js';
import { MAX_K, type EmbeddingStore, type StoreSettings } from './embedding-store.js';
import { readFilter } from './metadata-filter.js';

export interface FingerprintValue {
  bits?: string;
  onBits?: number[];
}

export interface FingerprintHit {
  id: string;
  similarity: number;
  distance: number;
  onBits: number;
  metadata: Record<string, unknown>;
}

export class FingerprintStore {
  readonly #store: EmbeddingStore;
  readonly #settings: StoreSettings;

  constructor(store: EmbeddingStore, settings: StoreSettings) {
    this.#store = store;
    this.#settings = settings;
  }

  async createCollection(request: { name: string; bits: number; metric?: BinaryMetric; hnsw?: { m?: number; efConstruction?: number } }) {
    const db = await this.#store.database();
    try {
      const record = await db.transaction((tx) =>
        insertFingerprintCollection(tx, {
          tenant: this.#store.tenant,
          name: request.name,
          bits: request.bits,
          metric: request.metric ?? 'jaccard',
          hnswM: request.hnsw?.m ?? this.#settings.hnswM,
          hnswEfConstruction: request.hnsw?.efConstruction ?? this.#settings.hnswEfConstruction,
        }),
      );
      return { ...view(record), documentCount: 0 };
    } catch (error) {
      if (sqlState(error) === '23505') throw new DomainError('COLLECTION_EXISTS', { collection: request.name });
      throw error;
    }
  }

  async listCollections() {
    return (await listFingerprintCollections(await this.#store.database(), this.#store.tenant)).map(view);
  }

  async getCollection(name: string) {
    const db = await this.#store.database();
    const record = await this.#record(name);
    return { ...view(record), documentCount: await countFingerprints(db, record.id) };
  }

  async upsert(name: string, documents: ReadonlyArray<{ id: string; metadata?: Record<string, unknown> } & FingerprintValue>) {
    const db = await this.#store.database();
    const record = await this.#record(name);
    const seen = new Map<string, number>();
    const inputs: FingerprintInput[] = documents.map((document, i) => {
      const first = seen.get(document.id);
      if (first !== undefined) throw new DomainError('DUPLICATE_DOCUMENT_ID', { id: document.id, path: `/documents/${i}/id`, firstPath: `/documents/${first}/id` });
      seen.set(document.id, i);
      return { id: document.id, metadata: document.metadata ?? {}, bits: readFingerprint(document, `/documents/${i}`, record) };
    });
    // One lock order for every batch, as for dense upserts, so concurrent batches cannot deadlock.
    inputs.sort(compareIds);

    const inserted = await db.transaction((tx) => upsertFingerprints(tx, record.id, inputs));
    return { collection: name, upserted: inputs.length, inserted, updated: inputs.length - inserted };
  }

  async getDocument(name: string, id: string) {
    const db = await this.#store.database();
    const record = await this.#record(name);
    const [document] = await getFingerprints(db, record.id, [id]);
    if (!document) throw new DomainError('DOCUMENT_NOT_FOUND', { collection: name, id });
    return { ...document, onBits: onBitsOf(document.bits) };
  }

  /** Finds the k nearest fingerprints to the given one or to the stored document `id` (left out of the hits). */
  async search(name: string, request: FingerprintValue & { id?: string; k?: number; filter?: unknown; exact?: boolean; minSimilarity?: number }) {
    const inputs = (request.bits !== undefined ? 1 : 0) + (request.onBits !== undefined ? 1 : 0) + (request.id !== undefined ? 1 : 0);
    if (inputs !== 1) throw new DomainError('INVALID_REQUEST', { path: '/', reason: 'give exactly one of bits, onBits and id' });
    const k = request.k ?? 10;
    if (!Number.isSafeInteger(k) || k < 1 || k > MAX_K) throw new DomainError('INVALID_PARAMETER', { path: '/k', value: k, reason: `k is an integer from 1 to ${MAX_K}` });

    const db = await this.#store.database();
    const record = await this.#record(name);
    const filter = readFilter(request.filter);
    let bits: string;
    const excludeIds: string[] = [];
    if (request.id !== undefined) {
      const [document] = await getFingerprints(db, record.id, [request.id]);
      if (!document) throw new DomainError('DOCUMENT_NOT_FOUND', { collection: name, id: request.id, path: '/id' });
      bits = document.bits;
      excludeIds.push(request.id);
    } else {
      bits = readFingerprint(request, '', record);
    }

    const method = request.exact ? 'exact' : 'hnsw';
    const rows = await findNearestFingerprints(db, {
      collectionId: record.id,
      metric: record.metric,
      bits,
      k,
      filter,
      excludeIds,
      method,
      efSearch: Math.max(this.#settings.hnswEfSearch, k),
      maxScanTuples: this.#settings.hnswMaxScanTuples,
    });
    const hits: FingerprintHit[] = rows
      .filter((row) => Number.isFinite(row.distance))
      .map((row) => ({
        id: row.id,
        similarity: record.metric === 'jaccard' ? 1 - row.distance : 1 - row.distance / record.bits,
        distance: row.distance,
        onBits: countOnBits(row.bits),
        metadata: row.metadata,
      }))
      .filter((hit) => request.minSimilarity === undefined || hit.similarity >= request.minSimilarity);
    return { collection: name, metric: record.metric, method, k, query: { onBits: countOnBits(bits) }, hits };
  }

  async #record(name: string): Promise<FingerprintCollectionRecord> {
    const record = await findFingerprintCollection(await this.#store.database(), this.#store.tenant, name);
    if (!record) throw new DomainError('COLLECTION_NOT_FOUND', { collection: name });
    return record;
  }
}

/** Reads `bits` or `onBits` into a '0'/'1' string of the collection's length. */
export function readFingerprint(value: FingerprintValue, path: string, record: { bits: number; metric: BinaryMetric }): string {
  if ((value.bits === undefined) === (value.onBits === undefined)) {
    throw new DomainError('INVALID_FINGERPRINT', { path: path || '/', reason: 'give exactly one of bits and onBits' });
  }

  let bits: string;
  if (value.bits !== undefined) {
    if (!/^[01]*$/.test(value.bits)) throw new DomainError('INVALID_FINGERPRINT', { path: `${path}/bits`, reason: 'a bit string has only the characters 0 and 1' });
    if (value.bits.length !== record.bits) {
      throw new DomainError('INVALID_FINGERPRINT', { path: `${path}/bits`, reason: `it has ${value.bits.length} bits, but the collection stores ${record.bits}` });
    }
    bits = value.bits;
  } else {
    const on = new Uint8Array(record.bits);
    value.onBits!.forEach((index, i) => {
      if (!Number.isSafeInteger(index) || index < 0 || index >= record.bits) {
        throw new DomainError('INVALID_FINGERPRINT', { path: `${path}/onBits/${i}`, reason: `bit index ${index} is outside 0 to ${record.bits - 1}` });
      }
      if (on[index]) throw new DomainError('INVALID_FINGERPRINT', { path: `${path}/onBits/${i}`, reason: `bit ${index} is listed twice` });
      on[index] = 1;
    });
    bits = Array.from(on, (bit) => (bit ? '1' : '0')).join('');
  }

  if (record.metric === 'jaccard' && !bits.includes('1')) {
    throw new DomainError('INVALID_FINGERPRINT', { path: path || '/', reason: 'no bit is set, so the Tanimoto similarity 0/0 is undefined' });
  }
  return bits;
}

function compareIds(x: FingerprintInput, y: FingerprintInput): number {
  if (x.id < y.id) return -1;
  if (x.id > y.id) return 1;
  return 0;
}

function countOnBits(bits: string): number {
  let count = 0;
  for (const bit of bits) if (bit === '1') count++;
  return count;
}

function onBitsOf(bits: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < bits.length; i++) if (bits[i] === '1') out.push(i);
  return out;
}

function view(record: FingerprintCollectionRecord) {
  return { name: record.name, kind: 'binary', bits: record.bits, metric: record.metric, hnsw: { m: record.hnswM, efConstruction: record.hnswEfConstruction }, createdAt: record.createdAt };
}
