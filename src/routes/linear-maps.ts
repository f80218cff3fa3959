import type { FastifyInstance } from 'fastify';
import { type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';

import { composeService, inverseService, kernelImageService, linearityService } from '../services/linear-maps.js';
import { Atol, ComputeReplies, Format, Matrix, Rtol } from './schemas.js';
import { withExample } from './vector-schemas.js';

export async function linearMapRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const tolerant = Type.Object({ matrix: Matrix, rtol: Rtol, atol: Atol, format: Format }, { additionalProperties: false });

  app.post('/v1/linear-maps/compose', {
    schema: {
      tags: ['linear-maps'],
      summary: 'Composition of linear maps applied in list order: maps[q−1]·…·maps[0].',
      description: 'Each map must take vectors of the length the previous one returns (SHAPE_MISMATCH names both shapes).',
      body: withExample(
        Type.Object({ maps: Type.Array(Matrix, { minItems: 1, maxItems: 64 }), format: Format }, { additionalProperties: false }),
        { maps: [[[1, 0]], [[1], [1]]] },
      ),
      response: ComputeReplies,
    },
    handler: async (request) => composeService(fastify.linalg, request.body),
  });

  app.post('/v1/linear-maps/inverse', {
    schema: {
      tags: ['linear-maps'],
      summary: 'Inverse by the SVD, with condition number and verdict: invertible, ill-conditioned or singular.',
      description:
        'singular: numerical rank < n (tolerance as for /v1/analysis/rank), and `inverse` is null (use /v1/analysis/pinv). ' +
        'ill-conditioned: σ1/σn > 1/√ε ≈ 6.7e7, so fewer than half of float64\'s digits survive in A⁻¹·b. digitsLost = log10(σ1/σn).',
      body: withExample(
        tolerant,
        { matrix: [[2, 0], [0, 4]] },
      ),
      response: ComputeReplies,
    },
    handler: async (request) => inverseService(fastify.linalg, request.body),
  });

  app.post('/v1/linear-maps/kernel-image', {
    schema: {
      tags: ['linear-maps'],
      summary: 'Orthonormal bases of the kernel (null space) and the image (column space), as columns.',
      description: 'From one full SVD; the rank–nullity theorem is checked on the returned dimensions. Tolerance as for rank.',
      body: withExample(
        tolerant,
        { matrix: [[1, 2], [2, 4]] },
      ),
      response: ComputeReplies,
    },
    handler: async (request) => kernelImageService(fastify.linalg, request.body),
  });

  app.post('/v1/linear-maps/linearity', {
    schema: {
      tags: ['linear-maps'],
      summary: 'Numerical check of additivity and homogeneity, for a matrix or for sample input/output pairs.',
      description:
        'Closeness is numpy.allclose\'s |actual − expected| ≤ atol + rtol·|expected| (defaults rtol 1e-5, atol 1e-8). A matrix is ' +
        'probed with seeded random vectors. Samples (`inputs` k×n and `outputs` k×m, one sample per row) are tested on every ' +
        'linear relation among the inputs at once by a least-squares fit; verdict linear, affine (fits only with an intercept), ' +
        'nonlinear, or undetermined (independent inputs: some linear map fits any outputs).',
      body: withExample(
        Type.Object(
          {
            matrix: Type.Optional(Matrix),
            inputs: Type.Optional(Matrix),
            outputs: Type.Optional(Matrix),
            rtol: Type.Optional(Type.Number({ minimum: 0, description: 'Relative tolerance of numpy.allclose; default 1e-5.' })),
            atol: Type.Optional(Type.Number({ minimum: 0, description: 'Absolute tolerance of numpy.allclose; default 1e-8.' })),
            probes: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, description: 'Random probe pairs for a matrix; default 16.' })),
            seed: Type.Optional(Type.Integer({ minimum: 0, maximum: 4294967295, description: 'Seed of the probes; default 1.' })),
            format: Format,
          },
          { additionalProperties: false },
        ),
        { inputs: [[1, 0], [0, 1], [1, 1]], outputs: [[3], [4], [6]] },
      ),
      response: ComputeReplies,
    },
    handler: async (request) => linearityService(fastify.linalg, request.body),
  });
}
