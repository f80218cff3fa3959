import type { FastifyInstance } from 'fastify';
import { type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';

import { kmeansService } from '../services/clustering.js';
import { ComputeReplies, Format, Matrix, StringEnum } from './schemas.js';
import { requirePrincipal } from '../auth/authenticate.js';
import { DomainError } from '../errors.js';

export async function clusteringRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.post('/v1/clustering/kmeans', {
    schema: {
      tags: ['clustering'],
      summary: 'k-means with k-means++ seeding on posted vectors (rows) or a stored collection, seeded and deterministic.',
      description:
        'Give `k`, or `kRange` [low, high] to choose k by the highest silhouette. `metric` "euclidean" (default) or "cosine" ' +
        '(spherical k-means on unit rows). The reply has `labels` (one per vector, in order), `centroids`, `sizes`, `inertia` ' +
        '(Σ squared distance, or Σ (1 − cos)) and `silhouette` on a seeded sample of at most `silhouetteSampleSize` vectors, ' +
        'with its size. With `referenceLabels` it adds the adjusted Rand index and purity against them. With `collection` in place of `vectors`, ' +
        'at most `sampleSize` documents (a seeded sample) are clustered, the reply adds `ids` (one per label) and `source`, and `writeLabelsTo` ' +
        'stores each label under that metadata key (reply `labelsWritten`).',
      body: Type.Object(
        {
          vectors: Type.Optional(Matrix),
          collection: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'A stored collection to cluster in place of vectors.' })),
          sampleSize: Type.Optional(
            Type.Integer({ minimum: 1, maximum: 100000, description: 'Collection input: documents read at most, a seeded sample when more match. Default 10,000.' }),
          ),
          filter: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'Collection input: metadata filter, as in search.' })),
          writeLabelsTo: Type.Optional(
            Type.String({ minLength: 1, maxLength: 256, description: 'Collection input: metadata key that receives each clustered document\'s label.' }),
          ),
          k: Type.Optional(Type.Integer({ minimum: 1, description: 'Number of clusters, 1 ≤ k ≤ n.' })),
          kRange: Type.Optional(
            Type.Tuple([Type.Integer({ minimum: 2 }), Type.Integer({ minimum: 2 })], { description: 'Inclusive [low, high] with 2 ≤ low ≤ high ≤ n − 1.' }),
          ),
          metric: Type.Optional(StringEnum(['euclidean', 'cosine'])),
          seed: Type.Optional(Type.Integer({ minimum: 0, maximum: 4294967295, description: 'Seed of seeding and sampling. Default 0.' })),
          maxIterations: Type.Optional(Type.Integer({ minimum: 1, maximum: 10000, description: 'Lloyd iterations at most. Default 300.' })),
          starts: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, description: 'k-means++ starts; the lowest inertia wins. Default 1.' })),
          silhouetteSampleSize: Type.Optional(Type.Integer({ minimum: 2, maximum: 20000, description: 'Points the silhouette is computed on at most. Default 1000.' })),
          referenceLabels: Type.Optional(
            Type.Array(Type.Union([Type.String(), Type.Integer()]), { description: 'Known classes, one per vector, for the agreement figures.' }),
          ),
          format: Format,
        },
        { additionalProperties: false },
      ),
      response: ComputeReplies,
    },
    handler: async (request) => {
      // The route needs `compute`; reading a collection and writing labels back also need the store's scopes.
      const principal = requirePrincipal(request);
      const body = request.body as { collection?: unknown; writeLabelsTo?: unknown };
      let needed: 'embeddings:read' | 'embeddings:write' | undefined;
      if (body.writeLabelsTo !== undefined) needed = 'embeddings:write';
      else if (body.collection !== undefined) needed = 'embeddings:read';
      if (needed && !principal.scopes.has(needed)) throw new DomainError('INSUFFICIENT_SCOPE', { required: needed, operation: 'POST /v1/clustering/kmeans with a collection' });
      return kmeansService(fastify.linalg, request.body, fastify.store.forTenant(principal.tenant));
    },
  });
}
