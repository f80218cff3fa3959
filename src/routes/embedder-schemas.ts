/**
 * TypeBox schemas of the embedder, job and clinical-similarity routes. Texts are plain strings; the services check
 * the rest (fit settings, filters) and reject with catalogue codes and JSON pointers.
 */

import { Type } from 'typebox';

import { ErrorReply, StringEnum } from './schemas.js';
import { CollectionName, DocumentId, Exact, Filter, K, MinSimilarity } from './store-schemas.js';

/** Texts in one fit or embed request (the body limit, BODY_LIMIT_BYTES, applies as well). */
export const MAX_TEXTS = 100_000;

const Texts = Type.Array(Type.String(), { minItems: 1, maxItems: MAX_TEXTS, description: 'Texts, one document each.' });

export const FitEmbedderBody = Type.Object(
  {
    kind: StringEnum(['lsa'], { description: 'Embedder kind; "lsa" is TF-IDF followed by a truncated SVD.' }),
    dimensions: Type.Optional(Type.Integer({ minimum: 1, maximum: 2000, description: 'k; default min(256, documents, vocabulary). At most 2,000, the HNSW limit.' })),
    texts: Type.Optional(Texts),
    collection: Type.Optional(CollectionName),
    bigrams: Type.Optional(Type.Boolean({ description: 'Add adjacent word pairs as terms; default false.' })),
    minDf: Type.Optional(Type.Integer({ description: 'Minimum document frequency of a kept term, a count; default 1.' })),
    maxDf: Type.Optional(Type.Number({ description: 'Maximum document frequency of a kept term, a fraction in (0, 1]; default 1.' })),
    seed: Type.Optional(Type.Integer({ description: 'Seed of the randomized SVD; default 0.' })),
    powerIterations: Type.Optional(Type.Integer({ description: 'Power iterations of the randomized SVD, 0 to 30.' })),
  },
  { additionalProperties: false },
);

export const EmbedBody = Type.Object({ texts: Texts }, { additionalProperties: false });

export const EmbedderParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 128, description: 'Embedder id, as returned in the job result.' }) });
export const JobParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 128, description: 'Job id, as returned by the request that started it.' }) });

const OneOrMany = (description: string) =>
  Type.Union([Type.String(), Type.Array(Type.String(), { minItems: 1, maxItems: 1000 })], { description });

export const ClinicalSimilarBody = Type.Object(
  {
    collection: CollectionName,
    id: Type.Optional(DocumentId),
    text: Type.Optional(Type.String({ minLength: 1, description: 'Query note text, embedded with the collection\'s embedder.' })),
    k: Type.Optional(K),
    specialty: Type.Optional(OneOrMany('Specialty of the neighbours, or a list of which they must have one.')),
    noteType: Type.Optional(OneOrMany('Note type of the neighbours, or a list.')),
    excludeSamePatient: Type.Optional(Type.Boolean({ description: 'Leave out notes whose patient key equals the query note\'s (by id) or `patient` (by text).' })),
    patient: Type.Optional(Type.String({ description: 'Patient reference of a text query, for excludeSamePatient.' })),
    filter: Type.Optional(Filter),
    includeText: Type.Optional(Type.Boolean({ default: false, description: 'Return each neighbour\'s stored note text; default false.' })),
    keys: Type.Optional(
      Type.Object(
        {
          specialty: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
          noteType: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
          patient: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
        },
        { additionalProperties: false, description: 'Metadata keys of the clinical fields; default specialty, noteType and patient.' },
      ),
    ),
    exact: Type.Optional(Exact),
    minSimilarity: Type.Optional(MinSimilarity),
  },
  { additionalProperties: false },
);

export const EmbedderReplies = {
  202: Type.Unsafe<unknown>({ description: 'The job, queued.' }),
  200: Type.Unsafe<unknown>({ description: 'The result; its fields are listed in the route description and the README.' }),
  400: ErrorReply,
  404: ErrorReply,
  413: ErrorReply,
  422: ErrorReply,
  503: ErrorReply,
};
