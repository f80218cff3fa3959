import type { FastifyInstance } from 'fastify';
import { type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';

import { basisService, changeOfBasisService, coordinatesService, dimensionService, independenceService } from '../services/bases.js';
import { Atol, ComputeReplies, Format, Matrix, MatrixOrVector, Rtol } from './schemas.js';
import { Layout, ResidualRtol, withExample } from './vector-schemas.js';

const TOLERANCE = 'Rank decisions use numpy.linalg.matrix_rank\'s rule (default σmax·max(n, k)·ε; rtol or atol to override), echoed in the reply.';

export async function basisRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const vectorsBody = Type.Object({ vectors: Matrix, layout: Layout, rtol: Rtol, atol: Atol }, { additionalProperties: false });

  app.post('/v1/bases/independence', {
    schema: {
      tags: ['bases'],
      summary: 'Whether the vectors are linearly independent (numerical rank = number of vectors).',
      description: `${TOLERANCE} \`condition\` is σ1/σk of the vectors, null when σk is 0.`,
      body: withExample(
        vectorsBody,
        { vectors: [[1, 2, 3], [2, 4, 6], [0, 1, 1]], layout: 'rows' },
      ),
      response: ComputeReplies,
    },
    handler: async (request) => independenceService(fastify.linalg, request.body),
  });

  app.post('/v1/bases/basis', {
    schema: {
      tags: ['bases'],
      summary: 'A basis of the span chosen among the vectors by column-pivoted QR; the reply names the chosen vectors.',
      description:
        `The rank r comes from the SVD; the chosen vectors are the first r that pivoted QR picks (largest remaining norm first). ` +
        `\`coordinates\` expresses every input vector in the chosen basis. ${TOLERANCE}`,
      body: withExample(
        Type.Object({ vectors: Matrix, layout: Layout, rtol: Rtol, atol: Atol, format: Format }, { additionalProperties: false }),
        { vectors: [[1, 0, 0], [2, 0, 0], [0, 1, 0], [1, 1, 0]], layout: 'rows' },
      ),
      response: ComputeReplies,
    },
    handler: async (request) => basisService(fastify.linalg, request.body),
  });

  app.post('/v1/bases/coordinates', {
    schema: {
      tags: ['bases'],
      summary: 'Coordinates of vectors in a basis: c with B·c = v.',
      description:
        `\`basis\` must be linearly independent (NOT_A_BASIS otherwise). A vector outside the span gets the coordinates of its ` +
        `projection and inSpan false. ${TOLERANCE}`,
      body: withExample(
        Type.Object(
          { basis: Matrix, v: MatrixOrVector, layout: Layout, residualRtol: ResidualRtol, rtol: Rtol, atol: Atol, format: Format },
          { additionalProperties: false },
        ),
        { basis: [[1, 0], [1, 1]], v: [3, 2], layout: 'rows' },
      ),
      response: ComputeReplies,
    },
    handler: async (request) => coordinatesService(fastify.linalg, request.body),
  });

  app.post('/v1/bases/dimension', {
    schema: {
      tags: ['bases'],
      summary: 'Dimension of the span of the vectors.',
      description: TOLERANCE,
      body: withExample(
        vectorsBody,
        { vectors: [[1, 0, 1], [0, 1, 1], [1, 1, 2]], layout: 'rows' },
      ),
      response: ComputeReplies,
    },
    handler: async (request) => dimensionService(fastify.linalg, request.body),
  });

  app.post('/v1/bases/change-of-basis', {
    schema: {
      tags: ['bases'],
      summary: 'The matrix P with [v]_to = P·[v]_from, its inverse, and a map\'s matrix in the new basis.',
      description:
        '`from` and `to` are bases of the same subspace (k vectors each; `from` defaults to the standard basis of ℝⁿ). ' +
        '`map` is a k×k matrix in from-coordinates; the reply gives P·map·P⁻¹, its matrix in to-coordinates (the textbook S⁻¹·A·S ' +
        'with S = P⁻¹). `v` gives vectors whose coordinates in both bases are wanted. NOT_A_BASIS for dependent vectors, ' +
        `DIFFERENT_SPANS when the bases span different subspaces. ${TOLERANCE}`,
      body: withExample(
        Type.Object(
          {
            from: Type.Optional(Matrix),
            to: Matrix,
            layout: Layout,
            map: Type.Optional(Matrix),
            v: Type.Optional(MatrixOrVector),
            residualRtol: ResidualRtol,
            rtol: Rtol,
            atol: Atol,
            format: Format,
          },
          { additionalProperties: false },
        ),
        { to: [[1, 0], [1, 1]], layout: 'rows', map: [[2, 0], [0, 3]], v: [3, 2] },
      ),
      response: ComputeReplies,
    },
    handler: async (request) => changeOfBasisService(fastify.linalg, request.body),
  });
}
