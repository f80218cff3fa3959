/**
 * The error catalogue: every rejection the service makes, REST or GraphQL, comes from one of these entries, so a
 * client can switch on `code`. The HTTP status lives here too; GraphQL puts the same code in `extensions.code`.
 *
 * Compute code throws `DomainError` (code and parameters only); the HTTP layer renders it with this catalogue.
 */

type Params = Record<string, unknown>;

interface CatalogueEntry {
  status: number;
  message: (params: Params) => string;
}

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
  const text = JSON.stringify(value);
  if (text === undefined) return String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

export const errorCatalogue = {
  INVALID_REQUEST: { status: 400, message: (p) => `Invalid request at ${p.path || '/'}: ${p.reason}.` },
  INVALID_JSON: { status: 400, message: (p) => `The request body is not valid JSON: ${p.reason}.` },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: (p) => `Content type ${show(p.contentType)} is not supported; send application/json.` },
  BODY_TOO_LARGE: { status: 413, message: (p) => `The request body exceeds the limit of ${p.limit} bytes (BODY_LIMIT_BYTES).` },
  EMPTY_MATRIX: { status: 400, message: (p) => `The matrix at ${p.path} is empty; send at least one row with at least one number.` },
  RAGGED_MATRIX: { status: 400, message: (p) => `Row ${p.row} of the matrix at ${p.path} has ${p.got} entries, but row 0 has ${p.expected}.` },
  NOT_A_NUMBER: { status: 400, message: (p) => `The value at ${p.path} is ${show(p.value)}, not a number.` },
  NON_FINITE_VALUE: { status: 400, message: (p) => `The value at ${p.path} is ${p.value}; only finite numbers are accepted.` },
  INVALID_MATRIX: { status: 400, message: (p) => `The matrix at ${p.path} is invalid: ${p.reason}.` },
  INVALID_BASE64: { status: 400, message: (p) => `The data at ${p.path} is not valid base64 (RFC 4648, standard alphabet, padded).` },
  DATA_LENGTH_MISMATCH: { status: 400, message: (p) => `The data at ${p.path} decodes to ${p.got} bytes, but shape ${show(p.shape)} of ${p.dtype} needs ${p.expected}.` },
  MATRIX_TOO_LARGE: { status: 413, message: (p) => `The matrix at ${p.path} has ${p.elements} elements, more than the limit of ${p.limit} (MAX_MATRIX_ELEMENTS).` },
  RESULT_TOO_LARGE: { status: 422, message: (p) => `The result would have ${p.elements} elements, more than the limit of ${p.limit}; ${p.hint}.` },
  INVALID_PARAMETER: { status: 400, message: (p) => `The value at ${p.path} is ${show(p.value)}: ${p.reason}.` },
  CONFLICTING_TOLERANCES: { status: 400, message: () => 'Give either rtol or atol, not both (numpy.linalg.matrix_rank rejects both together too).' },
  NOT_SQUARE: { status: 422, message: (p) => `The operation needs a square matrix, but the matrix at ${p.path} is ${p.rows}×${p.cols}.` },
  NOT_SYMMETRIC: { status: 422, message: (p) => `The matrix at ${p.path} is not symmetric: the largest asymmetry |a[i][j] − a[j][i]| is ${p.maxAsymmetry} at (${p.row}, ${p.col}). Pass symmetrize: "lower", "upper" or "average" to choose how to read it.` },
  SHAPE_MISMATCH: { status: 422, message: (p) => `Shapes do not match: ${p.reason}.` },
  NON_FINITE_RESULT: { status: 422, message: (p) => `The ${p.what} overflowed float32: entry ${p.index} is ${p.value}; scale the inputs down.` },
  LINEARLY_DEPENDENT: { status: 422, message: (p) => `Vector ${p.index} is linearly dependent on the vectors before it (residual ${p.residual} ≤ ${p.threshold}); pass dropDependent: true to drop such vectors.` },
  SINGULAR_MATRIX: { status: 422, message: (p) => `The matrix at ${p.path} is singular: pivot ${p.pivot} of its LU factorisation is exactly zero.` },
  NOT_POSITIVE_DEFINITE: { status: 422, message: (p) => `The matrix at ${p.path} is not positive definite: its leading minor of order ${p.order} is not positive.` },
  CONVERGENCE_FAILURE: { status: 422, message: (p) => `LAPACK ${p.routine} did not converge on the ${p.rows}×${p.cols} matrix at ${p.path} (info ${p.info}); try rescaling the matrix, or report it with the request id.` },
  NOT_A_BASIS: { status: 422, message: (p) => `The vectors at ${p.path} are not a basis: they have rank ${p.rank} but there are ${p.count} of them (tolerance ${p.tolerance}); choose independent vectors with /v1/bases/basis.` },
  DIFFERENT_SPANS: { status: 422, message: (p) => `The bases span different subspaces: their largest principal angle is ${p.largestAngle} rad (sine ${p.sine} > ${p.tolerance}); a change of basis needs two bases of the same subspace.` },
  ZERO_NORM_VECTOR: {
    status: 422,
    message: (p) => `The ${p.what ?? 'vector'} at ${p.path} has norm 0, so ${p.reason ?? 'its direction and cosine are undefined'}; remove it, replace it or use another metric.`,
  },
  TOO_FEW_DISTINCT_VECTORS: { status: 422, message: (p) => `The vectors at ${p.path} have only ${p.distinct} distinct points (directions for cosine), fewer than k = ${p.k}; lower k.` },
  EMPTY_VOCABULARY: { status: 422, message: (p) => `No term of the ${p.documents} texts remains after stop words and document-frequency filtering (minDf ${p.minDf}, maxDf ${p.maxDf}); send longer texts or lower minDf.` },
  INVALID_MODEL: { status: 422, message: (p) => `The stored model at ${p.path} cannot be used: ${p.reason}.` },
  COMPUTE_TIMEOUT: { status: 503, message: (p) => `The computation did not finish within ${p.limitMs} ms (COMPUTE_TIMEOUT_MS) and was stopped; send a smaller problem or raise the limit.` },
  COMPUTE_QUEUE_FULL: { status: 503, message: (p) => `All ${p.threads} compute workers are busy and the queue is full; retry shortly.` },
  GRAPHQL_VALIDATION_FAILED: { status: 400, message: (p) => `The GraphQL document is invalid: ${p.reason}.` },
  GRAPHQL_QUERY_TOO_DEEP: { status: 400, message: (p) => `The GraphQL query is deeper than the limit of ${p.limit} (GRAPHQL_MAX_DEPTH).` },
  GRAPHQL_QUERY_TOO_COSTLY: { status: 400, message: (p) => `The GraphQL query costs ${p.cost}, more than the limit of ${p.limit} (GRAPHQL_MAX_COST).` },
  GRAPHQL_TOO_MANY_ALIASES: { status: 400, message: (p) => `The GraphQL document uses ${p.aliases} aliases, more than the limit of ${p.limit} (GRAPHQL_MAX_ALIASES).` },
  RATE_LIMITED: { status: 429, message: (p) => `Rate limit of ${p.limit} requests per ${p.window} exceeded; retry after ${p.retryAfterSeconds} s.` },
  SERVICE_OVERLOADED: { status: 503, message: (p) => `The service is overloaded (${p.reason}); retry after ${p.retryAfterSeconds} s.` },
  SHUTTING_DOWN: { status: 503, message: () => 'The service is shutting down; retry against another instance or in a few seconds.' },
  DIMENSION_MISMATCH: { status: 422, message: (p) => `The vector at ${p.path} has ${p.got} dimensions, but collection ${show(p.collection)} stores ${p.expected}.` },
  VALUE_OUT_OF_RANGE: { status: 422, message: (p) => `The value at ${p.path} is ${p.value}: ${p.reason}.` },
  INVALID_FINGERPRINT: { status: 400, message: (p) => `The fingerprint at ${p.path} is invalid: ${p.reason}.` },
  INVALID_FILTER: { status: 400, message: (p) => `The filter at ${p.path} is invalid: ${p.reason}.` },
  DUPLICATE_DOCUMENT_ID: { status: 400, message: (p) => `Document id ${show(p.id)} appears more than once in the batch (at ${p.path} and ${p.firstPath}); send each id once.` },
  COLLECTION_NOT_FOUND: { status: 404, message: (p) => `No collection is named ${show(p.collection)}.` },
  COLLECTION_EXISTS: { status: 409, message: (p) => `A collection named ${show(p.collection)} already exists; delete it first or choose another name.` },
  DOCUMENT_NOT_FOUND: { status: 404, message: (p) => `Collection ${show(p.collection)} has no document with id ${show(p.id)}.` },
  DOCUMENT_WITHOUT_EMBEDDING: { status: 422, message: (p) => `Document ${show(p.id)} in collection ${show(p.collection)} has no embedding, so it cannot be used as a query.` },
  EMBEDDER_NOT_FOUND: { status: 404, message: (p) => `No embedder has id ${show(p.embedder)}; fit one with POST /v1/embedders.` },
  EMBEDDER_MISMATCH: { status: 422, message: (p) => `Embedder ${show(p.embedder)} makes ${p.embedderDimensions}-dimensional vectors, but collection ${show(p.collection)} stores ${p.dimensions}; use an embedder fitted with dimensions ${p.dimensions}.` },
  COLLECTION_WITHOUT_EMBEDDER: { status: 422, message: (p) => `Collection ${show(p.collection)} names no embedder, so the text at ${p.path} cannot be embedded; set one with PATCH /v1/collections/${p.collection} or send vectors.` },
  JOB_NOT_FOUND: { status: 404, message: (p) => `No job has id ${show(p.job)}.` },
  DATABASE_UNAVAILABLE: { status: 503, message: () => 'The database is unavailable; retry shortly. The request id in the log has the details.' },
  AUTHENTICATION_REQUIRED: { status: 401, message: () => 'An API key is required: send it as Authorization: Bearer <key> or in the x-api-key header.' },
  INVALID_API_KEY: { status: 401, message: () => 'The API key is invalid or revoked; ask an administrator for a new one.' },
  INSUFFICIENT_SCOPE: { status: 403, message: (p) => `The API key lacks scope ${show(p.required)}, which ${p.operation} needs.` },
  API_KEY_NOT_FOUND: { status: 404, message: (p) => `No active API key has id ${show(p.id)}.` },
  NOT_FOUND: { status: 404, message: (p) => `No route matches ${p.method} ${p.url}.` },
  INTERNAL_ERROR: { status: 500, message: () => 'An internal error occurred; the request id in the log has the details.' },
} satisfies Record<string, CatalogueEntry>;

export type ErrorCode = keyof typeof errorCatalogue;

/** A rejection raised below the HTTP layer: a catalogue code and the parameters its message needs. */
export class DomainError extends Error {
  readonly code: ErrorCode;
  readonly params: Params;

  constructor(code: ErrorCode, params: Params = {}, options?: { cause: unknown }) {
    super(errorCatalogue[code].message(params), options);
    this.name = 'DomainError';
    this.code = code;
    this.params = params;
  }

  get status(): number {
    return errorCatalogue[this.code].status;
  }

  /** The JSON body of the reply: fastify's error fields plus the code's parameters (path, value, ...). */
  toBody(): Record<string, unknown> {
    return {
      statusCode: this.status,
      code: this.code,
      error: httpReason(this.status),
      message: this.message,
      ...this.params,
    };
  }
}

function httpReason(status: number): string {
  const reasons: Record<number, string> = {
    400: 'Bad Request',
    401: 'Unauthorized',
    403: 'Forbidden',
    404: 'Not Found',
    409: 'Conflict',
    413: 'Payload Too Large',
    415: 'Unsupported Media Type',
    429: 'Too Many Requests',
    422: 'Unprocessable Entity',
    500: 'Internal Server Error',
    503: 'Service Unavailable',
  };
  return reasons[status] ?? 'Error';
}
