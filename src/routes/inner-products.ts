import type { FastifyInstance } from 'fastify';
import { type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';

import { cosineSimilarityService, matrixInnerProductsService, vectorInnerProductsService } from '../services/inner-products.js';
import { ComputeReplies, Format, Matrix, MatrixOrVector } from './schemas.js';
import { Layout, withExample } from './vector-schemas.js';

export async function innerProductRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.post('/v1/inner-products/vectors', {
    schema: {
      tags: ['inner-products'],
      summary: 'Dot product, cosine, angle, norms (l1, l2, inf) and distances of two vectors; weighted with `weights`.',
      description:
        'The weighted inner product is Σ w_i·x_i·y_i; every weight must be positive (INVALID_PARAMETER names the first that is not). ' +
        'The angle uses Kahan\'s 2·atan2(‖x̂ − ŷ‖, ‖x̂ + ŷ‖), accurate for nearly parallel vectors. Cosine and angle are null for a ' +
        'zero vector, and a value beyond float64\'s range is null.',
      body: withExample(
        Type.Object({ x: MatrixOrVector, y: MatrixOrVector, weights: Type.Optional(MatrixOrVector) }, { additionalProperties: false }),
        { x: [1, 0], y: [1, 1], weights: [1, 2] },
      ),
      response: ComputeReplies,
    },
    handler: async (request) => vectorInnerProductsService(fastify.linalg, request.body),
  });

  app.post('/v1/inner-products/matrices', {
    schema: {
      tags: ['inner-products'],
      summary: 'Frobenius inner product trace(Aᵀ·B), Frobenius norms, distance, cosine and angle of two matrices of one shape.',
      body: withExample(
        Type.Object({ a: Matrix, b: Matrix }, { additionalProperties: false }),
        { a: [[1, 0], [0, 1]], b: [[1, 1], [0, 1]] },
      ),
      response: ComputeReplies,
    },
    handler: async (request) => matrixInnerProductsService(fastify.linalg, request.body),
  });

  app.post('/v1/inner-products/cosine-similarity', {
    schema: {
      tags: ['inner-products'],
      summary: 'Pairwise cosine-similarity matrix of a set of vectors, and the top pairs i < j.',
      description: 'A zero vector is rejected (ZERO_NORM_VECTOR), because its cosine is undefined. Computed in float64.',
      body: withExample(
        Type.Object(
          {
            vectors: Matrix,
            layout: Layout,
            top: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000, description: 'How many of the most similar pairs to list; default 10.' })),
            includeMatrix: Type.Optional(Type.Boolean({ description: 'Return the p×p matrix too. Default true.' })),
            format: Format,
          },
          { additionalProperties: false },
        ),
        { vectors: [[1, 0], [1, 1], [0, 1]], layout: 'rows', top: 2 },
      ),
      response: ComputeReplies,
    },
    handler: async (request) => cosineSimilarityService(fastify.linalg, request.body),
  });
}
