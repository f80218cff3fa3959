/**
 * Ingest of word2vec and CSV files into a collection, in batches through the embedding store service (so every
 * document gets the same checks as an upsert request). Creates the collection when it does not exist.
 */

import type { Metric } from '../db/collections.js';
import { DomainError } from '../errors.js';
import type { EmbeddingStore } from '../services/embedding-store.js';
import { parseCsv } from './csv.js';
import type { InputFile } from './input-file.js';
import { readWord2vec } from './word2vec.js';

export interface IngestDocument {
  id: string;
  embedding?: number[];
  metadata: Record<string, unknown>;
  text?: string | null;
  /** Input position for error messages: "line 12" or "record 12". */
  source: string;
}

export interface IngestTarget {
  collection: string;
  /** For a new collection; when absent, the first embedding's length. */
  dimensions?: number;
  metric?: Metric;
  model?: string;
  /** Embedder of a new collection (its dimensions are then the default), or the one an existing collection must name. */
  embedder?: string;
  batchSize: number;
}

export interface IngestResult {
  rows: number;
  inserted: number;
  updated: number;
  /** Rows whose id appeared earlier in the file (the first occurrence is kept). */
  duplicates: number;
  createdCollection: boolean;
}

/** Upserts the documents batch by batch; `onProgress` gets the rows stored so far after each batch. */
export async function ingestDocuments(
  store: EmbeddingStore,
  documents: AsyncIterable<IngestDocument>,
  target: IngestTarget,
  onProgress: (rows: number) => void = () => undefined,
): Promise<IngestResult> {
  const result: IngestResult = { rows: 0, inserted: 0, updated: 0, duplicates: 0, createdCollection: false };
  const seen = new Set<string>();
  let batch: IngestDocument[] = [];

  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    if (!result.createdCollection && result.rows === 0) result.createdCollection = await ensureCollection(store, target, batch);
    try {
      const reply = await store.upsertDocuments(target.collection, batch);
      result.inserted += reply.inserted;
      result.updated += reply.updated;
    } catch (error) {
      throw locate(error, batch);
    }
    result.rows += batch.length;
    batch = [];
    onProgress(result.rows);
  };

  for await (const document of documents) {
    if (seen.has(document.id)) {
      result.duplicates++;
      continue;
    }
    seen.add(document.id);
    batch.push(document);
    if (batch.length >= target.batchSize) await flush();
  }
  await flush();
  return result;
}

async function ensureCollection(store: EmbeddingStore, target: IngestTarget, firstBatch: IngestDocument[]): Promise<boolean> {
  try {
    const existing = await store.getCollection(target.collection);
    if (target.embedder !== undefined && existing.embedder !== target.embedder) {
      throw new Error(
        `Collection ${JSON.stringify(target.collection)} names embedder ${JSON.stringify(existing.embedder)}, not ${JSON.stringify(target.embedder)}: ` +
          'set it with PATCH /v1/collections/NAME first, or ingest into a new collection.',
      );
    }
    return false;
  } catch (error) {
    if (!(error instanceof DomainError && error.code === 'COLLECTION_NOT_FOUND')) throw error;
  }
  if (target.embedder !== undefined) {
    await store.createCollection({ name: target.collection, dimensions: target.dimensions, metric: target.metric, model: target.model, embedder: target.embedder });
    return true;
  }
  const dimensions = target.dimensions ?? firstBatch.find((document) => document.embedding)?.embedding?.length;
  if (dimensions === undefined) {
    throw new Error(`Collection ${JSON.stringify(target.collection)} does not exist and the input has no embeddings: pass --dimensions to create it.`);
  }
  await store.createCollection({ name: target.collection, dimensions, metric: target.metric, model: target.model });
  return true;
}

/** Adds the input position of the rejected document to a batch rejection ("/documents/17/…" → "line 1019"). */
function locate(error: unknown, batch: IngestDocument[]): unknown {
  if (!(error instanceof DomainError)) return error;
  const match = /^\/documents\/(\d+)/.exec(String(error.params.path ?? ''));
  const document = match ? batch[Number(match[1])] : undefined;
  return document ? new Error(`${document.source} (id ${JSON.stringify(document.id)}): ${error.message}`, { cause: error }) : error;
}

/** Word vectors as documents: id = the word, metadata { line }. */
export async function* word2vecDocuments(input: InputFile): AsyncGenerator<IngestDocument, void, void> {
  for await (const entry of readWord2vec(input.lines())) {
    yield { id: entry.word, embedding: entry.vector, metadata: { line: entry.line }, source: `line ${entry.line}` };
  }
}

export interface CsvColumns {
  id: string;
  text?: string;
  /** Column holding the embedding as a JSON array or as numbers separated by spaces or commas. */
  embedding?: string;
  /** Columns copied into metadata (as strings); default: every column not used above. */
  metadata?: string[];
  /** Leave out records whose text cell is empty or blank, counting them in `stats.skippedEmptyText`. */
  skipEmptyText?: boolean;
}

export interface CsvStats {
  skippedEmptyText: number;
}

/**
 * Reads CSV records as documents, by column name from the header record. Empty metadata cells are left out.
 * NOTE: metadata values stay strings, so number range filters do not match them (ISO date ranges do).
 */
export async function* csvDocuments(input: InputFile, columns: CsvColumns, stats: CsvStats = { skippedEmptyText: 0 }): AsyncGenerator<IngestDocument, void, void> {
  let header: string[] | undefined;
  let index: { id: number; text: number; embedding: number; metadata: Array<[string, number]> } | undefined;
  let recordNumber = 0;

  for await (const record of parseCsv(input.text as AsyncIterable<string>)) {
    recordNumber++;
    if (!header || !index) {
      header = record;
      index = columnIndex(header, columns);
      continue;
    }
    if (record.length === 1 && record[0] === '') continue;

    if (columns.skipEmptyText && index.text >= 0 && (record[index.text] ?? '').trim() === '') {
      stats.skippedEmptyText++;
      continue;
    }

    const source = `record ${recordNumber}`;
    const id = record[index.id] ?? '';
    if (id === '') throw new Error(`${source}: the id column ${JSON.stringify(columns.id)} is empty.`);

    const metadata: Record<string, unknown> = {};
    for (const [name, position] of index.metadata) {
      const value = record[position];
      if (value !== undefined && value !== '') metadata[name] = value;
    }
    const document: IngestDocument = { id, metadata, source };
    if (index.text >= 0) document.text = record[index.text] || null;
    if (index.embedding >= 0) document.embedding = parseEmbeddingCell(record[index.embedding] ?? '', source);
    yield document;
  }
}

function columnIndex(header: string[], columns: CsvColumns) {
  const find = (name: string | undefined): number => {
    if (name === undefined) return -1;
    const position = header.indexOf(name);
    if (position < 0) throw new Error(`The CSV header has no column ${JSON.stringify(name)}; it has ${header.map((h) => JSON.stringify(h)).join(', ')}.`);
    return position;
  };
  const used = new Set([columns.id, columns.text, columns.embedding].filter((name): name is string => name !== undefined));
  const metadataNames = columns.metadata ?? header.filter((name) => !used.has(name));
  return {
    id: find(columns.id),
    text: find(columns.text),
    embedding: find(columns.embedding),
    metadata: metadataNames.map((name): [string, number] => [name, find(name)]),
  };
}

function parseEmbeddingCell(cell: string, source: string): number[] {
  const trimmed = cell.trim();
  const parts = trimmed.startsWith('[') ? trimmed.slice(1, -1).split(',') : trimmed.split(/[\s,]+/);
  const values = parts.filter((part) => part.trim() !== '').map(Number);
  if (values.length === 0 || values.some((value) => Number.isNaN(value))) {
    throw new Error(`${source}: the embedding cell is not a list of numbers: ${JSON.stringify(trimmed.slice(0, 60))}.`);
  }
  return values;
}
