/**
 * SQL of the `embedders` table: fitted text embedders, written once and never updated.
 *
 * The large arrays are bytea of little-endian float64 (8 bytes per value): `idf` (vocabulary) and `components`
 * (V, vocabulary × dimensions, row-major). The typed-array views assume a little-endian host, which every platform
 * that Node.js 20 ships for is.
 */

import type { Queryable } from './database.js';

export interface EmbedderRecord {
  id: string;
  kind: 'lsa';
  dimensions: number;
  vocabularySize: number;
  /** Tokenizer settings, fit record and singular values, as JSON. */
  settings: Record<string, unknown>;
  /** ISO 8601 timestamp. */
  createdAt: string;
}

export interface EmbedderArrays {
  vocabulary: string[];
  idf: Float64Array;
  /** V in row-major order, vocabularySize × dimensions. */
  components: Float64Array;
}

interface EmbedderRow {
  id: string;
  kind: 'lsa';
  dimensions: number;
  vocabulary_size: number;
  settings: Record<string, unknown>;
  created_at: Date | string;
}

const RECORD_COLUMNS = 'id, kind, dimensions, vocabulary_size, settings, created_at';

function toRecord(row: EmbedderRow): EmbedderRecord {
  return {
    id: row.id,
    kind: row.kind,
    dimensions: Number(row.dimensions),
    vocabularySize: Number(row.vocabulary_size),
    settings: row.settings,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

export async function insertEmbedder(tx: Queryable, record: Omit<EmbedderRecord, 'createdAt'>, arrays: EmbedderArrays): Promise<EmbedderRecord> {
  const { rows } = await tx.query<EmbedderRow>(
    `INSERT INTO embedders (id, kind, dimensions, vocabulary_size, settings, vocabulary, idf, components)
     VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7, $8)
     RETURNING ${RECORD_COLUMNS}`,
    [
      record.id,
      record.kind,
      record.dimensions,
      record.vocabularySize,
      JSON.stringify(record.settings),
      JSON.stringify(arrays.vocabulary),
      toBytes(arrays.idf),
      toBytes(arrays.components),
    ],
  );
  return toRecord(rows[0]!);
}

/** The embedder's metadata, without its arrays; undefined when there is no such embedder. */
export async function findEmbedder(db: Queryable, id: string): Promise<EmbedderRecord | undefined> {
  const { rows } = await db.query<EmbedderRow>(`SELECT ${RECORD_COLUMNS} FROM embedders WHERE id = $1`, [id]);
  return rows[0] ? toRecord(rows[0]) : undefined;
}

/** The embedder's vocabulary and arrays; undefined when there is no such embedder. */
export async function loadEmbedderArrays(db: Queryable, id: string): Promise<EmbedderArrays | undefined> {
  const { rows } = await db.query<{ vocabulary: string[]; idf: Uint8Array; components: Uint8Array }>(
    'SELECT vocabulary, idf, components FROM embedders WHERE id = $1',
    [id],
  );
  const row = rows[0];
  if (!row) return undefined;
  return { vocabulary: row.vocabulary, idf: fromBytes(row.idf), components: fromBytes(row.components) };
}

function toBytes(values: Float64Array): Buffer {
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength);
}

/** Copies the bytes into a fresh, 8-byte aligned buffer: drivers may return a view at any offset. */
function fromBytes(bytes: Uint8Array): Float64Array {
  if (bytes.byteLength % 8 !== 0) throw new Error(`Stored float64 array has ${bytes.byteLength} bytes, not a multiple of 8.`);
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return new Float64Array(copy.buffer);
}
