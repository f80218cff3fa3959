import type { FastifyInstance } from 'fastify';
import { type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';

import { mappedSearchService } from '../services/mapped-search.js';
import { fitRelationService } from '../services/relational-map.js';
import { relationalProbeService } from '../services/relational-probe.js';
import { Matrix, StringEnum } from './schemas.js';
import { CollectionName, CollectionParams, DocumentId, Exact, Filter, K, StoreReplies } from './store-schemas.js';
import { requirePrincipal } from '../auth/authenticate.js';

/** Analytics that read a stored collection: relation maps, probes, PCA and cross-space search. */
export async function collectionAnalyticsRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['collections'];
  const Pair = Type.Object({ subject: DocumentId, object: DocumentId }, { additionalProperties: false });

  app.post('/v1/collections/:name/relations/fit', {
    schema: {
      tags,
      summary: 'Fit an affine relation map o ≈ W·s + b by (ridge) least squares from id pairs, and rank objects for held-out subjects.',
      description:
        'Body: { pairs: [{ subject, object }], ridge (λ ≥ 0, default 0: minimum norm), shrinkTo ("zero" | "identity"), testFraction (default 0.2), seed, normalize (unit vectors, ' +
        'default true), k (default 5), exact, filter, subjects, returnMap }. Reply: { collection, metric, pairs, normalize, ridge, rank, trainResidual, ' +
        'split, accuracy: { queries, affine: { top1, topK }, meanOffset: { top1, topK } }, heldOut: [{ subject, expected, affine, meanOffset }], ' +
        'candidates?, map?: { w (rows: object dimensions), b } }. meanOffset is POST /relations with the training pairs, on the same split.',
      params: CollectionParams,
      body: Type.Object(
        {
          pairs: Type.Array(Pair, { minItems: 3, maxItems: 2000 }),
          ridge: Type.Optional(Type.Number({ minimum: 0, description: 'Ridge penalty λ on W (the bias is not penalised). Default 0.' })),
          shrinkTo: Type.Optional(
            StringEnum(['zero', 'identity'], {
              description: 'What the ridge penalty shrinks W towards: "zero" (default) or "identity", which tends to the mean offset as λ grows.',
            }),
          ),
          testFraction: Type.Optional(Type.Number({ minimum: 0, maximum: 0.9, description: 'Share of pairs held out. Default 0.2.' })),
          seed: Type.Optional(Type.Integer({ minimum: 0, maximum: 4294967295 })),
          normalize: Type.Optional(Type.Boolean({ description: 'Scale embeddings to unit length before fitting. Default true.' })),
          k: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, description: 'Candidates per subject. Default 5.' })),
          exact: Type.Optional(Type.Boolean()),
          filter: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
          subjects: Type.Optional(Type.Array(DocumentId, { maxItems: 100, description: 'More subjects to rank candidates for with the fitted map.' })),
          returnMap: Type.Optional(Type.Boolean({ description: 'Include W and b in the reply. Default false.' })),
        },
        { additionalProperties: false },
      ),
      response: StoreReplies,
    },
    handler: async (request) => fitRelationService(fastify.linalg, fastify.store.forTenant(requirePrincipal(request).tenant), request.params.name, request.body),
  });

  app.post('/v1/collections/:name/relations/probe', {
    schema: {
      tags,
      summary: 'Train a linear relational probe σ(wᵀ(v_o − v_s) + b) with TensorFlow.js on id pairs and sampled negatives; held-out accuracy and w.',
      description:
        'Body: { pairs: [{ subject, object }], negatives: "pairs" (objects of other pairs, default) | "collection" (a seeded sample of ' +
        'negativeSampleSize documents) | "reversed" ((object, subject), one per pair), negativesPerPair (default 1), testFraction (default 0.25), seed, normalize (default true), epochs (default 300), ' +
        'learningRate (Adam, default 0.05), l2 (default 0.001), omitWeights }. Reply: { collection, pairs, negatives, normalize, training: { examples, ' +
        'loss, accuracy, … }, heldOut: { pairs, examples, loss, accuracy, confusion, subjects } | null, split, bias, weightNorm, weights, backend }.',
      params: CollectionParams,
      body: Type.Object(
        {
          pairs: Type.Array(Pair, { minItems: 2, maxItems: 5000 }),
          negatives: Type.Optional(StringEnum(['pairs', 'collection', 'reversed'])),
          negativesPerPair: Type.Optional(Type.Integer({ minimum: 1, maximum: 20 })),
          negativeSampleSize: Type.Optional(Type.Integer({ minimum: 2, maximum: 20000 })),
          testFraction: Type.Optional(Type.Number({ minimum: 0, maximum: 0.9 })),
          seed: Type.Optional(Type.Integer({ minimum: 0, maximum: 4294967295 })),
          normalize: Type.Optional(Type.Boolean()),
          epochs: Type.Optional(Type.Integer({ minimum: 1, maximum: 5000 })),
          learningRate: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 10 })),
          l2: Type.Optional(Type.Number({ minimum: 0, maximum: 100 })),
          omitWeights: Type.Optional(Type.Boolean()),
        },
        { additionalProperties: false },
      ),
      response: StoreReplies,
    },
    handler: async (request) => relationalProbeService(fastify.linalg, fastify.store.forTenant(requirePrincipal(request).tenant), request.params.name, request.body),
  });

  app.post('/v1/collections/:name/search-mapped', {
    schema: {
      tags,
      summary: 'Search a collection with a vector mapped from another space: target = source·map + bias, then the ordinary search.',
      description:
        'Body: { map (p×q, as POST /v1/alignment/fit returns it), bias?, vector (p numbers) | from: { collection, id }, k, filter, exact, minSimilarity }. ' +
        'Reply: as POST /v1/collections/:name/search, plus mapped: { sourceDimensions, targetDimensions, from? }.',
      params: CollectionParams,
      body: Type.Object(
        {
          map: Matrix,
          bias: Type.Optional(Type.Array(Type.Number())),
          vector: Type.Optional(Type.Array(Type.Number(), { minItems: 1, maxItems: 65536 })),
          from: Type.Optional(Type.Object({ collection: CollectionName, id: DocumentId }, { additionalProperties: false })),
          k: Type.Optional(K),
          filter: Type.Optional(Filter),
          exact: Type.Optional(Exact),
          minSimilarity: Type.Optional(Type.Number()),
        },
        { additionalProperties: false },
      ),
      response: StoreReplies,
    },
    handler: async (request) => mappedSearchService(fastify.linalg, fastify.store.forTenant(requirePrincipal(request).tenant), request.params.name, request.body),
  });
}
