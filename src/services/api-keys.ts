/**
 * API keys: creation (the secret is returned once), revocation, and authentication of a presented key.
 *
 * A key reads `vsk_<id>_<secret>`: `id` (16 hex digits) is public and names the key in lists and the audit trail,
 * `secret` is 32 random bytes in base64url. The database stores SHA-256 of the whole key. The bootstrap admin key
 * (ADMIN_API_KEY) is never stored: its hash is kept in memory, and it has every scope in ADMIN_TENANT.
 *
 * Verified keys are cached for API_KEY_CACHE_MS, so requests with a recently used key keep working while the
 * database is unreachable, and a revocation reaches other replicas within that time (this replica drops the key at once).
 */

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

import { SCOPES, type Scope } from '../auth/scopes.js';
import { type ApiKeyRecord, findActiveApiKey, insertApiKey, listApiKeys, revokeApiKey } from '../db/api-keys.js';
import type { Database } from '../db/database.js';
import { DomainError } from '../errors.js';

/** The caller of a request: the key's id, its tenant and its scopes. */
export interface Principal {
  keyId: string;
  tenant: string;
  scopes: ReadonlySet<Scope>;
}

export interface ApiKeySettings {
  authMode: 'on' | 'off';
  adminApiKey: string | undefined;
  adminTenant: string;
  apiKeyCacheMs: number;
}

/** Key id of the bootstrap admin key from ADMIN_API_KEY. */
export const BOOTSTRAP_ADMIN_KEY_ID = 'bootstrap-admin';

/** Key id recorded for requests served with AUTH_MODE=off. */
export const AUTH_OFF_KEY_ID = 'auth-off';

export interface CreatedApiKey extends ApiKeyRecord {
  /** The key itself; returned by the creating request only, never stored. */
  key: string;
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

export class ApiKeyService {
  readonly #database: () => Promise<Database>;
  readonly #settings: ApiKeySettings;
  readonly #adminHash: Buffer | undefined;
  /** Verified keys by hex hash of the key, with the time their entry expires (ms since the epoch). */
  readonly #cache = new Map<string, { principal: Principal; expires: number }>();

  constructor(database: () => Promise<Database>, settings: ApiKeySettings) {
    this.#database = database;
    this.#settings = settings;
    this.#adminHash = settings.adminApiKey === undefined ? undefined : sha256(settings.adminApiKey);
  }

  /** The principal of every request when AUTH_MODE=off: every scope, in ADMIN_TENANT. */
  get anonymous(): Principal {
    return { keyId: AUTH_OFF_KEY_ID, tenant: this.#settings.adminTenant, scopes: new Set(SCOPES) };
  }

  /**
   * The principal of a presented key. Throws AUTHENTICATION_REQUIRED without one, INVALID_API_KEY for an unknown
   * or revoked one, and DATABASE_UNAVAILABLE when the key is not cached and the database cannot be asked.
   */
  async authenticate(presented: string | undefined): Promise<Principal> {
    if (presented === undefined || presented === '') throw new DomainError('AUTHENTICATION_REQUIRED');
    const hash = sha256(presented);

    if (this.#adminHash && timingSafeEqual(hash, this.#adminHash)) {
      return { keyId: BOOTSTRAP_ADMIN_KEY_ID, tenant: this.#settings.adminTenant, scopes: new Set(SCOPES) };
    }
    // Only keys of the documented form are looked up, so random header values cost no query.
    if (!/^vsk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/.test(presented)) throw new DomainError('INVALID_API_KEY');

    const cacheKey = hash.toString('hex');
    const cached = this.#cache.get(cacheKey);
    if (cached && cached.expires > Date.now()) return cached.principal;

    const record = await findActiveApiKey(await this.#database(), hash);
    if (!record) {
      this.#cache.delete(cacheKey);
      throw new DomainError('INVALID_API_KEY');
    }
    const principal: Principal = { keyId: record.id, tenant: record.tenant, scopes: new Set(record.scopes as Scope[]) };
    if (this.#settings.apiKeyCacheMs > 0) this.#cache.set(cacheKey, { principal, expires: Date.now() + this.#settings.apiKeyCacheMs });
    return principal;
  }

  async create(request: { name: string; tenant: string; scopes: Scope[] }, createdBy: Principal): Promise<CreatedApiKey> {
    const id = randomBytes(8).toString('hex');
    const key = `vsk_${id}_${randomBytes(32).toString('base64url')}`;
    const scopes = [...new Set(request.scopes)].sort();

    const record = await insertApiKey(await this.#database(), { id, tenant: request.tenant, name: request.name, keyHash: sha256(key), scopes, createdBy: createdBy.keyId });
    return { ...record, key };
  }

  async list(tenant: string | undefined): Promise<ApiKeyRecord[]> {
    return listApiKeys(await this.#database(), tenant);
  }

  async revoke(id: string): Promise<ApiKeyRecord> {
    const record = await revokeApiKey(await this.#database(), id);
    if (!record) throw new DomainError('API_KEY_NOT_FOUND', { id });
    for (const [cacheKey, entry] of this.#cache) {
      if (entry.principal.keyId === id) this.#cache.delete(cacheKey);
    }
    return record;
  }
}
