import type { FastifyInstance } from 'fastify';
import { type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';

import { findSimilarNotes } from '../services/clinical-similarity.js';
import { ClinicalSimilarBody, EmbedderReplies } from './embedder-schemas.js';
import { requirePrincipal } from '../auth/authenticate.js';

export async function clinicalRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.post('/v1/clinical/similar', {
    schema: {
      tags: ['clinical'],
      summary: 'Notes similar to a stored note or to a text, with clinical filters.',
      description:
        'Body: { collection, id | text, k, specialty, noteType, excludeSamePatient, patient, filter, includeText, keys }. ' +
        'Reply: { collection, query, k, method, scanLimitReached, neighbours: [{ id, similarity, specialty, noteType, patient, metadata, text? }] }, ' +
        'nearest first; text only with includeText: true.',
      body: ClinicalSimilarBody,
      response: EmbedderReplies,
    },
    handler: async (request) => {
      // The key's tenant only, and an audit row naming the notes returned (never the query text).
      const principal = requirePrincipal(request);
      const reply = await findSimilarNotes(fastify.store.forTenant(principal.tenant), request.body);
      await fastify.audit.record(principal, { action: 'clinical.similar', collection: request.body.collection, documentIds: reply.neighbours.map((neighbour) => neighbour.id), query: request.body });
      return reply;
    },
  });
}
