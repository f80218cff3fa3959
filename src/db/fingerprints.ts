/**
 * SQL of binary fingerprint collections (kind 'binary'): registry rows, each collection's documents table with a
 * pgvector `bit(<bits>)` column and its HNSW index, upsert, read and nearest-neighbour search.
 *
 * Operators: `<%>` is the Jaccard distance 1 − |a ∧ b| / |a ∨ b| (so Tanimoto similarity = 1 − distance), `<~>` the
 * Hamming distance (the number of differing bits). Fingerprints travel as strings of '0' and '1', bit 0 first.
 * Table names come from the integer id, as for dense collections (collections.ts).
 */

import { documentsTable } from './collections.js';
import type { Database, Queryable } from './database.js';
import { EXACT_SCAN_SETTINGS, hnswScanSettings } from './documents.js';
import { filterToSql, type FilterCondition } from './filter-sql.js';

export type BinaryMetric = 'jaccard' | 'hamming';

export const BINARY_METRIC_SQL: Record<BinaryMetric, { operator: string; opclass: string }> = {
  jaccard: { operator: '<%>', opclass: 'bit_jaccard_ops' },
  hamming: { operator: '<~>', opclass: 'bit_hamming_ops' },
};

export interface FingerprintCollectionRecord {
  id: number;
  name: string;
  bits: number;
  metric: BinaryMetric;
  hnswM: number;
  hnswEfConstruction: number;
  createdAt: string;
}

export interface FingerprintInput {
  id: string;
  metadata: Record<string, unknown>;
  /** '0'/'1' string of the collection's length. */
  bits: string;
}

export interface StoredFingerprint {
  id: string;
  metadata: Record<string, unknown>;
  bits: string;
  updatedAt: string;
}

interface Row {
  id: number;
  name: string;
  dimensions: number;
  metric: BinaryMetric;
  hnsw_m: number;
  hnsw_ef_construction: number;
  created_at: Date | string;
}

const COLUMNS = 'id, name, dimensions, metric, hnsw_m, hnsw_ef_construction, created_at';

function toRecord(row: Row): FingerprintCollectionRecord {
  return {
    id: Number(row.id),
    name: row.name,
    bits: Number(row.dimensions),
    metric: row.metric,
    hnswM: Number(row.hnsw_m),
    hnswEfConstruction: Number(row.hnsw_ef_construction),
    createdAt: new Date(row.created_at).toISOString(),
  };
}

/** Registers the collection and creates its table and index in the caller's transaction; 23505 when the name is taken. */
export async function insertFingerprintCollection(
  tx: Queryable,
  collection: { tenant: string; name: string; bits: number; metric: BinaryMetric; hnswM: number; hnswEfConstruction: number },
): Promise<FingerprintCollectionRecord> {
  const { rows } = await tx.query<Row>(
    `INSERT INTO collections (tenant, name, dimensions, metric, model, hnsw_m, hnsw_ef_construction, kind)
     VALUES ($1, $2, $3, $4, NULL, $5, $6, 'binary')
     RETURNING ${COLUMNS}`,
    [collection.tenant, collection.name, collection.bits, collection.metric, collection.hnswM, collection.hnswEfConstruction],
  );
  const record = toRecord(rows[0]!);
  const table = documentsTable(record.id);

  // DDL takes no parameters: every interpolated value is an integer or a fixed identifier.
  await tx.exec(
    `CREATE TABLE ${table} (
       external_id text PRIMARY KEY,
       metadata    jsonb NOT NULL DEFAULT '{}'::jsonb,
       fingerprint bit(${record.bits}) NOT NULL,
       updated_at  timestamptz NOT NULL DEFAULT now()
     );
     CREATE INDEX ${table}_fingerprint_hnsw ON ${table}
       USING hnsw (fingerprint ${BINARY_METRIC_SQL[record.metric].opclass})
       WITH (m = ${record.hnswM}, ef_construction = ${record.hnswEfConstruction});`,
  );
  return record;
}

/** Finds the tenant's fingerprint collection of that name. The tenant condition guards its documents table too. */
export async function findFingerprintCollection(db: Queryable, tenant: string, name: string): Promise<FingerprintCollectionRecord | undefined> {
  const { rows } = await db.query<Row>(`SELECT ${COLUMNS} FROM collections WHERE tenant = $1 AND name = $2 AND kind = 'binary'`, [tenant, name]);
  return rows[0] ? toRecord(rows[0]) : undefined;
}

export async function listFingerprintCollections(db: Queryable, tenant: string): Promise<FingerprintCollectionRecord[]> {
  const { rows } = await db.query<Row>(`SELECT ${COLUMNS} FROM collections WHERE tenant = $1 AND kind = 'binary' ORDER BY name`, [tenant]);
  return rows.map(toRecord);
}

/** Fingerprint tables are documents tables too, so counting is the same query. */
export { countDocuments as countFingerprints } from './collections.js';

/** Inserts or replaces fingerprints by id in the caller's transaction (sorted, distinct ids); returns how many were new. */
export async function upsertFingerprints(tx: Queryable, collectionId: number, documents: readonly FingerprintInput[]): Promise<number> {
  const table = documentsTable(collectionId);
  let inserted = 0;
  for (let start = 0; start < documents.length; start += 1000) {
    const chunk = documents.slice(start, start + 1000);
    const { rows } = await tx.query<{ inserted: boolean }>(
      `INSERT INTO ${table} (external_id, metadata, fingerprint)
       SELECT d.id, d.metadata, d.bits::bit(${integer(chunk[0]!.bits.length)})
       FROM jsonb_to_recordset($1::jsonb) AS d(id text, metadata jsonb, bits text)
       ON CONFLICT (external_id) DO UPDATE
         SET metadata = EXCLUDED.metadata, fingerprint = EXCLUDED.fingerprint, updated_at = now()
       RETURNING (xmax = 0) AS inserted`,
      [JSON.stringify(chunk)],
    );
    inserted += rows.filter((row) => row.inserted).length;
  }
  return inserted;
}

export async function getFingerprints(db: Queryable, collectionId: number, ids: readonly string[]): Promise<StoredFingerprint[]> {
  const { rows } = await db.query<{ id: string; metadata: Record<string, unknown>; bits: string; updated_at: Date | string }>(
    `SELECT external_id AS id, metadata, fingerprint::text AS bits, updated_at FROM ${documentsTable(collectionId)}
     WHERE external_id IN (SELECT jsonb_array_elements_text($1::jsonb))`,
    [JSON.stringify(ids)],
  );
  return rows.map((row) => ({ id: row.id, metadata: row.metadata, bits: row.bits, updatedAt: new Date(row.updated_at).toISOString() }));
}

export interface FingerprintQuery {
  collectionId: number;
  metric: BinaryMetric;
  bits: string;
  k: number;
  filter: FilterCondition[];
  excludeIds: string[];
  method: 'hnsw' | 'exact';
  efSearch: number;
  maxScanTuples: number;
}

/** Finds the k nearest fingerprints that pass the filter, nearest first (ties by id), as findNearest does for vectors. */
export async function findNearestFingerprints(db: Database, query: FingerprintQuery): Promise<Array<{ id: string; metadata: Record<string, unknown>; distance: number; bits: string }>> {
  const table = documentsTable(query.collectionId);
  const operator = BINARY_METRIC_SQL[query.metric].operator;
  const params: unknown[] = [query.bits, query.k];
  const conditions = filterToSql(query.filter, params);
  if (query.excludeIds.length > 0) {
    params.push(JSON.stringify(query.excludeIds));
    conditions.push(`external_id NOT IN (SELECT jsonb_array_elements_text($${params.length}::jsonb))`);
  }
  const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
  const target = `$1::text::bit(${integer(query.bits.length)})`;

  const settings = query.method === 'hnsw' ? hnswScanSettings(query.efSearch, query.maxScanTuples) : EXACT_SCAN_SETTINGS;
  return db.transaction(
    async (tx) => {
      const { rows } = await tx.query<{ id: string; metadata: Record<string, unknown>; distance: number; bits: string }>(
        `WITH nearest AS MATERIALIZED (
           SELECT external_id, metadata, fingerprint, fingerprint ${operator} ${target} AS distance
           FROM ${table}
           ${where}
           ORDER BY fingerprint ${operator} ${target}
           LIMIT $2
         )
         SELECT external_id AS id, metadata, distance, fingerprint::text AS bits FROM nearest ORDER BY distance, external_id`,
        params,
      );
      return rows.map((row) => ({ ...row, distance: Number(row.distance) }));
    },
    { settings },
  );
}

function integer(value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`Expected a positive integer, got ${value}.`);
  return value;
}
