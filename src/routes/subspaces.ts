import type { FastifyInstance } from 'fastify';
import { type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';

import { anglesService, directSumService, intersectionService, membershipService, projectionService, sumService } from '../services/subspaces.js';
import { Atol, ComputeReplies, Format, Matrix, MatrixOrVector, Rtol } from './schemas.js';
import { Layout, ResidualRtol, withExample } from './vector-schemas.js';

const SPANNING = 'The subspace spanned by the vectors of U (and W), given as the rows or columns of a matrix as `layout` says.';
const TOLERANCE = 'The dimension of each span is its numerical rank (rtol/atol as for /v1/analysis/rank, echoed in the reply).';

export async function subspaceRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const pair = Type.Object({ U: Matrix, W: Matrix, layout: Layout, rtol: Rtol, atol: Atol, format: Format }, { additionalProperties: false });

  app.post('/v1/subspaces/membership', {
    schema: {
      tags: ['subspaces'],
      summary: 'Whether v lies in span(U): residual norm, relative residual and verdict.',
      description:
        `${SPANNING} \`v\` is one vector (a flat array) or several in the same layout. v is a member when ‖v − P·v‖/‖v‖ ≤ residualRtol ` +
        `(default max(n, k + 1)·ε·σ1/σr of U). ${TOLERANCE}`,
      body: withExample(
        Type.Object({ U: Matrix, v: MatrixOrVector, layout: Layout, residualRtol: ResidualRtol, rtol: Rtol, atol: Atol }, { additionalProperties: false }),
        { U: [[1, 0, 0], [0, 1, 0]], v: [3, 4, 0], layout: 'rows' },
      ),
      response: ComputeReplies,
    },
    handler: async (request) => membershipService(fastify.linalg, request.body),
  });

  app.post('/v1/subspaces/projection', {
    schema: {
      tags: ['subspaces'],
      summary: 'Orthogonal projection of v onto span(U) and onto its orthogonal complement.',
      description: `${SPANNING} Returns P·v, (I − P)·v, an orthonormal basis of span(U) and, with includeProjector, the n×n projector P. ${TOLERANCE}`,
      body: withExample(
        Type.Object(
          {
            U: Matrix,
            v: MatrixOrVector,
            layout: Layout,
            includeProjector: Type.Optional(Type.Boolean({ description: 'Also return the n×n projector P = Q·Qᵀ. Default false.' })),
            rtol: Rtol,
            atol: Atol,
            format: Format,
          },
          { additionalProperties: false },
        ),
        { U: [[1, 0, 0], [0, 1, 0]], v: [1, 2, 3], layout: 'rows' },
      ),
      response: ComputeReplies,
    },
    handler: async (request) => projectionService(fastify.linalg, request.body),
  });

  app.post('/v1/subspaces/sum', {
    schema: {
      tags: ['subspaces'],
      summary: 'Orthonormal basis and dimension of U + W, with the check dim(U + W) = dim U + dim W − dim(U ∩ W).',
      description: `${SPANNING} ${TOLERANCE}`,
      body: withExample(
        pair,
        { U: [[1, 0, 0], [0, 1, 0]], W: [[1, 1, 0], [0, 0, 1]], layout: 'rows' },
      ),
      response: ComputeReplies,
    },
    handler: async (request) => sumService(fastify.linalg, request.body),
  });

  app.post('/v1/subspaces/intersection', {
    schema: {
      tags: ['subspaces'],
      summary: 'Orthonormal basis and dimension of U ∩ W.',
      description: `${SPANNING} From the null space of [Q_U Q_W]; intersectionResidual is the largest distance of a basis vector from U or W. ${TOLERANCE}`,
      body: withExample(
        pair,
        { U: [[1, 0, 0], [0, 1, 0]], W: [[1, 1, 0], [0, 0, 1]], layout: 'rows' },
      ),
      response: ComputeReplies,
    },
    handler: async (request) => intersectionService(fastify.linalg, request.body),
  });

  app.post('/v1/subspaces/direct-sum', {
    schema: {
      tags: ['subspaces'],
      summary: 'Whether U + W is direct (U ∩ W = {0}), and the unique split v = x + y with x ∈ U, y ∈ W.',
      description: `${SPANNING} \`complementary\` is true when the sum is direct and fills ℝⁿ. \`v\` is optional. ${TOLERANCE}`,
      body: withExample(
        Type.Object(
          { U: Matrix, W: Matrix, v: Type.Optional(MatrixOrVector), layout: Layout, residualRtol: ResidualRtol, rtol: Rtol, atol: Atol, format: Format },
          { additionalProperties: false },
        ),
        { U: [[1, 0]], W: [[1, 1]], v: [3, 2], layout: 'rows' },
      ),
      response: ComputeReplies,
    },
    handler: async (request) => directSumService(fastify.linalg, request.body),
  });

  app.post('/v1/subspaces/angles', {
    schema: {
      tags: ['subspaces'],
      summary: 'Principal angles between span(U) and span(W), descending, in radians and degrees.',
      description:
        `${SPANNING} min(dim U, dim W) angles in [0, π/2]. Small angles come from sines, so identical subspaces give angles of ` +
        `order ε rather than the 1.5e-8 of arccos. ${TOLERANCE}`,
      body: withExample(
        Type.Object({ U: Matrix, W: Matrix, layout: Layout, rtol: Rtol, atol: Atol }, { additionalProperties: false }),
        { U: [[1, 0]], W: [[1, 1]], layout: 'rows' },
      ),
      response: ComputeReplies,
    },
    handler: async (request) => anglesService(fastify.linalg, request.body),
  });
}
