import type { FastifyInstance, FastifyRequest } from 'fastify';
import { type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';

import { requirePrincipal } from '../auth/authenticate.js';
import type { EmbeddingStore } from '../services/embedding-store.js';

import { AnalogyBody, CollectionParams, CreateCollectionBody, DocumentParams, RelationsBody, SearchBody, StoreReplies, UpdateCollectionBody, UpsertBody } from './store-schemas.js';

export async function collectionRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['collections'];
  // Every handler works in the key's tenant; reads of documents and searches also append an audit row.
  const storeOf = (request: FastifyRequest): EmbeddingStore => fastify.store.forTenant(requirePrincipal(request).tenant);
  const audit = (request: FastifyRequest, action: string, collection: string, documentIds: readonly string[], query: unknown) =>
    fastify.audit.record(requirePrincipal(request), { action, collection, documentIds, query });

  app.post('/v1/collections', {
    schema: {
      tags,
      summary: 'Create a collection with its own table and HNSW index.',
      description: 'Reply: { name, dimensions, metric, model, hnsw: { m, efConstruction }, createdAt, documentCount }. 409 COLLECTION_EXISTS when the name is taken.',
      body: CreateCollectionBody,
      response: StoreReplies,
    },
    handler: async (request, reply) => reply.code(201).send(await storeOf(request).createCollection(request.body)),
  });

  app.get('/v1/collections', {
    schema: { tags, summary: 'List the collections by name.', description: 'Reply: { collections: [ … ] }, without document counts.', response: StoreReplies },
    handler: async (request) => ({ collections: await storeOf(request).listCollections() }),
  });

  app.get('/v1/collections/:name', {
    schema: { tags, summary: 'Get a collection with its document count.', params: CollectionParams, response: StoreReplies },
    handler: async (request) => storeOf(request).getCollection(request.params.name),
  });

  app.patch('/v1/collections/:name', {
    schema: {
      tags,
      summary: 'Name or remove the collection\'s embedder.',
      description: 'Body: { embedder: id | null }. The embedder\'s dimensions must be the collection\'s (422 EMBEDDER_MISMATCH). Reply: the collection.',
      params: CollectionParams,
      body: UpdateCollectionBody,
      response: StoreReplies,
    },
    handler: async (request) => storeOf(request).setEmbedder(request.params.name, request.body.embedder),
  });

  app.delete('/v1/collections/:name', {
    schema: { tags, summary: 'Delete a collection and all its documents.', params: CollectionParams, response: StoreReplies },
    handler: async (request) => storeOf(request).deleteCollection(request.params.name),
  });

  app.post('/v1/collections/:name/documents', {
    schema: {
      tags,
      summary: 'Insert or replace documents by id, all or none.',
      description:
        'Body: { documents: [{ id, embedding, metadata, text }] }, up to 10,000 per request. In a collection that names an embedder, a document ' +
        'with text and no embedding is embedded from its text. A document without embedding is stored but never a search hit. ' +
        'Reply: { collection, upserted, inserted, updated }. Any invalid document rejects the whole batch before SQL runs.',
      params: CollectionParams,
      body: UpsertBody,
      response: StoreReplies,
    },
    handler: async (request) => storeOf(request).upsertDocuments(request.params.name, request.body.documents),
  });

  app.get('/v1/collections/:name/documents/:id', {
    schema: { tags, summary: 'Get a document with its embedding.', description: 'Reply: { id, metadata, embedding, text, updatedAt }.', params: DocumentParams, response: StoreReplies },
    handler: async (request) => {
      const document = await storeOf(request).getDocument(request.params.name, request.params.id);
      await audit(request, 'document.read', request.params.name, [document.id], { id: request.params.id });
      return document;
    },
  });

  app.delete('/v1/collections/:name/documents/:id', {
    schema: { tags, summary: 'Delete a document.', params: DocumentParams, response: StoreReplies },
    handler: async (request) => storeOf(request).deleteDocument(request.params.name, request.params.id),
  });

  app.post('/v1/collections/:name/search', {
    schema: {
      tags,
      summary: 'k nearest documents to a vector or to a stored document.',
      description:
        'Body: { vector | id | text, k, filter, excludeSame, exact, minSimilarity }; text needs a collection that names an embedder. A search by id leaves the query document out. With the HNSW index, ' +
        'filtered searches continue (pgvector iterative scans) until k documents match or HNSW_MAX_SCAN_TUPLES index entries were read. ' +
        'Reply: { collection, method: "hnsw" | "exact", k, scanLimitReached, hits: [{ id, similarity, distance, metadata }] }, nearest first.',
      params: CollectionParams,
      body: SearchBody,
      response: StoreReplies,
    },
    handler: async (request) => {
      const reply = await storeOf(request).search(request.params.name, request.body);
      await audit(request, 'collection.search', request.params.name, reply.hits.map((hit) => hit.id), request.body);
      return reply;
    },
  });

  app.post('/v1/collections/:name/analogies', {
    schema: {
      tags,
      summary: 'Analogy "a is to b as c is to ?": nearest documents (cosine) to b̂ − â + ĉ, leaving out a, b and c.',
      description: 'Reply: as search, plus query: { a, b, c }. A collection of another metric is scanned exactly.',
      params: CollectionParams,
      body: AnalogyBody,
      response: StoreReplies,
    },
    handler: async (request) => {
      const reply = await storeOf(request).analogies(request.params.name, request.body);
      await audit(request, 'collection.analogies', request.params.name, reply.hits.map((hit) => hit.id), request.body);
      return reply;
    },
  });

  app.post('/v1/collections/:name/relations', {
    schema: {
      tags,
      summary: 'Relation vector of (subject, object) pairs, and the candidate objects of a subject.',
      description:
        'offset = mean of ôbject − ŝubject over the pairs. Reply: { collection, pairs, offset, offsetNorm, candidates? }; with `subject`, ' +
        'candidates ranks documents by cosine to ŝubject + offset, leaving out the subject.',
      params: CollectionParams,
      body: RelationsBody,
      response: StoreReplies,
    },
    handler: async (request) => {
      const reply = await storeOf(request).relations(request.params.name, request.body);
      await audit(request, 'collection.relations', request.params.name, reply.candidates?.hits.map((hit) => hit.id) ?? [], request.body);
      return reply;
    },
  });
}
