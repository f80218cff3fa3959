/**
 * SQL of the collection registry and of each collection's documents table.
 *
 * Design: every collection gets its own table `documents_<id>` with a typed `vector(<dimensions>)` column and its
 * own HNSW index in the collection's operator class. A search on one collection therefore never reads another's
 * index entries. A shared table with one partial index per collection would give that too, but only when the
 * planner can prove the partial index's predicate. The typed column also checks the dimension a second time, and
 * deleting a collection is a DROP TABLE. Table names come from the integer id, never from the user's name.
 */

import type { Queryable } from './database.js';

export type Metric = 'cosine' | 'l2' | 'inner_product';

export interface CollectionRecord {
  id: number;
  /** Owner of the collection; every registry query filters on it. */
  tenant: string;
  name: string;
  dimensions: number;
  metric: Metric;
  /** Id of the embedding model that produced the vectors, as the client gave it. */
  model: string | null;
  hnswM: number;
  hnswEfConstruction: number;
  /** ISO 8601 timestamp. */
  createdAt: string;
  /** Embedder that turns document texts and text queries into vectors, or null. */
  embedderId: string | null;
}

export interface NewCollection {
  tenant: string;
  name: string;
  dimensions: number;
  metric: Metric;
  model: string | null;
  hnswM: number;
  hnswEfConstruction: number;
  embedderId?: string | null;
}

/** pgvector's distance operator and HNSW operator class of each metric. */
export const METRIC_SQL: Record<Metric, { operator: string; opclass: string }> = {
  cosine: { operator: '<=>', opclass: 'vector_cosine_ops' },
  l2: { operator: '<->', opclass: 'vector_l2_ops' },
  inner_product: { operator: '<#>', opclass: 'vector_ip_ops' },
};

/** Name of the documents table of collection `id`. */
export function documentsTable(id: number): string {
  if (!Number.isSafeInteger(id) || id <= 0) throw new Error(`Invalid collection id ${id}.`);
  return `documents_${id}`;
}

interface CollectionRow {
  id: number;
  tenant: string;
  name: string;
  dimensions: number;
  metric: Metric;
  model: string | null;
  hnsw_m: number;
  hnsw_ef_construction: number;
  created_at: Date | string;
  embedder_id: string | null;
}

const COLLECTION_COLUMNS = 'id, tenant, name, dimensions, metric, model, hnsw_m, hnsw_ef_construction, created_at, embedder_id';

function toRecord(row: CollectionRow): CollectionRecord {
  return {
    id: Number(row.id),
    tenant: row.tenant,
    name: row.name,
    dimensions: Number(row.dimensions),
    metric: row.metric,
    model: row.model,
    hnswM: Number(row.hnsw_m),
    hnswEfConstruction: Number(row.hnsw_ef_construction),
    createdAt: new Date(row.created_at).toISOString(),
    embedderId: row.embedder_id ?? null,
  };
}

/**
 * Registers the collection and creates its table and HNSW index, in the caller's transaction. Throws the driver's
 * unique violation (SQLSTATE 23505) when the tenant already has a collection of that name.
 */
export async function insertCollection(tx: Queryable, collection: NewCollection): Promise<CollectionRecord> {
  const { rows } = await tx.query<CollectionRow>(
    `INSERT INTO collections (tenant, name, dimensions, metric, model, hnsw_m, hnsw_ef_construction, embedder_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     RETURNING ${COLLECTION_COLUMNS}`,
    [collection.tenant, collection.name, collection.dimensions, collection.metric, collection.model, collection.hnswM, collection.hnswEfConstruction, collection.embedderId ?? null],
  );
  const record = toRecord(rows[0]!);
  const table = documentsTable(record.id);

  // DDL takes no parameters: every interpolated value below is an integer or a fixed identifier checked above.
  // NOTE: migrations/ does not see these tables, so a later change to the documents schema must loop over them.
  await tx.exec(
    `CREATE TABLE ${table} (
       external_id text PRIMARY KEY,
       metadata    jsonb NOT NULL DEFAULT '{}'::jsonb,
       embedding   vector(${record.dimensions}),
       text        text,
       updated_at  timestamptz NOT NULL DEFAULT now()
     );
     CREATE INDEX ${table}_embedding_hnsw ON ${table}
       USING hnsw (embedding ${METRIC_SQL[record.metric].opclass})
       WITH (m = ${record.hnswM}, ef_construction = ${record.hnswEfConstruction});`,
  );
  return record;
}

/**
 * Finds the tenant's dense collection of that name. Documents tables are reached only through an id returned here or by
 * insertCollection, so the tenant condition in these registry queries guards the documents too. Binary fingerprint
 * collections (kind 'binary') are read by src/db/fingerprints.ts instead.
 */
export async function findCollection(db: Queryable, tenant: string, name: string): Promise<CollectionRecord | undefined> {
  const { rows } = await db.query<CollectionRow>(`SELECT ${COLLECTION_COLUMNS} FROM collections WHERE tenant = $1 AND name = $2 AND kind = 'dense'`, [tenant, name]);
  return rows[0] ? toRecord(rows[0]) : undefined;
}

export async function listCollections(db: Queryable, tenant: string): Promise<CollectionRecord[]> {
  const { rows } = await db.query<CollectionRow>(`SELECT ${COLLECTION_COLUMNS} FROM collections WHERE tenant = $1 AND kind = 'dense' ORDER BY name`, [tenant]);
  return rows.map(toRecord);
}

export async function countDocuments(db: Queryable, collectionId: number): Promise<number> {
  const { rows } = await db.query<{ count: number }>(`SELECT count(*)::int AS count FROM ${documentsTable(collectionId)}`);
  return Number(rows[0]?.count ?? 0);
}

/** Deletes the tenant's collection and drops its table, in the caller's transaction; false when it has no such collection. */
export async function deleteCollection(tx: Queryable, tenant: string, name: string): Promise<boolean> {
  const { rows } = await tx.query<{ id: number }>('DELETE FROM collections WHERE tenant = $1 AND name = $2 RETURNING id', [tenant, name]);
  if (!rows[0]) return false;
  await tx.exec(`DROP TABLE IF EXISTS ${documentsTable(Number(rows[0].id))}`);
  return true;
}

/** Names (or, with null, removes) the collection's embedder; undefined when there is no such collection. */
export async function setCollectionEmbedder(db: Queryable, tenant: string, name: string, embedderId: string | null): Promise<CollectionRecord | undefined> {
  const { rows } = await db.query<CollectionRow>(
    `UPDATE collections SET embedder_id = $3 WHERE tenant = $1 AND name = $2 RETURNING ${COLLECTION_COLUMNS}`,
    [tenant, name, embedderId],
  );
  return rows[0] ? toRecord(rows[0]) : undefined;
}
