/** SQL of the audit trail: one row per document read, search or clinical lookup, appended and never updated. */

import type { Queryable } from './database.js';

export interface AuditEntry {
  keyId: string;
  tenant: string;
  /** Action performed, e.g. `document.read`, `collection.search`, `clinical.lookup`. */
  action: string;
  collection: string | null;
  /** Ids of the documents returned, in reply order. */
  documentIds: readonly string[];
  /** Hex SHA-256 of the query, or null for an action without one. */
  queryHash: string | null;
}

export interface AuditRecord extends AuditEntry {
  id: number;
  /** ISO 8601 timestamp. */
  at: string;
}

export interface AuditFilter {
  /** Inclusive lower and exclusive upper bound, ISO 8601. */
  from?: string;
  to?: string;
  keyId?: string;
  tenant?: string;
  limit: number;
}

export async function insertAuditEntry(db: Queryable, entry: AuditEntry): Promise<void> {
  await db.query(
    'INSERT INTO audit_log (key_id, tenant, action, collection, document_ids, query_hash) VALUES ($1, $2, $3, $4, $5, $6)',
    [entry.keyId, entry.tenant, entry.action, entry.collection, entry.documentIds, entry.queryHash],
  );
}

interface AuditRow {
  id: number | string;
  at: Date | string;
  key_id: string;
  tenant: string;
  action: string;
  collection: string | null;
  document_ids: string[];
  query_hash: string | null;
}

/** Rows matching the filter, newest first, at most `limit`. */
export async function listAuditEntries(db: Queryable, filter: AuditFilter): Promise<AuditRecord[]> {
  const params: unknown[] = [];
  const conditions: string[] = [];
  const bind = (value: unknown): string => {
    params.push(value);
    return `$${params.length}`;
  };
  if (filter.from !== undefined) conditions.push(`at >= ${bind(filter.from)}::timestamptz`);
  if (filter.to !== undefined) conditions.push(`at < ${bind(filter.to)}::timestamptz`);
  if (filter.keyId !== undefined) conditions.push(`key_id = ${bind(filter.keyId)}`);
  if (filter.tenant !== undefined) conditions.push(`tenant = ${bind(filter.tenant)}`);
  const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';

  const { rows } = await db.query<AuditRow>(
    `SELECT id, at, key_id, tenant, action, collection, document_ids, query_hash FROM audit_log ${where} ORDER BY at DESC, id DESC LIMIT ${bind(filter.limit)}`,
    params,
  );
  return rows.map((row) => ({
    id: Number(row.id),
    at: new Date(row.at).toISOString(),
    keyId: row.key_id,
    tenant: row.tenant,
    action: row.action,
    collection: row.collection,
    documentIds: row.document_ids,
    queryHash: row.query_hash,
  }));
}
