/**
 * The access rules: the scope each REST route and each GraphQL field needs, in one table each. The hook in
 * authenticate.ts and the GraphQL field guard read these tables and nothing else.
 *
 * A route or field missing from its table needs `admin`, so an unlisted addition fails closed.
 */

export const SCOPES = ['compute', 'embeddings:read', 'embeddings:write', 'clinical:read', 'admin'] as const;

export type Scope = (typeof SCOPES)[number];

/** `public`: no key needed. `authenticated`: any valid key (GraphQL, whose fields are checked one by one). */
export type Access = Scope | 'public' | 'authenticated';

/**
 * Access by `METHOD /route/template`, the template as registered with Fastify. A pattern ending in `**` matches
 * every route starting with the text before it; any other pattern, `GET /*` included, matches that template
 * only. The first matching entry wins. HEAD uses the GET entry.
 */
export const ROUTE_ACCESS: ReadonlyArray<readonly [pattern: string, access: Access]> = [
  ['GET /health/**', 'public'],
  ['GET /metrics', 'public'],
  ['GET /docs**', 'public'],
  ['GET /graphiql**', 'public'],
  // The dashboard's static files (@fastify/static registers GET /*); its API calls need keys like any client.
  ['GET /*', 'public'],
  ['GET /graphql', 'authenticated'],
  ['POST /graphql', 'authenticated'],

  ['POST /v1/admin/**', 'admin'],
  ['GET /v1/admin/**', 'admin'],
  ['DELETE /v1/admin/**', 'admin'],
  ['GET /v1/audit', 'admin'],

  ['POST /v1/collections', 'embeddings:write'],
  ['GET /v1/collections', 'embeddings:read'],
  ['GET /v1/collections/:name', 'embeddings:read'],
  ['DELETE /v1/collections/:name', 'embeddings:write'],
  ['POST /v1/collections/:name/documents', 'embeddings:write'],
  ['GET /v1/collections/:name/documents/:id', 'embeddings:read'],
  ['DELETE /v1/collections/:name/documents/:id', 'embeddings:write'],
  ['POST /v1/collections/:name/search', 'embeddings:read'],
  ['POST /v1/collections/:name/analogies', 'embeddings:read'],
  ['POST /v1/collections/:name/relations', 'embeddings:read'],

  ['POST /v1/decompositions/**', 'compute'],
  ['POST /v1/analysis/**', 'compute'],
  ['POST /v1/solve/**', 'compute'],
  ['POST /v1/orthogonalization/**', 'compute'],
  ['POST /v1/plots/**', 'compute'],
  ['GET /v1/plots/**', 'compute'],
  ['POST /v1/bases/**', 'compute'],
  ['POST /v1/subspaces/**', 'compute'],
  ['POST /v1/linear-maps/**', 'compute'],
  ['POST /v1/inner-products/**', 'compute'],
  ['POST /v1/analytics/**', 'compute'],
  ['POST /v1/clustering/**', 'compute'],
  ['POST /v1/alignment/**', 'compute'],
  ['POST /v1/positional/**', 'compute'],
  ['POST /v1/attention/**', 'compute'],
  ['POST /v1/lora/**', 'compute'],
];

/** Access of a GraphQL field, by `Type.field`. Fields proxied to a REST route take that route's access. */
export const GRAPHQL_FIELD_ACCESS: Readonly<Record<string, Access>> = {
  'Query.svd': 'compute',
  'Query.qr': 'compute',
  'Query.eigh': 'compute',
  'Query.rank': 'compute',
  'Query.nullspace': 'compute',
  'Query.subspaces': 'compute',
  'Query.gramSchmidt': 'compute',
  'Query.lstsq': 'compute',
  'Query.pinv': 'compute',
  'Query.det': 'compute',
  'Query.cond': 'compute',
  'Query.norm': 'compute',
  'Query.spectrumSvg': 'compute',
  'Query.attentionSvg': 'compute',
  'Query.collections': 'embeddings:read',
  'Query.collection': 'embeddings:read',
  'Query.document': 'embeddings:read',
  'Query.search': 'embeddings:read',
  'Mutation.createCollection': 'embeddings:write',
  'Mutation.upsertDocuments': 'embeddings:write',
  'Mutation.deleteDocument': 'embeddings:write',
  'Mutation.deleteCollection': 'embeddings:write',
};

/** Access of `method url` (url the route template), or undefined when no entry matches. */
export function findRouteAccess(method: string, url: string): Access | undefined {
  const key = `${method === 'HEAD' ? 'GET' : method} ${url}`;
  for (const [pattern, access] of ROUTE_ACCESS) {
    if (pattern.endsWith('**') ? key.startsWith(pattern.slice(0, -2)) : key === pattern) return access;
  }
  return undefined;
}

/** Access of `method url`; `admin` for a route the table does not list. */
export function routeAccess(method: string, url: string): Access {
  return findRouteAccess(method, url) ?? 'admin';
}
