import type { FastifyInstance } from 'fastify';
import { type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';

import { alignmentApplyService, alignmentFitService } from '../services/alignment.js';
import { ComputeReplies, Format, Matrix, StringEnum } from './schemas.js';

export async function alignmentRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.post('/v1/alignment/fit', {
    schema: {
      tags: ['alignment'],
      summary: 'Fit a map W with target ≈ source·W from paired vectors (row i of source pairs with row i of target).',
      description:
        '`method` "procrustes" (default: orthogonal W = U·Vᵀ from the SVD of sourceᵀ·target, equal dimensions) or "linear" ' +
        '(least squares, `ridge` λ ≥ 0). A seeded split holds out round(n·testFraction) pairs (default 0.2); the reply gives ' +
        'the fit residual on both parts and top-1/top-5 retrieval accuracy (cosine) of the held-out pairs, with the held-out indices.',
      body: Type.Object(
        {
          source: Matrix,
          target: Matrix,
          method: Type.Optional(StringEnum(['procrustes', 'linear'])),
          ridge: Type.Optional(Type.Number({ minimum: 0, description: 'Ridge penalty λ of the linear method. Default 0.' })),
          allowReflection: Type.Optional(Type.Boolean({ description: 'Procrustes: allow det W = −1. Default true; false gives the best rotation.' })),
          testFraction: Type.Optional(Type.Number({ minimum: 0, maximum: 0.9, description: 'Share of pairs held out. Default 0.2.' })),
          seed: Type.Optional(Type.Integer({ minimum: 0, maximum: 4294967295, description: 'Seed of the split. Default 0.' })),
          format: Format,
        },
        { additionalProperties: false },
      ),
      response: ComputeReplies,
    },
    handler: async (request) => alignmentFitService(fastify.linalg, request.body),
  });

  app.post('/v1/alignment/apply', {
    schema: {
      tags: ['alignment'],
      summary: 'Map vectors (rows) into the target space: vectors·map.',
      body: Type.Object({ map: Matrix, vectors: Matrix, format: Format }, { additionalProperties: false }),
      response: ComputeReplies,
    },
    handler: async (request) => alignmentApplyService(fastify.linalg, request.body),
  });
}
