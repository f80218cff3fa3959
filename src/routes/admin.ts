import type { FastifyInstance } from 'fastify';
import { type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';

import { requirePrincipal } from '../auth/authenticate.js';
import { SCOPES } from '../auth/scopes.js';
import { MAX_AUDIT_PAGE } from '../services/audit.js';
import { StringEnum } from './schemas.js';

const TenantName = Type.String({ pattern: '^[A-Za-z0-9_.-]{1,64}$', description: 'Tenant: 1 to 64 letters, digits, _, - or .' });

const CreateKeyBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100, description: 'What the key is for, shown in lists.' }),
    tenant: TenantName,
    scopes: Type.Array(StringEnum(SCOPES), { minItems: 1, maxItems: SCOPES.length, uniqueItems: true }),
  },
  { additionalProperties: false },
);

const KeyParams = Type.Object({ id: Type.String({ pattern: '^[0-9a-f]{16}$' }) });

const AuditQuery = Type.Object(
  {
    from: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'ISO 8601 timestamp, inclusive.' })),
    to: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'ISO 8601 timestamp, exclusive.' })),
    keyId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    tenant: Type.Optional(TenantName),
    // A string, because the app's validator does not coerce query parameters.
    limit: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,3}$', description: `Rows per page, 1 to ${MAX_AUDIT_PAGE}; default 100.` })),
  },
  { additionalProperties: false },
);

/**
 * Key management and the audit trail, for keys with the `admin` scope. An admin acts across tenants: it creates
 * keys for any tenant and reads every tenant's audit rows.
 */
export async function adminRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['admin'];

  app.post('/v1/admin/keys', {
    schema: {
      tags,
      summary: 'Create an API key; the reply holds the key, which is shown this once and never stored.',
      description: 'Reply: { id, key, tenant, name, scopes, createdBy, createdAt, revokedAt: null }.',
      body: CreateKeyBody,
    },
    handler: async (request, reply) => reply.code(201).send(await fastify.apiKeys.create(request.body, requirePrincipal(request))),
  });

  app.get('/v1/admin/keys', {
    schema: { tags, summary: 'List API keys (never their secrets), newest first.', querystring: Type.Object({ tenant: Type.Optional(TenantName) }, { additionalProperties: false }) },
    handler: async (request) => ({ keys: await fastify.apiKeys.list(request.query.tenant) }),
  });

  app.delete('/v1/admin/keys/:id', {
    schema: { tags, summary: 'Revoke an API key; other replicas stop accepting it within API_KEY_CACHE_MS.', params: KeyParams },
    handler: async (request) => ({ revoked: await fastify.apiKeys.revoke(request.params.id) }),
  });

  app.get('/v1/audit', {
    schema: {
      tags,
      summary: 'Audit rows of document reads, searches and clinical lookups, newest first.',
      description: 'Reply: { entries: [{ id, at, keyId, tenant, action, collection, documentIds, queryHash }] }.',
      querystring: AuditQuery,
    },
    handler: async (request) => {
      const { limit, ...filter } = request.query;
      return { entries: await fastify.audit.list({ ...filter, ...(limit === undefined ? {} : { limit: Number(limit) }) }) };
    },
  });
}
