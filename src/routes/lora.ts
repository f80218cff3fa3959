import type { FastifyInstance } from 'fastify';
import { type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';

import { analyzeService, combineService, mergeService, unmergeService } from '../services/lora.js';
import { ComputeReplies, Format, Matrix, MatrixOrVector, StringEnum } from './schemas.js';

const Scaling = Type.Optional(StringEnum(['standard', 'rslora'], { description: 'Scale s = alpha/r ("standard", default) or alpha/√r ("rslora").' }));
const Layout = Type.Optional(
  StringEnum(['out_in', 'in_out'], { description: 'Weight layout: "out_in" (default, torch.nn.Linear) or "in_out" (GPT-2 Conv1D, fan_in_fan_out). Never guessed from the shape.' }),
);
const Alpha = Type.Number({ description: 'LoRA alpha.' });

const Dora = Type.Object(
  {
    magnitude: MatrixOrVector,
    normAxis: Type.Optional(StringEnum(['output', 'input'], { description: 'Norm per output feature (default, PEFT: rows of the out×in weight) or per input feature (columns).' })),
    weightNorm: Type.Optional(MatrixOrVector),
  },
  { additionalProperties: false, description: 'DoRA: W\' = m ⊙ (W + s·B·A)/‖W + s·B·A‖. Unmerge needs weightNorm from the merge reply.' },
);

const Adapter = Type.Object({ A: Matrix, B: Matrix, alpha: Alpha, dora: Type.Optional(Dora) }, { additionalProperties: false });

const mergeBody = Type.Object(
  {
    weight: Matrix,
    A: Type.Optional(Matrix),
    B: Type.Optional(Matrix),
    alpha: Type.Optional(Alpha),
    dora: Type.Optional(Dora),
    adapters: Type.Optional(Type.Array(Adapter, { description: 'Several adapters on one layer, instead of A, B, alpha, dora; DoRA norms are taken on the unmerged base weight.' })),
    scaling: Scaling,
    layout: Layout,
    format: Format,
  },
  { additionalProperties: false },
);

export async function loraRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.post('/v1/lora/merge', {
    schema: {
      tags: ['lora'],
      summary: 'Merge a LoRA or DoRA adapter into a weight, float32.',
      description:
        'A: r×in (lora_A), B: out×r (lora_B), ΔW = s·B·A. The weight is out×in ("out_in") or in×out ("in_out") and comes back in ' +
        'the same layout. A factor that does not fit is SHAPE_MISMATCH naming both shapes; nothing is broadcast. With dora, ' +
        'W\' = m ⊙ (W + ΔW)/‖W + ΔW‖, and the reply returns weightNorm for unmerging.',
      body: mergeBody,
      response: ComputeReplies,
    },
    handler: async (request) => mergeService(fastify.linalg, request.body),
  });

  app.post('/v1/lora/unmerge', {
    schema: {
      tags: ['lora'],
      summary: 'Remove merged LoRA or DoRA adapters from a weight, the inverse of merge.',
      description: 'Same body as merge, with the merged weight. DoRA adapters need dora.weightNorm from the merge reply.',
      body: mergeBody,
      response: ComputeReplies,
    },
    handler: async (request) => unmergeService(fastify.linalg, request.body),
  });

  app.post('/v1/lora/combine', {
    schema: {
      tags: ['lora'],
      summary: 'Combine several adapters of one layer into one (PEFT add_weighted_adapter methods), float64.',
      description:
        'Exact target ΔW = Σ wᵢ·sᵢ·Bᵢ·Aᵢ. "cat": exact, concatenated factors. "svd": exact ΔW truncated to `rank`. "linear": ' +
        'factor-space average (adds cross terms; the reply warns). "ties", "dare_linear", "dare_ties", "magnitude_prune": ' +
        'PEFT task arithmetic on the factors with `density` (DARE seeded by `seed`). The reply gives deltaError against the exact ΔW.',
      body: Type.Object(
        {
          method: StringEnum(['cat', 'svd', 'linear', 'ties', 'dare_linear', 'dare_ties', 'magnitude_prune']),
          adapters: Type.Array(
            Type.Object({ A: Matrix, B: Matrix, alpha: Alpha, weight: Type.Optional(Type.Number({ description: 'Weight wᵢ. Default 1.' })) }, { additionalProperties: false }),
            { minItems: 1 },
          ),
          scaling: Scaling,
          rank: Type.Optional(Type.Integer({ minimum: 1, description: 'Target rank of "svd". Default the largest adapter rank.' })),
          density: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1, description: 'Fraction of entries kept by ties, dare_* and magnitude_prune.' })),
          seed: Type.Optional(Type.Integer({ minimum: 0, maximum: 4294967295, description: 'Seed of the DARE masks. Default 0.' })),
          majoritySignMethod: Type.Optional(StringEnum(['total', 'frequency'], { description: 'TIES sign election. Default "total".' })),
          format: Format,
        },
        { additionalProperties: false },
      ),
      response: ComputeReplies,
    },
    handler: async (request) => combineService(fastify.linalg, request.body),
  });

  app.post('/v1/lora/analyze', {
    schema: {
      tags: ['lora'],
      summary: 'Spectrum of a LoRA update: singular values, effective rank, energy, parameter counts.',
      description:
        'From the factors (A, B, alpha, scaling: ΔW = s·B·A) or a dense `delta` (out×in). Effective rank exp(H(σ/Σσ)); energy of the ' +
        'top `rank` singular values (default r, or min(out, in) for a dense delta); parameters out·in against rank·(out + in).',
      body: Type.Object(
        {
          A: Type.Optional(Matrix),
          B: Type.Optional(Matrix),
          alpha: Type.Optional(Alpha),
          scaling: Scaling,
          delta: Type.Optional(Matrix),
          rank: Type.Optional(Type.Integer({ minimum: 1, description: 'r of the energy figure and the parameter count.' })),
        },
        { additionalProperties: false },
      ),
      response: ComputeReplies,
    },
    handler: async (request) => analyzeService(fastify.linalg, request.body),
  });
}
