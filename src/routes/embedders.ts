import type { FastifyInstance } from 'fastify';
import { type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';

import { EmbedBody, EmbedderParams, EmbedderReplies, FitEmbedderBody, JobParams } from './embedder-schemas.js';
import { requirePrincipal } from '../auth/authenticate.js';

export async function embedderRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['embedders'];

  app.post('/v1/embedders', {
    schema: {
      tags,
      summary: 'Fit a text embedder (LSA) on posted texts or on a collection\'s stored texts, as a job.',
      description:
        'Body: { kind: "lsa", dimensions, texts | collection, bigrams, minDf, maxDf, seed, powerIterations }. Reply 202: the job ' +
        '{ id, state: "queued", … } with a Location header; poll GET /v1/jobs/:id until state is "succeeded" (result.embedderId) or "failed" (error.code).',
      body: FitEmbedderBody,
      response: EmbedderReplies,
    },
    handler: async (request, reply) => {
      const job = await fastify.embedders.startFit(request.body, requirePrincipal(request).tenant);
      return reply.code(202).header('location', `/v1/jobs/${job.id}`).send(job);
    },
  });

  app.get('/v1/embedders/:id', {
    schema: {
      tags,
      summary: 'Get an embedder\'s metadata.',
      description: 'Reply: { id, kind, dimensions, vocabularySize, createdAt, tokenizer, fit, singularValues, storage: { dtype, bytes } }.',
      params: EmbedderParams,
      response: EmbedderReplies,
    },
    handler: async (request) => fastify.embedders.get(request.params.id),
  });

  app.post('/v1/embedders/:id/embed', {
    schema: {
      tags,
      summary: 'Embed texts with a stored embedder.',
      description: 'Reply: { embedder, dimensions, embeddings: [[…], …] }, one row per text; a text with no vocabulary word embeds to zeros.',
      params: EmbedderParams,
      body: EmbedBody,
      response: EmbedderReplies,
    },
    handler: async (request) => {
      const embeddings = await fastify.embedders.embed(request.params.id, request.body.texts);
      return { embedder: request.params.id, dimensions: embeddings[0]?.length ?? 0, embeddings };
    },
  });

  app.get('/v1/jobs/:id', {
    schema: {
      tags: ['jobs'],
      summary: 'Get a job\'s state, progress, timings and outcome.',
      description:
        'Reply: { id, kind, state: "queued" | "running" | "succeeded" | "failed", percent, stage, request, result, error: { code, message, … }, ' +
        'createdAt, startedAt, finishedAt, timings: { queuedMs, runMs } }. Any instance on the same database can answer.',
      params: JobParams,
      response: EmbedderReplies,
    },
    handler: async (request) => fastify.jobs.get(request.params.id),
  });
}
