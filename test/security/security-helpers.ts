/**
 * Helpers of the security tests: an app with AUTH_MODE=on and a known bootstrap admin key, keys made through the
 * admin endpoint, and requests that carry a key.
 */

import { randomBytes } from 'node:crypto';

import type { FastifyInstance } from 'fastify';

import type { Config } from '../../src/config.js';
import type { Database } from '../../src/db/database.js';
import { makeStoreApp, type Reply } from '../store/store-helpers.js';

export const ADMIN_KEY = 'test-bootstrap-admin-key-0123456789abcdef';

/** PGlite blocks the event loop while it runs SQL, so the event-loop guard is widened to keep it out of these tests. */
export async function makeSecureApp(database: Database, overrides: Partial<Config> = {}): Promise<FastifyInstance> {
  return makeStoreApp(database, { authMode: 'on', adminApiKey: ADMIN_KEY, adminTenant: 'admin-tenant', rateLimitPerMinute: 0, maxEventLoopDelayMs: 60_000, ...overrides });
}

/** Makes a tenant name that no other test run uses. */
export function uniqueTenant(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

export async function call(app: FastifyInstance, key: string | undefined, method: 'GET' | 'POST' | 'DELETE', url: string, payload?: unknown): Promise<Reply> {
  const response = await app.inject({
    method,
    url,
    headers: key === undefined ? {} : { authorization: `Bearer ${key}` },
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  });
  return { status: response.statusCode, body: response.json() };
}

/** Creates a key through POST /v1/admin/keys and returns the reply (with the key). */
export async function createKey(app: FastifyInstance, tenant: string, scopes: string[]): Promise<{ id: string; key: string }> {
  const reply = await call(app, ADMIN_KEY, 'POST', '/v1/admin/keys', { name: `test key of ${tenant}`, tenant, scopes });
  if (reply.status !== 201) throw new Error(`creating a key failed: ${JSON.stringify(reply.body)}`);
  return reply.body;
}

export async function graphql(app: FastifyInstance, key: string | undefined, query: string): Promise<Reply> {
  return call(app, key, 'POST', '/graphql', { query });
}
