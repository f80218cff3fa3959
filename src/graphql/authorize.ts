/**
 * Per-field authorisation of GraphQL: each Query and Mutation field checks the caller's scopes against GRAPHQL_FIELD_ACCESS
 * (fields proxied to a REST route use that route's entry) before its resolver runs. The caller was authenticated
 * by the REST hook on POST /graphql, which only requires a valid key.
 */

import type { FastifyRequest } from 'fastify';

import { type Access, GRAPHQL_FIELD_ACCESS, routeAccess } from '../auth/scopes.js';
import { DomainError } from '../errors.js';

type Resolver = (parent: unknown, args: unknown, context: { reply?: { request: FastifyRequest } }, info: unknown) => unknown;

/** Access of a root field: its table entry, else the access of the REST route it proxies, else admin. */
export function fieldAccess(typeName: 'Query' | 'Mutation', field: string, restPaths: ReadonlyMap<string, string>): Access {
  const listed = GRAPHQL_FIELD_ACCESS[`${typeName}.${field}`];
  if (listed !== undefined) return listed;
  const path = typeName === 'Query' ? restPaths.get(field) : undefined;
  return path === undefined ? 'admin' : routeAccess('POST', path);
}

/**
 * Wraps every resolver of a root type with the scope check of its field. Nested fields (loaders included) are
 * reached only through a root field, so they are not checked again.
 */
export function guardRootFields(typeName: 'Query' | 'Mutation', fields: Record<string, unknown>, restPaths: ReadonlyMap<string, string>): Record<string, unknown> {
  const guarded: Record<string, unknown> = {};
  for (const [field, resolver] of Object.entries(fields)) {
    if (typeof resolver !== 'function') {
      guarded[field] = resolver;
      continue;
    }
    const access = fieldAccess(typeName, field, restPaths);
    guarded[field] = (parent: unknown, args: unknown, context: Parameters<Resolver>[2], info: unknown) => {
      if (access !== 'public') {
        const principal = context.reply?.request.principal;
        if (!principal) throw new DomainError('AUTHENTICATION_REQUIRED');
        if (access !== 'authenticated' && !principal.scopes.has(access)) {
          throw new DomainError('INSUFFICIENT_SCOPE', { required: access, operation: `GraphQL field ${field}` });
        }
      }
      return (resolver as Resolver)(parent, args, context, info);
    };
  }
  return guarded;
}
