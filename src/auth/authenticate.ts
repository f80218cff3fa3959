/**
 * The authentication hook: finds the route's access in the table of scopes.ts, authenticates the key sent as
 * `Authorization: Bearer <key>` or `x-api-key: <key>`, and rejects a key without the route's scope. The principal
 * is left on `request.principal` for tenancy and the audit trail.
 */

import type { FastifyInstance, FastifyRequest } from 'fastify';

import { DomainError } from '../errors.js';
import type { ApiKeyService, Principal } from '../services/api-keys.js';
import { routeAccess } from './scopes.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The caller; null only on public routes with AUTH_MODE=on and on requests that match no route. */
    principal: Principal | null;
  }
}

/** The key a request presents, or undefined without one. */
export function presentedKey(request: FastifyRequest): string | undefined {
  const authorization = request.headers.authorization;
  if (typeof authorization === 'string') {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (match) return match[1];
  }
  const header = request.headers['x-api-key'];
  return typeof header === 'string' ? header.trim() : undefined;
}

export function installAuthentication(app: FastifyInstance, apiKeys: ApiKeyService, authMode: 'on' | 'off'): void {
  app.decorateRequest('principal', null);

  app.addHook('onRequest', async (request) => {
    if (authMode === 'off') {
      request.principal = apiKeys.anonymous;
      return;
    }
    // A request that matches no route gets the 404 handler's NOT_FOUND.
    const route = request.routeOptions.url;
    if (route === undefined) return;

    const access = routeAccess(request.method, route);
    if (access === 'public') return;

    const principal = await apiKeys.authenticate(presentedKey(request));
    request.principal = principal;
    if (access !== 'authenticated' && !principal.scopes.has(access)) {
      throw new DomainError('INSUFFICIENT_SCOPE', { required: access, operation: `${request.method} ${route}` });
    }
  });
}

/** The request's principal; throws AUTHENTICATION_REQUIRED where the hook set none (a public route). */
export function requirePrincipal(request: FastifyRequest): Principal {
  if (!request.principal) throw new DomainError('AUTHENTICATION_REQUIRED');
  return request.principal;
}
