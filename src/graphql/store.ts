/**
 * GraphQL fields of the embedding store. Each field goes through its REST route in-process (see callRestRoute),
 * so the key's tenant, the audit trail, validation and error codes are exactly the REST ones.
 */

import { type Context, callRestRoute } from './rest-operations.js';

export const storeTypeDefs = /* GraphQL */ `
  extend type Query {
    "Collections of the key's tenant, as GET /v1/collections."
    collections: JSON!
    "A collection with its document count, as GET /v1/collections/{name}."
    collection(name: String!): JSON!
    "A document with its embedding, as GET /v1/collections/{collection}/documents/{id}; audited."
    document(collection: String!, id: String!): JSON!
    "k nearest documents, input and reply as POST /v1/collections/{collection}/search; audited."
    searchCollection(collection: String!, input: JSON!): JSON!
  }
`;

const segment = encodeURIComponent;

export const storeResolvers = {
  Query: {
    collections: (_: unknown, _args: unknown, context: Context) => callRestRoute(context, 'GET', '/v1/collections'),
    collection: (_: unknown, args: { name: string }, context: Context) => callRestRoute(context, 'GET', `/v1/collections/${segment(args.name)}`),
    document: (_: unknown, args: { collection: string; id: string }, context: Context) =>
      callRestRoute(context, 'GET', `/v1/collections/${segment(args.collection)}/documents/${segment(args.id)}`),
    searchCollection: (_: unknown, args: { collection: string; input: unknown }, context: Context) =>
      callRestRoute(context, 'POST', `/v1/collections/${segment(args.collection)}/search`, args.input),
  },
};
