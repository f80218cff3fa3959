/**
 * SQL of the API keys. Only the SHA-256 hash of a key's secret is stored; `key_hash` is unique, so a key is found
 * by the hash of what the client sent.
 */

import type { Queryable } from './database.js';

export interface ApiKeyRecord {
  id: string;
  tenant: string;
  name: string;
  scopes: string[];
  createdBy: string;
  /** ISO 8601 timestamps. */
  createdAt: string;
  revokedAt: string | null;
}

interface ApiKeyRow {
  id: string;
  tenant: string;
  name: string;
  scopes: string[];
  created_by: string;
  created_at: Date | string;
  revoked_at: Date | string | null;
}

const KEY_COLUMNS = 'id, tenant, name, scopes, created_by, created_at, revoked_at';

function toRecord(row: ApiKeyRow): ApiKeyRecord {
  return {
    id: row.id,
    tenant: row.tenant,
    name: row.name,
    scopes: row.scopes,
    createdBy: row.created_by,
    createdAt: new Date(row.created_at).toISOString(),
    revokedAt: row.revoked_at === null ? null : new Date(row.revoked_at).toISOString(),
  };
}

export async function insertApiKey(
  db: Queryable,
  key: { id: string; tenant: string; name: string; keyHash: Buffer; scopes: readonly string[]; createdBy: string },
): Promise<ApiKeyRecord> {
  const { rows } = await db.query<ApiKeyRow>(
    `INSERT INTO api_keys (id, tenant, name, key_hash, scopes, created_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${KEY_COLUMNS}`,
    [key.id, key.tenant, key.name, key.keyHash, key.scopes, key.createdBy],
  );
  return toRecord(rows[0]!);
}

/** The active (not revoked) key whose secret hashes to `keyHash`. */
export async function findActiveApiKey(db: Queryable, keyHash: Buffer): Promise<ApiKeyRecord | undefined> {
  const { rows } = await db.query<ApiKeyRow>(`SELECT ${KEY_COLUMNS} FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL`, [keyHash]);
  return rows[0] ? toRecord(rows[0]) : undefined;
}

/** Every key, revoked ones included, newest first; optionally one tenant's only. */
export async function listApiKeys(db: Queryable, tenant: string | undefined): Promise<ApiKeyRecord[]> {
  const { rows } = tenant === undefined
    ? await db.query<ApiKeyRow>(`SELECT ${KEY_COLUMNS} FROM api_keys ORDER BY created_at DESC, id`)
    : await db.query<ApiKeyRow>(`SELECT ${KEY_COLUMNS} FROM api_keys WHERE tenant = $1 ORDER BY created_at DESC, id`, [tenant]);
  return rows.map(toRecord);
}

/** Marks the key revoked; undefined when there is no active key with that id. */
export async function revokeApiKey(db: Queryable, id: string): Promise<ApiKeyRecord | undefined> {
  const { rows } = await db.query<ApiKeyRow>(`UPDATE api_keys SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL RETURNING ${KEY_COLUMNS}`, [id]);
  return rows[0] ? toRecord(rows[0]) : undefined;
}
