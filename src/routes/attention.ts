import type { FastifyInstance } from 'fastify';
import { type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';

import { multiHeadService, scaledDotProductService } from '../services/attention.js';
import { ComputeReplies, Format, Matrix, MatrixOrVector, StringEnum } from './schemas.js';

const ND_DESCRIPTION =
  'An N-D array: nested JSON arrays of numbers of any rank, or { "shape": [...], "dtype": "float64" | "float32", "data": "<base64>" } ' +
  'with little-endian, row-major data. Read as float32.';

const NdArray = Type.Unsafe<unknown>({ description: ND_DESCRIPTION, examples: [[[1, 0], [0, 1]]] });

const Mask = Type.Unsafe<unknown>({
  description:
    'A mask with an explicit kind: { "kind": "allow", "values": <booleans> } (true = attend, PyTorch attn_mask), ' +
    '{ "kind": "block", "values": <booleans> } (true = masked, PyTorch key_padding_mask) or { "kind": "additive", "values": ' +
    '<numbers, "-inf" for −Infinity> }. Broadcasts against the scores [..., L, S] as numpy does. A bare array is rejected.',
  examples: [{ kind: 'allow', values: [[true, false], [true, true]] }],
});

const attentionOptions = {
  mask: Type.Optional(Mask),
  causal: Type.Optional(Type.Boolean({ description: 'Apply a causal mask (combined with `mask`). Default false.' })),
  alignment: Type.Optional(
    StringEnum(['topLeft', 'bottomRight'], {
      description: 'Causal alignment when L ≠ S: "topLeft" (default, PyTorch is_causal) lets query i see keys j ≤ i; "bottomRight" (flash-attn, KV cache) keys j ≤ i + S − L.',
    }),
  ),
  scale: Type.Optional(Type.Number({ exclusiveMinimum: 0, description: 'Multiplies Q·Kᵀ. Default 1/√d.' })),
  returnWeights: Type.Optional(Type.Boolean({ description: 'Return the attention weights [..., L, S]. Default false.' })),
  format: Format,
};

export async function attentionRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.post('/v1/attention/scaled-dot-product', {
    schema: {
      tags: ['attention'],
      summary: 'Scaled dot-product attention softmax(Q·Kᵀ·scale + mask)·V, float32.',
      description:
        'query [..., Hq, L, d], key [..., Hkv, S, d], value [..., Hkv, S, dv], same rank. The axis before L is the head axis; ' +
        'Hkv may divide Hq (grouped-query attention: key/value head = floor(query head / (Hq/Hkv))). A query row whose keys ' +
        'are all masked gets output 0 and weights 0 and is listed in fullyMaskedRows. The reply echoes scale, causal ' +
        'alignment, mask kind, GQA mapping, compute dtype and backend.',
      body: Type.Object({ query: NdArray, key: NdArray, value: NdArray, ...attentionOptions }, { additionalProperties: false }),
      response: ComputeReplies,
    },
    handler: async (request) => scaledDotProductService(fastify.linalg, request.body),
  });

  app.post('/v1/attention/multi-head', {
    schema: {
      tags: ['attention'],
      summary: 'Multi-head attention with projections, as torch.nn.MultiheadAttention, with per-head analytics.',
      description:
        'input [L, E] or [N, L, E]; keyInput defaults to input and valueInput to keyInput. Weights wQ [H·d, E], wK [Hkv·d, Ek], ' +
        'wV [Hkv·dv, Ev], wO [Eo, H·dv] in the out×in layout (nn.Linear) unless layout is "in_out"; biases bQ, bK, bV, bO. ' +
        'mask broadcasts against the weights [N, H, L, S]; keyPaddingMask is [S] or [N, S]. Per head: entropy (nats), ' +
        'maxWeight and effectiveSpan = exp(entropy), averaged over the batch and the rows not fully masked.',
      body: Type.Object(
        {
          input: NdArray,
          keyInput: Type.Optional(NdArray),
          valueInput: Type.Optional(NdArray),
          wQ: Matrix,
          wK: Matrix,
          wV: Matrix,
          wO: Matrix,
          bQ: Type.Optional(MatrixOrVector),
          bK: Type.Optional(MatrixOrVector),
          bV: Type.Optional(MatrixOrVector),
          bO: Type.Optional(MatrixOrVector),
          numHeads: Type.Integer({ minimum: 1, description: 'Query heads H.' }),
          numKeyValueHeads: Type.Optional(Type.Integer({ minimum: 1, description: 'Key/value heads Hkv, dividing H. Default H.' })),
          keyPaddingMask: Type.Optional(Mask),
          layout: Type.Optional(StringEnum(['out_in', 'in_out'], { description: 'Layout of the projection weights. Default "out_in" (nn.Linear).' })),
          ...attentionOptions,
        },
        { additionalProperties: false },
      ),
      response: ComputeReplies,
    },
    handler: async (request) => multiHeadService(fastify.linalg, request.body),
  });
}
