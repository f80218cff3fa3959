/**
 * The audit trail of protected reads: every document read, search and clinical lookup appends one row with the
 * key id, tenant, time, collection, returned document ids and a SHA-256 of the query. The vector, the texts and
 * metadata values are never written. The write is awaited, so a read whose audit row cannot be written fails.
 *
 * One line records a lookup from any service or route:
 *
 *   await app.audit.record(request.principal, { action: 'clinical.lookup', collection, documentIds, query: body });
 */

import { createHash } from 'node:crypto';

import { type AuditRecord, insertAuditEntry, listAuditEntries } from '../db/audit.js';
import type { Database } from '../db/database.js';
import { DomainError } from '../errors.js';
import type { Principal } from './api-keys.js';

/** Largest page of GET /v1/audit. */
export const MAX_AUDIT_PAGE = 1000;

export interface AuditEvent {
  action: string;
  collection?: string | null;
  documentIds?: readonly string[];
  /** The request's query as the client sent it; only its hash is stored. Omit for an action without a query. */
  query?: unknown;
}

/**
 * Hex SHA-256 of the query's JSON with object keys sorted, so the same query always hashes the same.
 * NOTE: a plain hash of a short query text can be found by trying candidate texts; it identifies repeats, it does not hide the text.
 */
export function hashQuery(query: unknown): string {
  return createHash('sha256').update(canonicalJson(query)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const defined = Object.entries(value as Record<string, unknown>).filter(([, item]) => item !== undefined);
    // Code-unit order, the same on every machine (localeCompare is not).
    const entries = defined.sort(([a], [b]) => {
      if (a === b) return 0;
      return a < b ? -1 : 1;
    });
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export class AuditTrail {
  readonly #database: () => Promise<Database>;

  constructor(database: () => Promise<Database>) {
    this.#database = database;
  }

  async record(principal: Principal, event: AuditEvent): Promise<void> {
    await insertAuditEntry(await this.#database(), {
      keyId: principal.keyId,
      tenant: principal.tenant,
      action: event.action,
      collection: event.collection ?? null,
      documentIds: event.documentIds ?? [],
      queryHash: event.query === undefined ? null : hashQuery(event.query),
    });
  }

  async list(filter: { from?: string; to?: string; keyId?: string; tenant?: string; limit?: number }): Promise<AuditRecord[]> {
    for (const bound of ['from', 'to'] as const) {
      const value = filter[bound];
      if (value !== undefined && Number.isNaN(Date.parse(value))) {
        throw new DomainError('INVALID_PARAMETER', { path: `/${bound}`, value, reason: 'expected an ISO 8601 timestamp such as 2026-01-31T12:00:00Z' });
      }
    }
    const limit = filter.limit ?? 100;
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_AUDIT_PAGE) {
      throw new DomainError('INVALID_PARAMETER', { path: '/limit', value: limit, reason: `expected an integer from 1 to ${MAX_AUDIT_PAGE}` });
    }
    return listAuditEntries(await this.#database(), { ...filter, limit });
  }
}
