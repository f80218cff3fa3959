/**
 * SQL that reads a collection's embeddings in bulk (for clustering, PCA and map fitting) and writes one metadata key
 * back onto many documents.
 *
 * Sampling: when a collection contains more embedded documents than the cap, the sample is the `limit` documents with
 * the smallest md5(seed || ':' || id), a seeded and deterministic choice that does not depend on insertion order.
 * The rows come back ordered by id either way.
 */

import pgvector from 'pgvector';

import { documentsTable } from './collections.js';
import type { Queryable } from './database.js';
import { filterToSql, type FilterCondition } from './filter-sql.js';

export interface EmbeddingSample {
  ids: string[];
  /** One row per id, as stored (float32 widened to float64). */
  embeddings: number[][];
  /** Embedded documents that passed the filter, before sampling. */
  matching: number;
}

/** Reads up to `limit` embedded documents that pass the filter (a seeded sample when more match). */
export async function sampleEmbeddings(db: Queryable, collectionId: number, options: { limit: number; seed: number; filter: FilterCondition[] }): Promise<EmbeddingSample> {
  const table = documentsTable(collectionId);
  const params: unknown[] = [];
  const where = ['embedding IS NOT NULL', ...filterToSql(options.filter, params)].join(' AND ');

  const { rows: counted } = await db.query<{ count: number }>(`SELECT count(*)::int AS count FROM ${table} WHERE ${where}`, params);
  const matching = Number(counted[0]?.count ?? 0);

  params.push(`${options.seed}:`, options.limit);
  const seedParam = `$${params.length - 1}`;
  const limitParam = `$${params.length}`;
  const { rows } = await db.query<{ id: string; embedding: string }>(
    `SELECT id, embedding FROM (
       SELECT external_id AS id, embedding::text AS embedding FROM ${table}
       WHERE ${where}
       ORDER BY md5(${seedParam}::text || external_id), external_id
       LIMIT ${limitParam}
     ) AS sample ORDER BY id`,
    params,
  );
  return { ids: rows.map((row) => row.id), embeddings: rows.map((row) => pgvector.fromSql(row.embedding) as number[]), matching };
}

/** Reads the embeddings of the given ids (documents without one are left out); a map from id to embedding. */
export async function embeddingsById(db: Queryable, collectionId: number, ids: readonly string[]): Promise<Map<string, number[]>> {
  const { rows } = await db.query<{ id: string; embedding: string }>(
    `SELECT external_id AS id, embedding::text AS embedding FROM ${documentsTable(collectionId)}
     WHERE external_id = ANY(SELECT jsonb_array_elements_text($1::jsonb)) AND embedding IS NOT NULL`,
    [JSON.stringify(ids)],
  );
  return new Map(rows.map((row) => [row.id, pgvector.fromSql(row.embedding) as number[]]));
}

/**
 * Sets metadata[key] = value on each listed document, in the caller's transaction, leaving its other keys, embedding
 * and text as they are. Returns how many documents were updated.
 */
export async function setMetadataKey(tx: Queryable, collectionId: number, key: string, values: ReadonlyArray<{ id: string; value: string | number }>): Promise<number> {
  const table = documentsTable(collectionId);
  let updated = 0;
  for (let start = 0; start < values.length; start += 5000) {
    const chunk = values.slice(start, start + 5000);
    const result = await tx.query(
      `UPDATE ${table} AS d SET metadata = d.metadata || jsonb_build_object($1::text, u.value), updated_at = now()
       FROM jsonb_to_recordset($2::jsonb) AS u(id text, value jsonb)
       WHERE d.external_id = u.id`,
      [key, JSON.stringify(chunk)],
    );
    updated += result.rowCount;
  }
  return updated;
}
