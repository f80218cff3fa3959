import type { FastifyInstance } from 'fastify';
import { type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';

import { adaloraAllocateService, nf4Service, nullSpaceProjectService } from '../services/low-rank.js';
import { ComputeReplies, Format, Matrix, StringEnum } from './schemas.js';

const DeltaW = Type.Optional(Type.Unsafe<unknown>({ description: 'The update ΔW: out×in, as a matrix.' }));
const FactorA = Type.Optional(Type.Unsafe<unknown>({ description: 'LoRA factor A: r×in (ΔW = B·A).' }));
const FactorB = Type.Optional(Type.Unsafe<unknown>({ description: 'LoRA factor B: out×r.' }));

export async function lowRankRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.post('/v1/lora/adalora-allocate', {
    schema: {
      tags: ['lora'],
      summary: 'AdaLoRA-style allocation of a total rank budget across layers by singular-value importance.',
      description:
        'Each layer gives `deltaW` or the factors `a` (r×in) and `b` (out×r). `importance` "magnitude" (σ, default) or ' +
        '"relative" (σ² / ‖ΔW‖²_F). Every layer first keeps `minRank`; the rest of `budget` goes to the most important ' +
        'singular triplets across layers. Per layer: rank, energy kept and the truncation error.',
      body: Type.Object(
        {
          layers: Type.Array(
            Type.Object({ name: Type.Optional(Type.String({ maxLength: 200 })), deltaW: DeltaW, a: FactorA, b: FactorB }, { additionalProperties: false }),
            { minItems: 1, maxItems: 512 },
          ),
          budget: Type.Integer({ minimum: 1, description: 'Total rank across all layers.' }),
          importance: Type.Optional(StringEnum(['magnitude', 'relative'])),
          minRank: Type.Optional(Type.Integer({ minimum: 0, description: 'Rank each layer keeps first (capped by its numerical rank). Default 0.' })),
          returnFactors: Type.Optional(Type.Boolean({ description: 'Return the truncated factors b (out×r) and a (r×in). Default false.' })),
          format: Format,
        },
        { additionalProperties: false },
      ),
      response: ComputeReplies,
    },
    handler: async (request) => adaloraAllocateService(fastify.linalg, request.body),
  });

  app.post('/v1/lora/nf4', {
    schema: {
      tags: ['lora'],
      summary: 'QLoRA NF4 block quantisation and de-quantisation of a weight, and the error of a LoRA merge on it.',
      description:
        'With `weight`: quantise (blocks of `blockSize` values, row-major, absmax per block; default 64) and de-quantise, ' +
        'with the error. With `lora` {a, b, scaling} also merge ΔW = scaling·B·A into the float and the de-quantised base ' +
        'and report the difference, also after storing the merge back in NF4. With `codes`, `absmax` and `shape` instead of ' +
        '`weight`: de-quantise only.',
      body: Type.Object(
        {
          weight: Type.Optional(Matrix),
          blockSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 1048576, description: 'Values per absmax block. Default 64 (QLoRA).' })),
          lora: Type.Optional(
            Type.Object(
              { a: Matrix, b: Matrix, scaling: Type.Optional(Type.Number({ description: 'Scale s of ΔW = s·B·A, e.g. alpha / r. Default 1.' })) },
              { additionalProperties: false },
            ),
          ),
          codes: Type.Optional(Type.Array(Type.Integer({ minimum: 0, maximum: 15 }), { minItems: 1, description: 'NF4 codes, row-major.' })),
          absmax: Type.Optional(Type.Array(Type.Number({ minimum: 0 }), { minItems: 1, description: 'One scale per block.' })),
          shape: Type.Optional(Type.Tuple([Type.Integer({ minimum: 1 }), Type.Integer({ minimum: 1 })])),
          format: Format,
        },
        { additionalProperties: false },
      ),
      response: ComputeReplies,
    },
    handler: async (request) => nf4Service(fastify.linalg, request.body),
  });

  app.post('/v1/lora/null-space-project', {
    schema: {
      tags: ['lora'],
      summary: 'Project an adapter onto the orthogonal complement of a protected input subspace (LoRA-Null / InfLoRA style).',
      description:
        'The adapter is `deltaW` (out×in) or factors `a`, `b` (only A is projected). The subspace is spanned by `activations` ' +
        '(rows, input vectors: their numerical row space by default, the top `rank` directions, or the fewest reaching the ' +
        'energy fraction `energy`) or by the columns of `basis` (in×k). The reply gives the interference before and after.',
      body: Type.Object(
        {
          deltaW: DeltaW,
          a: FactorA,
          b: FactorB,
          activations: Type.Optional(Matrix),
          rank: Type.Optional(Type.Integer({ minimum: 0, description: 'Keep the top `rank` directions of the activations.' })),
          energy: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1, description: 'Keep the fewest directions holding this share of Σσ².' })),
          basis: Type.Optional(Matrix),
          format: Format,
        },
        { additionalProperties: false },
      ),
      response: ComputeReplies,
    },
    handler: async (request) => nullSpaceProjectService(fastify.linalg, request.body),
  });
}
