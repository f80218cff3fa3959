/**
 * GraphQL types of the embedding store: collections, documents and similarity search, over the same
 * EmbeddingStore service as the REST routes.
 *
 * Nested fields are resolved by mercurius loaders, which batch every lookup of one kind in a request: a page of
 * search hits with their documents and those documents' collections costs one search, one document read per
 * collection and one collection listing, however many hits there are.
 */

import type { FastifyInstance } from 'fastify';

import type { StoredDocument } from '../db/documents.js';
import { DomainError } from '../errors.js';
import type { CollectionView, Hit } from '../services/embedding-store.js';

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
    collections: (_: unknown, _args: Args, { app }: Context) => app.store.listCollections(),
    collection: (_: unknown, args: { name: string }, { app }: Context) => app.store.getCollection(args.name),
    document: async (_: unknown, args: { collection: string; id: string }, { app }: Context): Promise<DocumentParent> => ({
      ...(await app.store.getDocument(args.collection, args.id)),
      collectionName: args.collection,
    }),
    search: async (_: unknown, args: Args, { app }: Context): Promise<SearchParent> => {
      const { collection, ...request } = present<{ collection: string } & Parameters<FastifyInstance['store']['search']>[1]>(args);
      const reply = await app.store.search(collection, request);
      return { ...reply, hits: reply.hits.map((hit) => ({ ...hit, collectionName: reply.collection })) };
    },
  },
  Mutation: {
    createCollection: (_: unknown, args: Args, { app }: Context) => app.store.createCollection(present(args)),
    upsertDocuments: (_: unknown, args: { collection: string; documents: unknown }, { app }: Context) => {
      if (!Array.isArray(args.documents)) {
        throw new DomainError('INVALID_REQUEST', { path: '/documents', reason: 'documents must be an array of { id, embedding, metadata, text }' });
      }
      return app.store.upsertDocuments(args.collection, args.documents as Parameters<FastifyInstance['store']['upsertDocuments']>[1]);
    },
    deleteDocument: async (_: unknown, args: { collection: string; id: string }, { app }: Context) => {
      await app.store.deleteDocument(args.collection, args.id);
      return true;
    },
    deleteCollection: async (_: unknown, args: { name: string }, { app }: Context) => {
      await app.store.deleteCollection(args.name);
      return true;
    },
  },
};

/** The batched field resolvers (mercurius loaders). Each receives every { obj, params } of one field in a request. */
export const storeLoaders = {
  SearchHit: {
    async document(queries: { obj: HitParent }[], { app }: Context): Promise<DocumentParent[]> {
      return loadDocuments(app, queries.map(({ obj }) => ({ collection: obj.collectionName, id: obj.id })));
    },
  },
  Collection: {
    async documentCount(queries: { obj: { name: string } }[], { app }: Context): Promise<number[]> {
      const counts = await app.store.countDocuments(queries.map(({ obj }) => obj.name));
      return queries.map(({ obj }) => counts.get(obj.name) ?? 0);
    },
    async document(queries: { obj: { name: string }; params: { id: string } }[], { app }: Context): Promise<(DocumentParent | null)[]> {
      return loadDocuments(app, queries.map(({ obj, params }) => ({ collection: obj.name, id: params.id })), false);
    },
  },
  Document: {
    async collection(queries: { obj: DocumentParent }[], { app }: Context): Promise<CollectionView[]> {
      return loadCollections(app, queries.map(({ obj }) => obj.collectionName));
    },
  },
  SearchResult: {
    async collection(queries: { obj: SearchParent }[], { app }: Context): Promise<CollectionView[]> {
      return loadCollections(app, queries.map(({ obj }) => obj.collection));
    },
  },
};

/** Resolves collection names to their records with one listing. */
async function loadCollections(app: FastifyInstance, names: string[]): Promise<CollectionView[]> {
  const collections = new Map((await app.store.listCollections()).map((collection) => [collection.name, collection]));
  return names.map((name) => {
    const collection = collections.get(name);
    if (!collection) throw new DomainError('COLLECTION_NOT_FOUND', { collection: name });
    return collection;
  });
}

/** Reads the requested documents with one query per collection, in the order asked. */
async function loadDocuments(app: FastifyInstance, wanted: { collection: string; id: string }[], required = true): Promise<DocumentParent[]> {
  const byCollection = new Map<string, string[]>();
  for (const { collection, id } of wanted) byCollection.set(collection, [...(byCollection.get(collection) ?? []), id]);

  const found = new Map<string, DocumentParent>();
  for (const [collection, ids] of byCollection) {
    for (const document of await app.store.getDocuments(collection, [...new Set(ids)])) {
      found.set(`${collection}\u0000${document.id}`, { ...document, collectionName: collection });
    }
  }
  return wanted.map(({ collection, id }) => {
    const document = found.get(`${collection}\u0000${id}`);
    if (!document && required) throw new DomainError('DOCUMENT_NOT_FOUND', { collection, id });
    return document ?? (null as unknown as DocumentParent);
  });
}
