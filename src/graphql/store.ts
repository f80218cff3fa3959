/**
 * GraphQL types of the embedding store: collections, documents and similarity search, over the same
 * EmbeddingStore service as the REST routes.
 *
 * Nested fields are resolved by mercurius loaders, which batch every lookup of one kind in a request. So a page of
 * search hits with their documents and those documents' collections costs one search, one document read per
 * collection and one collection listing, however many hits there are.
 */

import type { FastifyInstance, FastifyRequest } from 'fastify';

import type { StoredDocument } from '../db/documents.js';
import { DomainError } from '../errors.js';
import type { Principal } from '../services/api-keys.js';
import type { CollectionView, EmbeddingStore, Hit } from '../services/embedding-store.js';

export const storeTypeDefs = /* GraphQL */ `
  type Collection {
    name: String!
    dimensions: Int!
    "cosine, l2 or inner_product."
    metric: String!
    "Embedding model id given at creation."
    model: String
    createdAt: String!
    documentCount: Int!
    document(id: String!): Document
  }

  type Document {
    id: String!
    metadata: JSON!
    text: String
    "The stored embedding (float32 widened to float64); omit it from queries that do not need it."
    embedding: [Float!]
    updatedAt: String!
    collection: Collection!
  }

  type SearchHit {
    id: String!
    "cosine: cos θ; inner_product: a·b; l2: 1 / (1 + distance). Never NaN."
    similarity: Float!
    distance: Float!
    metadata: JSON!
    document: Document!
  }

  type SearchResult {
    collection: Collection!
    "hnsw or exact: the plan that ran."
    method: String!
    k: Int!
    "True when a filtered index scan stopped at HNSW_MAX_SCAN_TUPLES with fewer than k hits."
    scanLimitReached: Boolean!
    hits: [SearchHit!]!
  }

  type UpsertResult { collection: String!, upserted: Int!, inserted: Int!, updated: Int! }

  extend type Query {
    collections: [Collection!]!
    collection(name: String!): Collection!
    document(collection: String!, id: String!): Document!
    "k nearest documents to a vector or to a stored document (left out of the hits); filter and minSimilarity as over REST."
    search(collection: String!, vector: [Float!], id: String, k: Int, filter: JSON, excludeSame: [String!], exact: Boolean, minSimilarity: Float): SearchResult!
  }

  type Mutation {
    createCollection(name: String!, dimensions: Int!, metric: String, model: String): Collection!
    "Inserts or replaces documents by id, all or none; documents as over REST: [{ id, embedding, metadata, text }]."
    upsertDocuments(collection: String!, documents: JSON!): UpsertResult!
    deleteDocument(collection: String!, id: String!): Boolean!
    deleteCollection(name: String!): Boolean!
  }
`;

interface Context {
  app: FastifyInstance;
  reply?: { request: FastifyRequest };
}

/**
 * Returns the store in the caller's tenant. The caller was authenticated by the hook on POST /graphql, and the
 * field guard (authorize.ts) checked the root field's scope.
 */
function storeOf(context: Context): EmbeddingStore {
  return context.app.store.forTenant(principalOf(context).tenant);
}

function principalOf(context: Context): Principal {
  const principal = context.reply?.request.principal;
  if (!principal) throw new DomainError('AUTHENTICATION_REQUIRED');
  return principal;
}

/** Appends the audit row of a document read or search, as the REST routes do. */
function audit(context: Context, action: string, collection: string, documentIds: readonly string[], query: unknown): Promise<void> {
  return context.app.audit.record(principalOf(context), { action, collection, documentIds, query });
}

type Args = Record<string, unknown>;

interface DocumentParent extends StoredDocument {
  collectionName: string;
}

interface HitParent extends Hit {
  collectionName: string;
}

interface SearchParent {
  collection: string;
  method: string;
  k: number;
  scanLimitReached: boolean;
  hits: HitParent[];
}

function present<T>(args: Args): T {
  return Object.fromEntries(Object.entries(args).filter(([, value]) => value !== null && value !== undefined)) as T;
}

export const storeResolvers = {
  Query: {
    collections: (_: unknown, _args: Args, context: Context) => storeOf(context).listCollections(),
    collection: (_: unknown, args: { name: string }, context: Context) => storeOf(context).getCollection(args.name),
    document: async (_: unknown, args: { collection: string; id: string }, context: Context): Promise<DocumentParent> => {
      const document = await storeOf(context).getDocument(args.collection, args.id);
      await audit(context, 'document.read', args.collection, [document.id], { id: args.id });
      return { ...document, collectionName: args.collection };
    },
    search: async (_: unknown, args: Args, context: Context): Promise<SearchParent> => {
      const { collection, ...request } = present<{ collection: string } & Parameters<FastifyInstance['store']['search']>[1]>(args);
      const reply = await storeOf(context).search(collection, request);
      await audit(context, 'collection.search', collection, reply.hits.map((hit) => hit.id), request);
      return { ...reply, hits: reply.hits.map((hit) => ({ ...hit, collectionName: reply.collection })) };
    },
  },
  Mutation: {
    createCollection: (_: unknown, args: Args, context: Context) => storeOf(context).createCollection(present(args)),
    upsertDocuments: (_: unknown, args: { collection: string; documents: unknown }, context: Context) => {
      if (!Array.isArray(args.documents)) {
        throw new DomainError('INVALID_REQUEST', { path: '/documents', reason: 'documents must be an array of { id, embedding, metadata, text }' });
      }
      return storeOf(context).upsertDocuments(args.collection, args.documents as Parameters<FastifyInstance['store']['upsertDocuments']>[1]);
    },
    deleteDocument: async (_: unknown, args: { collection: string; id: string }, context: Context) => {
      await storeOf(context).deleteDocument(args.collection, args.id);
      return true;
    },
    deleteCollection: async (_: unknown, args: { name: string }, context: Context) => {
      await storeOf(context).deleteCollection(args.name);
      return true;
    },
  },
};

/** The batched field resolvers (mercurius loaders). Each receives every { obj, params } of one field in a request. */
export const storeLoaders = {
  SearchHit: {
    async document(queries: { obj: HitParent }[], context: Context): Promise<DocumentParent[]> {
      return loadDocuments(context, queries.map(({ obj }) => ({ collection: obj.collectionName, id: obj.id })));
    },
  },
  Collection: {
    async documentCount(queries: { obj: { name: string } }[], context: Context): Promise<number[]> {
      const counts = await storeOf(context).countDocuments(queries.map(({ obj }) => obj.name));
      return queries.map(({ obj }) => counts.get(obj.name) ?? 0);
    },
    async document(queries: { obj: { name: string }; params: { id: string } }[], context: Context): Promise<(DocumentParent | null)[]> {
      return loadDocuments(context, queries.map(({ obj, params }) => ({ collection: obj.name, id: params.id })), false);
    },
  },
  Document: {
    async collection(queries: { obj: DocumentParent }[], context: Context): Promise<CollectionView[]> {
      return loadCollections(context, queries.map(({ obj }) => obj.collectionName));
    },
  },
  SearchResult: {
    async collection(queries: { obj: SearchParent }[], context: Context): Promise<CollectionView[]> {
      return loadCollections(context, queries.map(({ obj }) => obj.collection));
    },
  },
};

/** Resolves collection names to their records with one listing. */
async function loadCollections(context: Context, names: string[]): Promise<CollectionView[]> {
  const collections = new Map((await storeOf(context).listCollections()).map((collection) => [collection.name, collection]));
  return names.map((name) => {
    const collection = collections.get(name);
    if (!collection) throw new DomainError('COLLECTION_NOT_FOUND', { collection: name });
    return collection;
  });
}

/** Reads the requested documents with one query per collection, in the order asked, and audits each collection's read. */
async function loadDocuments(context: Context, wanted: { collection: string; id: string }[], required = true): Promise<DocumentParent[]> {
  const byCollection = new Map<string, string[]>();
  for (const { collection, id } of wanted) byCollection.set(collection, [...(byCollection.get(collection) ?? []), id]);

  const found = new Map<string, DocumentParent>();
  for (const [collection, ids] of byCollection) {
    const documents = await storeOf(context).getDocuments(collection, [...new Set(ids)]);
    for (const document of documents) {
      found.set(`${collection}\u0000${document.id}`, { ...document, collectionName: collection });
    }
    await audit(context, 'document.read', collection, documents.map((document) => document.id), { ids: [...new Set(ids)] });
  }
  return wanted.map(({ collection, id }) => {
    const document = found.get(`${collection}\u0000${id}`);
    if (!document && required) throw new DomainError('DOCUMENT_NOT_FOUND', { collection, id });
    return document ?? (null as unknown as DocumentParent);
  });
}
