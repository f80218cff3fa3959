import type { FastifyInstance, FastifyRequest } from 'fastify';
import { type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';

import { FingerprintStore } from '../services/fingerprint-store.js';
import { StringEnum } from './schemas.js';
import { CollectionName, CollectionParams, DocumentId, DocumentParams, Exact, Filter, K, Metadata, StoreReplies } from './store-schemas.js';
import { requirePrincipal } from '../auth/authenticate.js';

const Bits = Type.String({ maxLength: 64000, description: "Fingerprint as '0'/'1' characters, bit 0 first, exactly `bits` long." });
const OnBits = Type.Array(Type.Integer({ minimum: 0 }), { maxItems: 64000, description: 'Indices of the set bits, distinct, each below `bits`.' });

/** Binary fingerprint collections: pgvector bit(n), Tanimoto (Jaccard) or Hamming search. */
export async function fingerprintRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  // Each request works on the key's tenant's fingerprint collections.
  const fingerprintsOf = (request: FastifyRequest) => new FingerprintStore(fastify.store.forTenant(requirePrincipal(request).tenant), fastify.config);
  const tags = ['fingerprints'];

  app.post('/v1/fingerprint-collections', {
    schema: {
      tags,
      summary: 'Create a binary fingerprint collection (pgvector bit(n)) with an HNSW index for Jaccard/Tanimoto or Hamming distance.',
      description: 'Reply: { name, kind: "binary", bits, metric, hnsw, createdAt, documentCount }. Names are shared with dense collections; 409 COLLECTION_EXISTS.',
      body: Type.Object(
        {
          name: CollectionName,
          bits: Type.Integer({ minimum: 1, maximum: 64000, description: 'Fingerprint length in bits.' }),
          metric: Type.Optional(StringEnum(['jaccard', 'hamming'], { description: 'Default jaccard (Tanimoto similarity = 1 − distance).' })),
          hnsw: Type.Optional(Type.Object({ m: Type.Optional(Type.Integer({ minimum: 2, maximum: 100 })), efConstruction: Type.Optional(Type.Integer({ minimum: 4, maximum: 1000 })) }, { additionalProperties: false })),
        },
        { additionalProperties: false },
      ),
      response: StoreReplies,
    },
    handler: async (request, reply) => reply.code(201).send(await fingerprintsOf(request).createCollection(request.body)),
  });

  app.get('/v1/fingerprint-collections', {
    schema: { tags, summary: 'List the fingerprint collections by name.', description: 'Reply: { collections: [ … ] }, without document counts.', response: StoreReplies },
    handler: async (request) => ({ collections: await fingerprintsOf(request).listCollections() }),
  });

  app.get('/v1/fingerprint-collections/:name', {
    schema: { tags, summary: 'Get a fingerprint collection with its document count. Delete it with DELETE /v1/collections/:name.', params: CollectionParams, response: StoreReplies },
    handler: async (request) => fingerprintsOf(request).getCollection(request.params.name),
  });

  app.post('/v1/fingerprint-collections/:name/documents', {
    schema: {
      tags,
      summary: 'Insert or replace fingerprints by id, all or none.',
      description: 'Body: { documents: [{ id, bits | onBits, metadata }] }, up to 10,000. Reply: { collection, upserted, inserted, updated }.',
      params: CollectionParams,
      body: Type.Object(
        {
          documents: Type.Array(
            Type.Object({ id: DocumentId, bits: Type.Optional(Bits), onBits: Type.Optional(OnBits), metadata: Type.Optional(Metadata) }, { additionalProperties: false }),
            { minItems: 1, maxItems: 10000 },
          ),
        },
        { additionalProperties: false },
      ),
      response: StoreReplies,
    },
    handler: async (request) => fingerprintsOf(request).upsert(request.params.name, request.body.documents),
  });

  app.get('/v1/fingerprint-collections/:name/documents/:id', {
    schema: { tags, summary: 'Get a fingerprint: { id, metadata, bits, onBits, updatedAt }.', params: DocumentParams, response: StoreReplies },
    handler: async (request) => fingerprintsOf(request).getDocument(request.params.name, request.params.id),
  });

  app.post('/v1/fingerprint-collections/:name/search', {
    schema: {
      tags,
      summary: 'k nearest fingerprints by Tanimoto (jaccard collections) or Hamming distance, to a fingerprint or a stored document.',
      description:
        'Body: { bits | onBits | id, k, filter, exact, minSimilarity }. Reply: { collection, metric, method, k, query: { onBits }, hits: [{ id, similarity, ' +
        'distance, onBits, metadata }] }, nearest first (ties by id). similarity: Tanimoto |a ∧ b| / |a ∨ b| (jaccard) or 1 − hamming / bits.',
      params: CollectionParams,
      body: Type.Object(
        {
          bits: Type.Optional(Bits),
          onBits: Type.Optional(OnBits),
          id: Type.Optional(DocumentId),
          k: Type.Optional(K),
          filter: Type.Optional(Filter),
          exact: Type.Optional(Exact),
          minSimilarity: Type.Optional(Type.Number({ minimum: 0, maximum: 1, description: 'Keep hits with similarity ≥ this bound.' })),
        },
        { additionalProperties: false },
      ),
      response: StoreReplies,
    },
    handler: async (request) => fingerprintsOf(request).search(request.params.name, request.body),
  });
}
