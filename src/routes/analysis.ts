import type { FastifyInstance } from 'fastify';
import { type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';

import { condService, detService, normService, nullspaceService, pinvService, rankService, subspacesService } from '../services/linalg.js';
import { Atol, ComputeReplies, Format, Matrix, MatrixOrVector, Ord, Rtol } from './schemas.js';

export async function analysisRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const tolerant = (matrix: typeof Matrix) => Type.Object({ matrix, rtol: Rtol, atol: Atol, format: Format }, { additionalProperties: false });

  app.post('/v1/analysis/rank', {
    schema: {
      tags: ['analysis'],
      summary: 'Numerical rank: singular values strictly above the tolerance.',
      description:
        'numpy semantics: default tolerance σmax·max(m, n)·ε, so scaling A does not change the rank; `rtol` relative to σmax; ' +
        '`atol` absolute; not both. A flat array is a 1×n matrix. The reply echoes the tolerance and the singular values.',
      body: Type.Object({ matrix: MatrixOrVector, rtol: Rtol, atol: Atol }, { additionalProperties: false }),
      response: ComputeReplies,
    },
    handler: async (request) => rankService(fastify.linalg, request.body),
  });

  app.post('/v1/analysis/nullspace', {
    schema: {
      tags: ['analysis'],
      summary: 'Orthonormal basis of the null space {x : A·x = 0}, as columns.',
      description: 'From the full SVD, so wide matrices get their complete null space. Tolerance as for rank.',
      body: tolerant(Matrix),
      response: ComputeReplies,
    },
    handler: async (request) => nullspaceService(fastify.linalg, request.body),
  });

  app.post('/v1/analysis/subspaces', {
    schema: {
      tags: ['analysis'],
      summary: 'The four fundamental subspaces as orthonormal column bases, with the rank–nullity check.',
      body: tolerant(Matrix),
      response: ComputeReplies,
    },
    handler: async (request) => subspacesService(fastify.linalg, request.body),
  });

  app.post('/v1/analysis/pinv', {
    schema: {
      tags: ['analysis'],
      summary: 'Moore–Penrose pseudo-inverse V·Σ⁺·Uᵀ.',
      description: 'Singular values at or below the tolerance (as for rank) are treated as zero.',
      body: tolerant(Matrix),
      response: ComputeReplies,
    },
    handler: async (request) => pinvService(fastify.linalg, request.body),
  });

  app.post('/v1/analysis/det', {
    schema: {
      tags: ['analysis'],
      summary: 'Determinant, with sign and log|det| (numpy.linalg.slogdet).',
      description: 'When |det| is outside float64 range, `det` is null and `outOfRange` gives the reason. `logAbsDet` still carries the value.',
      body: Type.Object({ matrix: Matrix }, { additionalProperties: false }),
      response: ComputeReplies,
    },
    handler: async (request) => detService(fastify.linalg, request.body),
  });

  app.post('/v1/analysis/cond', {
    schema: {
      tags: ['analysis'],
      summary: 'Condition number in the given norm (default 2: σmax/σmin).',
      description: 'ord 2 works for any shape; the others need a square matrix. A singular matrix gives cond null and singular true.',
      body: Type.Object({ matrix: Matrix, ord: Type.Optional(Ord) }, { additionalProperties: false }),
      response: ComputeReplies,
    },
    handler: async (request) => condService(fastify.linalg, request.body),
  });

  app.post('/v1/analysis/norm', {
    schema: {
      tags: ['analysis'],
      summary: 'Matrix norm: fro (default), nuc, 1, 2 or inf.',
      body: Type.Object({ matrix: Matrix, ord: Type.Optional(Ord) }, { additionalProperties: false }),
      response: ComputeReplies,
    },
    handler: async (request) => normService(fastify.linalg, request.body),
  });
}
