/**
 * SQL of the documents of one collection: batch upsert, read, delete and nearest-neighbour search.
 *
 * Vectors go in as pgvector text through the `pgvector` package's `toSql` and come back as `embedding::text`
 * through its `fromSql` (see database.ts for why).
 */

import pgvector from 'pgvector';

import { documentsTable, METRIC_SQL, type Metric } from './collections.js';
import type { Database, Queryable } from './database.js';
import { filterToSql, type FilterCondition } from './filter-sql.js';

export type MetadataValue = string | number | boolean | null;

export interface DocumentInput {
  id: string;
  /** Plain JSON object. */
  metadata: Record<string, unknown>;
  /** null for a document stored without an embedding (it is never a search hit). */
  embedding: readonly number[] | null;
  text: string | null;
}

export interface StoredDocument {
  id: string;
  metadata: Record<string, unknown>;
  /** As stored: float32 values widened to float64. */
  embedding: number[] | null;
  text: string | null;
  /** ISO 8601 timestamp of the last upsert. */
  updatedAt: string;
}

export interface NearestRow {
  id: string;
  metadata: Record<string, unknown>;
  /** pgvector's distance for the metric: cosine 1 − cos, l2 Euclidean, inner_product −(a·b). */
  distance: number;
}

/** Rows per INSERT statement: 4 parameters each, well under PostgreSQL's 65,535 bind parameters. */
export const UPSERT_ROWS_PER_STATEMENT = 1000;

export function toVectorLiteral(values: readonly number[]): string {
  return pgvector.toSql(Array.from(values)) as string;
}

/**
 * Inserts or replaces documents by external id, in the caller's transaction. The caller sorts `documents` by id and
 * removes duplicate ids: concurrent batches then lock the same rows in the same order and cannot deadlock.
 * Returns how many rows were new.
 */
export async function upsertDocuments(tx: Queryable, collectionId: number, documents: readonly DocumentInput[]): Promise<number> {
  const table = documentsTable(collectionId);
  let inserted = 0;

  for (let start = 0; start < documents.length; start += UPSERT_ROWS_PER_STATEMENT) {
    const chunk = documents.slice(start, start + UPSERT_ROWS_PER_STATEMENT);
    const params: unknown[] = [];
    const tuples: string[] = [];
    for (const document of chunk) {
      const n = params.length;
      tuples.push(`($${n + 1}, $${n + 2}::jsonb, $${n + 3}::vector, $${n + 4})`);
      params.push(document.id, JSON.stringify(document.metadata), document.embedding ? toVectorLiteral(document.embedding) : null, document.text);
    }

    // xmax is 0 on a freshly inserted row version and non-zero on one written by the DO UPDATE branch.
    const { rows } = await tx.query<{ inserted: boolean }>(
      `INSERT INTO ${table} (external_id, metadata, embedding, text)
       VALUES ${tuples.join(', ')}
       ON CONFLICT (external_id) DO UPDATE
         SET metadata = EXCLUDED.metadata, embedding = EXCLUDED.embedding, text = EXCLUDED.text, updated_at = now()
       RETURNING (xmax = 0) AS inserted`,
      params,
    );
    inserted += rows.filter((row) => row.inserted).length;
  }
  return inserted;
}

interface DocumentRow {
  id: string;
  metadata: Record<string, unknown>;
  embedding: string | null;
  text: string | null;
  updated_at: Date | string;
}

/** Reads the documents with the given ids; missing ids are left out, and the order is unspecified. */
export async function getDocuments(db: Queryable, collectionId: number, ids: readonly string[]): Promise<StoredDocument[]> {
  if (ids.length === 0) return [];
  const placeholders = ids.map((_, i) => `$${i + 1}`).join(', ');
  const { rows } = await db.query<DocumentRow>(
    `SELECT external_id AS id, metadata, embedding::text AS embedding, text, updated_at
     FROM ${documentsTable(collectionId)} WHERE external_id IN (${placeholders})`,
    ids,
  );
  return rows.map((row) => ({
    id: row.id,
    metadata: row.metadata,
    embedding: row.embedding === null ? null : (pgvector.fromSql(row.embedding) as number[]),
    text: row.text,
    updatedAt: new Date(row.updated_at).toISOString(),
  }));
}

/** Deletes one document; false when it did not exist. */
export async function deleteDocument(db: Queryable, collectionId: number, id: string): Promise<boolean> {
  const { rowCount } = await db.query(`DELETE FROM ${documentsTable(collectionId)} WHERE external_id = $1`, [id]);
  return rowCount > 0;
}

export interface NearestQuery {
  collectionId: number;
  /** Metric of the distance to rank by; the HNSW index serves only the collection's own metric. */
  metric: Metric;
  vector: readonly number[];
  k: number;
  filter: readonly FilterCondition[];
  /** Documents never returned (the query's own words in an analogy, say). */
  excludeIds: readonly string[];
  method: 'hnsw' | 'exact';
  /** hnsw.ef_search for this query; the caller makes it ≥ k. */
  efSearch: number;
  /** hnsw.max_scan_tuples: how many index tuples an iterative scan may visit before it stops. */
  maxScanTuples: number;
}

export interface NearestResult {
  rows: NearestRow[];
  /** True when an HNSW scan stopped at maxScanTuples although more rows matched the filter. */
  scanLimitReached: boolean;
}

/**
 * Finds the k nearest documents that pass the filter, nearest first (ties by id), in one transaction whose
 * settings pin the method. `hnsw` turns sequential scans off so the planner takes the HNSW index, and iterative
 * scans (pgvector ≥ 0.8) continue past the first ef_search candidates until k rows pass the filter or
 * maxScanTuples index entries were read. `exact` turns index scans off, which gives a sequential scan and a sort.
 */
export async function findNearest(db: Database, query: NearestQuery): Promise<NearestResult> {
  const table = documentsTable(query.collectionId);
  const operator = METRIC_SQL[query.metric].operator;
  const params: unknown[] = [toVectorLiteral(query.vector), query.k];
  const conditions = ['embedding IS NOT NULL', ...filterToSql(query.filter, params)];
  if (query.excludeIds.length > 0) {
    const placeholders = query.excludeIds.map((id) => {
      params.push(id);
      return `$${params.length}`;
    });
    conditions.push(`external_id NOT IN (${placeholders.join(', ')})`);
  }
  const where = conditions.join(' AND ');

  const settings = query.method === 'hnsw' ? hnswScanSettings(query.efSearch, query.maxScanTuples) : EXACT_SCAN_SETTINGS;
  return db.transaction((tx) => runNearest(tx, query, table, operator, where, params), { settings });
}

async function runNearest(tx: Queryable, query: NearestQuery, table: string, operator: string, where: string, params: unknown[]): Promise<NearestResult> {
  // relaxed_order may return index candidates slightly out of order, so the materialised top k is sorted again.
  const { rows } = await tx.query<NearestRow>(
    `WITH nearest AS MATERIALIZED (
       SELECT external_id, metadata, embedding ${operator} $1::vector AS distance
       FROM ${table}
       WHERE ${where}
       ORDER BY embedding ${operator} $1::vector
       LIMIT $2
     )
     SELECT external_id AS id, metadata, distance FROM nearest ORDER BY distance, external_id`,
    params,
  );
  const result = rows.map((row) => ({ id: row.id, metadata: row.metadata, distance: Number(row.distance) }));

  // NOTE: telling a cut-off scan from a lack of matches costs a filtered count, a sequential scan on large tables.
  let scanLimitReached = false;
  if (query.method === 'hnsw' && result.length < query.k) {
    const { rows: counted } = await tx.query<{ count: number }>(
      // $1 is referenced only so that every bound parameter has a type.
      `SELECT count(*)::int AS count FROM (SELECT 1 FROM ${table} WHERE ${where} AND $1::vector IS NOT NULL LIMIT $2) AS matching`,
      params,
    );
    scanLimitReached = Number(counted[0]?.count ?? 0) > result.length;
  }
  return { rows: result, scanLimitReached };
}

/**
 * Transaction settings of an HNSW search: sequential scans off so the planner takes the index, iterative scans on.
 * SET takes no bind parameters, so both numbers are checked to be positive integers.
 */
export function hnswScanSettings(efSearch: number, maxScanTuples: number): string {
  return `SET LOCAL enable_seqscan = off;
    SET LOCAL hnsw.ef_search = ${integer(efSearch)};
    SET LOCAL hnsw.iterative_scan = relaxed_order;
    SET LOCAL hnsw.max_scan_tuples = ${integer(maxScanTuples)};`;
}

/** Transaction settings of an exact search: no index scans, so a sequential scan and an exact top-k sort. */
export const EXACT_SCAN_SETTINGS = 'SET LOCAL enable_indexscan = off; SET LOCAL enable_bitmapscan = off;';

function integer(value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`Expected a positive integer, got ${value}.`);
  return value;
}

/** Ids and texts of the documents that have a non-empty text, in id order (an LSA fit on a collection reads these). */
export async function readTexts(db: Queryable, collectionId: number): Promise<Array<{ id: string; text: string }>> {
  const { rows } = await db.query<{ id: string; text: string }>(
    `SELECT external_id AS id, text FROM ${documentsTable(collectionId)} WHERE text IS NOT NULL AND text <> '' ORDER BY external_id`,
  );
  return rows;
}
