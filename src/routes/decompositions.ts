import type { FastifyInstance } from 'fastify';
import { type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';

import { eighService, qrService, svdService } from '../services/linalg.js';
import { ComputeReplies, StringEnum, Format, Matrix } from './schemas.js';

export async function decompositionRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.post('/v1/decompositions/svd', {
    schema: {
      tags: ['decompositions'],
      summary: 'Singular value decomposition A = U·diag(s)·Vᵀ.',
      description:
        'Reduced (U: m×p, V: n×p, p = min(m, n)) or full (U: m×m, V: n×n). Columns of V are the right singular vectors. ' +
        'With `rank`, the k largest triplets and the Eckart–Young error ‖A − A_k‖_F. Sign rule: the largest-magnitude ' +
        'entry of each column of U is positive and V follows, so identical input gives identical output.',
      body: Type.Object(
        {
          matrix: Matrix,
          full: Type.Optional(Type.Boolean({ description: 'Complete U and V. Default false.' })),
          rank: Type.Optional(Type.Integer({ minimum: 1, description: 'Truncate to the k largest singular triplets.' })),
          format: Format,
        },
        { additionalProperties: false },
      ),
      response: ComputeReplies,
    },
    handler: async (request) => svdService(fastify.linalg, request.body),
  });

  app.post('/v1/decompositions/qr', {
    schema: {
      tags: ['decompositions'],
      summary: 'QR factorisation A·P = Q·R by Householder reflections, diag(R) ≥ 0.',
      description:
        'Reduced (Q: m×k, R: k×n, k = min(m, n)) or complete (Q: m×m, R: m×n). With `pivoting`, column pivoting by ' +
        'largest remaining norm (as LAPACK dgeqp3); `permutation[j]` is the column of A placed at position j.',
      body: Type.Object(
        {
          matrix: Matrix,
          mode: Type.Optional(StringEnum(['reduced', 'complete'], { description: 'Default "reduced".' })),
          pivoting: Type.Optional(Type.Boolean({ description: 'Column pivoting. Default false.' })),
          format: Format,
        },
        { additionalProperties: false },
      ),
      response: ComputeReplies,
    },
    handler: async (request) => qrService(fastify.linalg, request.body),
  });

  app.post('/v1/decompositions/eigh', {
    schema: {
      tags: ['decompositions'],
      summary: 'Symmetric eigendecomposition, eigenvalues ascending.',
      description:
        'A non-symmetric matrix is rejected with NOT_SYMMETRIC and its largest asymmetry, unless `symmetrize` says how to ' +
        'read it: "lower" or "upper" mirrors that triangle, "average" takes (A + Aᵀ)/2.',
      body: Type.Object(
        {
          matrix: Matrix,
          symmetrize: Type.Optional(
            StringEnum(['none', 'lower', 'upper', 'average'], { description: 'Default "none".' }),
          ),
          format: Format,
        },
        { additionalProperties: false },
      ),
      response: ComputeReplies,
    },
    handler: async (request) => eighService(fastify.linalg, request.body),
  });
}
