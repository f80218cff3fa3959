import type { FastifyInstance } from 'fastify';
import { type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';

import { DomainError } from '../errors.js';
import { attentionPlotService, spectrumPlotService } from '../services/plots.js';
import { ErrorReply, Matrix, MatrixOrVector } from './schemas.js';

const SVG = 'image/svg+xml; charset=utf-8';
const svgReplies = { 200: Type.String({ description: 'An SVG document.' }), 400: ErrorReply, 413: ErrorReply, 422: ErrorReply, 503: ErrorReply };

/** Server-side SVG plots, so that other tools can embed the pictures (GET) or post the data (POST). */
export async function plotRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get('/v1/plots/spectrum.svg', {
    schema: {
      tags: ['plots'],
      summary: 'Spectrum plot of comma-separated singular values.',
      querystring: Type.Object({
        values: Type.String({ description: 'Comma-separated singular values, e.g. 5,2,0.1.' }),
        logScale: Type.Optional(Type.Boolean()),
        title: Type.Optional(Type.String({ maxLength: 200 })),
      }),
      response: svgReplies,
    },
    handler: async (request, reply) => {
      const values = request.query.values.split(',').map((text, i) => {
        const value = text.trim() === '' ? Number.NaN : Number(text);
        if (Number.isNaN(value)) throw new DomainError('NOT_A_NUMBER', { path: `/values/${i}`, value: text });
        return value;
      });
      const svg = await spectrumPlotService(fastify.linalg, { values, logScale: request.query.logScale, title: request.query.title });
      return reply.type(SVG).send(svg);
    },
  });

  app.post('/v1/plots/spectrum.svg', {
    schema: {
      tags: ['plots'],
      summary: 'Spectrum plot of a matrix (its singular values and rank tolerance) or of given singular values.',
      body: Type.Object(
        {
          matrix: Type.Optional(MatrixOrVector),
          values: Type.Optional(Type.Array(Type.Unsafe<number>({}), { description: 'Singular values, descending.' })),
          logScale: Type.Optional(Type.Boolean({ description: 'Log scale for σ. Default true.' })),
          title: Type.Optional(Type.String({ maxLength: 200 })),
        },
        { additionalProperties: false },
      ),
      response: svgReplies,
    },
    handler: async (request, reply) => reply.type(SVG).send(await spectrumPlotService(fastify.linalg, request.body)),
  });

  app.post('/v1/plots/attention.svg', {
    schema: {
      tags: ['plots'],
      summary: 'Heatmap of attention weights (queries × keys).',
      body: Type.Object(
        {
          weights: Matrix,
          rowLabels: Type.Optional(Type.Array(Type.String({ maxLength: 40 }), { description: 'Query token labels.' })),
          columnLabels: Type.Optional(Type.Array(Type.String({ maxLength: 40 }), { description: 'Key token labels.' })),
          title: Type.Optional(Type.String({ maxLength: 200 })),
        },
        { additionalProperties: false },
      ),
      response: svgReplies,
    },
    handler: async (request, reply) => reply.type(SVG).send(attentionPlotService(fastify.linalg, request.body)),
  });
}
