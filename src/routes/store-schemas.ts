/**
 * TypeBox schemas of the embedding store's routes. Vectors are declared without a type, like matrices in
 * schemas.ts: the service checks them and rejects with DIMENSION_MISMATCH, ZERO_NORM_VECTOR and friends, with the
 * JSON pointer of the offending value.
 */

import { Type } from 'typebox';

import { MAX_K } from '../services/embedding-store.js';
import { ErrorReply, StringEnum } from './schemas.js';

/** Maximum documents in one upsert request (the body limit, BODY_LIMIT_BYTES, applies as well). */
export const MAX_BATCH_DOCUMENTS = 10_000;

export const CollectionName = Type.String({
  pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$',
  description: 'Collection name: 1 to 63 letters, digits, "_", "." or "-", starting with a letter or digit.',
});

export const DocumentId = Type.String({ minLength: 1, maxLength: 512, description: 'External document id, unique within its collection.' });

export const Vector = Type.Unsafe<unknown>({
  description: 'An array of exactly `dimensions` finite numbers within float32 range; not all zero in a cosine collection.',
  examples: [[0.12, -0.4, 0.33]],
});

export const Metadata = Type.Unsafe<Record<string, unknown>>({
  type: 'object',
  description: 'JSON object, e.g. { "specialty": "Cardiology", "noteType": "discharge", "patient": "p-17", "date": "2024-05-01" }.',
});

export const Filter = Type.Unsafe<unknown>({
  description:
    'Metadata filter, all entries ANDed: { "<key>": <value> } for equality, or { "<key>": { "eq" | "ne": value, "in" | "nin": [values], ' +
    '"gt" | "gte" | "lt" | "lte": number or ISO 8601 date } }. ne and nin keep documents without the key.',
  examples: [{ specialty: { in: ['Cardiology', 'Neurology'] }, date: { gte: '2024-01-01' } }],
});

export const EmbedderId = Type.String({
  minLength: 1,
  maxLength: 128,
  description: 'Id of a stored embedder (POST /v1/embedders). Documents with text and no embedding are then embedded from the text.',
});

export const K = Type.Integer({ minimum: 1, maximum: MAX_K, default: 10, description: `Hits to return, 1 to ${MAX_K}.` });
export const Exact = Type.Boolean({ default: false, description: 'true: exact sequential scan instead of the HNSW index.' });
export const MinSimilarity = Type.Number({
  description: 'Keep hits with similarity ≥ this bound (inclusive). cosine: cos θ; inner_product: a·b; l2: 1 / (1 + distance).',
});

export const CollectionParams = Type.Object({ name: CollectionName });

export const UpdateCollectionBody = Type.Object(
  { embedder: Type.Union([EmbedderId, Type.Null()], { description: 'Embedder of text-only documents and text queries; null removes it.' }) },
  { additionalProperties: false },
);
export const DocumentParams = Type.Object({ name: CollectionName, id: DocumentId });

export const CreateCollectionBody = Type.Object(
  {
    name: CollectionName,
    dimensions: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 2000, description: 'Vector length; at most 2,000, the HNSW limit for pgvector `vector`. Default with an embedder: its dimensions.' }),
    ),
    embedder: Type.Optional(EmbedderId),
    metric: Type.Optional(StringEnum(['cosine', 'l2', 'inner_product'], { description: 'Distance of the index and of searches; default cosine.' })),
    model: Type.Optional(Type.String({ maxLength: 256, description: 'Id of the embedding model that produced the vectors.' })),
    hnsw: Type.Optional(
      Type.Object(
        {
          m: Type.Optional(Type.Integer({ minimum: 2, maximum: 100, description: 'HNSW graph degree; default HNSW_M (16).' })),
          efConstruction: Type.Optional(Type.Integer({ minimum: 4, maximum: 1000, description: 'HNSW build candidates; default HNSW_EF_CONSTRUCTION (64).' })),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

export const UpsertBody = Type.Object(
  {
    documents: Type.Array(
      Type.Object(
        {
          id: DocumentId,
          embedding: Type.Optional(Vector),
          metadata: Type.Optional(Metadata),
          text: Type.Optional(Type.Union([Type.String(), Type.Null()])),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: MAX_BATCH_DOCUMENTS },
    ),
  },
  { additionalProperties: false },
);

export const SearchBody = Type.Object(
  {
    vector: Type.Optional(Vector),
    id: Type.Optional(DocumentId),
    text: Type.Optional(Type.String({ minLength: 1, description: "Query text, embedded with the collection's embedder." })),
    k: Type.Optional(K),
    filter: Type.Optional(Filter),
    excludeSame: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 256 }), {
        maxItems: 16,
        description: 'With a search by id: metadata keys (e.g. "patient") whose value must differ from the query document\'s.',
      }),
    ),
    exact: Type.Optional(Exact),
    minSimilarity: Type.Optional(MinSimilarity),
  },
  { additionalProperties: false },
);

export const AnalogyBody = Type.Object(
  { a: DocumentId, b: DocumentId, c: DocumentId, k: Type.Optional(K), filter: Type.Optional(Filter), exact: Type.Optional(Exact), minSimilarity: Type.Optional(MinSimilarity) },
  { additionalProperties: false },
);

export const RelationsBody = Type.Object(
  {
    pairs: Type.Array(Type.Object({ subject: DocumentId, object: DocumentId }, { additionalProperties: false }), { minItems: 1, maxItems: 1000 }),
    subject: Type.Optional(DocumentId),
    k: Type.Optional(K),
    filter: Type.Optional(Filter),
    exact: Type.Optional(Exact),
  },
  { additionalProperties: false },
);

/** Reply schemas of a store route: the result (documented in the route description) and the catalogue's error body. */
export const StoreReplies = {
  201: Type.Unsafe<unknown>({ description: 'The created resource.' }),
  200: Type.Unsafe<unknown>({ description: 'The result; its fields are listed in the route description and the README.' }),
  400: ErrorReply,
  404: ErrorReply,
  409: ErrorReply,
  413: ErrorReply,
  422: ErrorReply,
  503: ErrorReply,
};
