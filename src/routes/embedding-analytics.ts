import type { FastifyInstance } from 'fastify';
import { type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';

import { PCA_DEFAULT_MAX_SAMPLES, PCA_MAX_SAMPLES_LIMIT, pcaService, superpositionService } from '../services/embedding-analytics.js';
import { ComputeReplies, Format, Matrix } from './schemas.js';
import { Layout, withExample } from './vector-schemas.js';
import { requirePrincipal } from '../auth/authenticate.js';

export async function embeddingAnalyticsRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.post('/v1/analytics/superposition', {
    schema: {
      tags: ['analytics'],
      summary: 'Superposition of n feature directions in m dimensions: Gram matrix, interference, n/m, nearest neighbours.',
      description:
        'Interference is max and mean |cos| between distinct features. With `sparsity` S (probability that a feature is zero), ' +
        '`expected` gives p·Σ_{j≠i} cos²(f_i, f_j), p = 1 − S, the expected squared interference for independent zero-mean ' +
        'activations with unit second moment, against the random-direction baseline p·(n − 1)/m. `welchBound` is the smallest ' +
        'max |cos| any n unit vectors in ℝᵐ can have.',
      body: withExample(
        Type.Object(
          {
            features: Matrix,
            layout: Layout,
            sparsity: Type.Optional(Type.Number({ minimum: 0, exclusiveMaximum: 1, description: 'Probability that a feature is inactive, in [0, 1).' })),
            includeGram: Type.Optional(Type.Boolean({ description: 'Return the n×n Gram matrix. Default true.' })),
            format: Format,
          },
          { additionalProperties: false },
        ),
        { features: [[1, 0], [-0.5, 0.866], [-0.5, -0.866]], layout: 'rows', sparsity: 0.9 },
      ),
      response: ComputeReplies,
    },
    handler: async (request) => superpositionService(fastify.linalg, request.body),
  });

  app.post('/v1/analytics/pca', {
    schema: {
      tags: ['analytics'],
      summary: 'PCA of posted data (one sample per row): mean, components, explained variance and its ratio, projections.',
      description:
        `By the SVD of the centred data. At most maxSamples rows are analysed (default ${PCA_DEFAULT_MAX_SAMPLES}); larger inputs ` +
        'are sampled without replacement by a seeded generator, and the reply lists the rows used. With `collection` in place of `data`, a seeded ' +
        'sample of at most maxSamples embedded documents (passing `filter`) is analysed, and the reply adds `ids` (one per projection row) and `source`.',
      body: withExample(
        Type.Object(
          {
            data: Type.Optional(Matrix),
            collection: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'A stored collection in place of data: a seeded sample of at most maxSamples documents.' })),
            filter: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'Collection input: metadata filter, as in search.' })),
            components: Type.Optional(Type.Integer({ minimum: 1, description: 'Number of components; default min(samples, features).' })),
            center: Type.Optional(Type.Boolean({ description: 'Subtract the mean of each feature first. Default true.' })),
            maxSamples: Type.Optional(Type.Integer({ minimum: 2, maximum: PCA_MAX_SAMPLES_LIMIT, description: `Sample cap; default ${PCA_DEFAULT_MAX_SAMPLES}.` })),
            seed: Type.Optional(Type.Integer({ minimum: 0, maximum: 4294967295, description: 'Seed of the row sample; default 1.' })),
            includeProjections: Type.Optional(Type.Boolean({ description: 'Return the projections of the samples. Default true.' })),
            format: Format,
          },
          { additionalProperties: false },
        ),
        { data: [[3, 4], [6, 8], [-3, -4], [0, 0]], components: 1 },
      ),
      response: ComputeReplies,
    },
    handler: async (request) => pcaService(fastify.linalg, request.body, fastify.store.forTenant(requirePrincipal(request).tenant)),
  });
}
