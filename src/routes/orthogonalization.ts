import type { FastifyInstance } from 'fastify';
import { type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';

import { gramSchmidtService, lstsqService } from '../services/linalg.js';
import { Atol, ComputeReplies, StringEnum, Format, Matrix, MatrixOrVector, Rtol } from './schemas.js';

export async function orthogonalizationRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.post('/v1/orthogonalization/gram-schmidt', {
    schema: {
      tags: ['orthogonalization'],
      summary: 'Orthonormal basis of the span of the vectors, in their order.',
      description:
        '`layout` says whether the vectors are the rows or the columns of `vectors`; the basis comes back in the same layout. ' +
        '`method`: "reorthogonalized" (default, CGS2: keeps max|QᵀQ − I| near ε), "modified" or "classical" (loses ' +
        'orthogonality on nearly dependent vectors). A vector whose remainder after projection is ≤ rtol·‖v‖ is dependent: ' +
        'LINEARLY_DEPENDENT names its index, or with dropDependent it is skipped and listed in `dropped`.',
      body: Type.Object(
        {
          vectors: Matrix,
          layout: StringEnum(['rows', 'columns'], { description: 'Whether each row or each column is a vector.' }),
          method: Type.Optional(StringEnum(['classical', 'modified', 'reorthogonalized'])),
          rtol: Type.Optional(Type.Number({ minimum: 0, description: 'Relative dependence tolerance; default max(dim, count)·ε.' })),
          dropDependent: Type.Optional(Type.Boolean({ description: 'Skip dependent vectors instead of rejecting. Default false.' })),
          format: Format,
        },
        { additionalProperties: false },
      ),
      response: ComputeReplies,
    },
    handler: async (request) => gramSchmidtService(fastify.linalg, request.body),
  });

  app.post('/v1/solve/lstsq', {
    schema: {
      tags: ['solve'],
      summary: 'Minimum-norm least-squares solution of A·x ≈ b, by the SVD.',
      description:
        '`b` is a vector (m) or a matrix (m×p). `rtol` plays the role of numpy\'s rcond (default max(m, n)·ε). `residuals` ' +
        'holds ‖b_j − A·x_j‖² for every column, also where numpy returns none.',
      body: Type.Object({ matrix: Matrix, b: MatrixOrVector, rtol: Rtol, atol: Atol, format: Format }, { additionalProperties: false }),
      response: ComputeReplies,
    },
    handler: async (request) => lstsqService(fastify.linalg, request.body),
  });
}
