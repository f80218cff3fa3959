import type { FastifyInstance } from 'fastify';
import { type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';

import { randomFourierService, sinusoidalService } from '../services/positional.js';
import { ComputeReplies, Format, Matrix, StringEnum } from './schemas.js';

const Length = Type.Optional(Type.Integer({ minimum: 1, description: 'Use positions 0 … length − 1.' }));
const Positions = Type.Optional(Type.Array(Type.Integer(), { minItems: 1, description: 'Integer positions, in any order.' }));
const IncludeGram = Type.Optional(Type.Boolean({ description: 'Also return the Gram matrix E·Eᵀ. Default false.' }));

export async function positionalRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.post('/v1/positional/sinusoidal', {
    schema: {
      tags: ['positional'],
      summary: 'Sinusoidal positional encodings (Vaswani et al., 2017) and how their inner product depends on the offset.',
      description:
        'Row p is PE(p), with sin(p·ω_i) at column 2i and cos(p·ω_i) at column 2i + 1, ω_i = base^(−2i/d). ' +
        '`innerProductByOffset` lists, per offset, the mean inner product, the closed form Σ_i cos(ω_i·offset) and the ' +
        'largest deviation among position pairs with that offset.',
      body: Type.Object(
        {
          length: Length,
          positions: Positions,
          dimension: Type.Integer({ minimum: 2, description: 'Encoding dimension d, even.' }),
          base: Type.Optional(Type.Number({ exclusiveMinimum: 1, description: 'Wavelength base. Default 10000.' })),
          includeGram: IncludeGram,
          format: Format,
        },
        { additionalProperties: false },
      ),
      response: ComputeReplies,
    },
    handler: async (request) => sinusoidalService(fastify.linalg, request.body),
  });

  app.post('/v1/positional/random-fourier', {
    schema: {
      tags: ['positional'],
      summary: 'Random Fourier features (Rahimi & Recht, 2007) of positions or points, against the Gaussian kernel.',
      description:
        'Give `length`, `positions` or `points` (rows). Frequencies w ~ N(0, lengthScale⁻²·I) from `seed`. `variant` "cos-sin" ' +
        '(default, [cos(w·x), sin(w·x)], exactly shift-invariant) or "cos-phase" (√(2/D)·cos(w·x + b)). The reply gives the ' +
        'kernel approximation error and, for positions, the inner product by offset.',
      body: Type.Object(
        {
          length: Length,
          positions: Positions,
          points: Type.Optional(Matrix),
          features: Type.Integer({ minimum: 1, description: 'Feature count D (even for cos-sin).' }),
          lengthScale: Type.Optional(Type.Number({ exclusiveMinimum: 0, description: 'Kernel length scale σ. Default 1.' })),
          variant: Type.Optional(StringEnum(['cos-sin', 'cos-phase'])),
          seed: Type.Optional(Type.Integer({ minimum: 0, maximum: 4294967295, description: 'Seed of the frequencies. Default 0.' })),
          includeGram: IncludeGram,
          format: Format,
        },
        { additionalProperties: false },
      ),
      response: ComputeReplies,
    },
    handler: async (request) => randomFourierService(fastify.linalg, request.body),
  });
}
