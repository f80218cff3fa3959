/**
 * GraphQL fields for the analytics operations whose replies are documented per REST route: each field takes the
 * REST request body as `input` and returns the REST reply as JSON. The resolver sends the body through the route
 * itself (Fastify's in-process `inject`, no socket), so schema validation, limits, services and error codes are
 * exactly the REST ones.
 */

import type { FastifyInstance, FastifyRequest } from 'fastify';
import { GraphQLJSON } from 'graphql-scalars';

import { DomainError, type ErrorCode, errorCatalogue } from '../errors.js';

interface RestOperation {
  field: string;
  path: string;
  description: string;
}

/** Operations exposed this way; the route's OpenAPI description at /docs documents input and reply. */
export const REST_OPERATIONS: RestOperation[] = [
  { field: 'independence', path: '/v1/bases/independence', description: 'Linear independence test with a relative tolerance.' },
  { field: 'basis', path: '/v1/bases/basis', description: 'Basis of a spanning set, columns chosen by pivoted QR.' },
  { field: 'coordinates', path: '/v1/bases/coordinates', description: 'Coordinates of vectors in a basis.' },
  { field: 'dimension', path: '/v1/bases/dimension', description: 'Dimension of a span.' },
  { field: 'changeOfBasis', path: '/v1/bases/change-of-basis', description: 'Change-of-basis matrix, coordinates and a map in the new basis.' },
  { field: 'subspaceMembership', path: '/v1/subspaces/membership', description: 'Membership of a vector in a span.' },
  { field: 'subspaceProjection', path: '/v1/subspaces/projection', description: 'Projection onto a span and its orthogonal complement.' },
  { field: 'subspaceSum', path: '/v1/subspaces/sum', description: 'Sum of two subspaces.' },
  { field: 'subspaceIntersection', path: '/v1/subspaces/intersection', description: 'Intersection of two subspaces.' },
  { field: 'directSum', path: '/v1/subspaces/direct-sum', description: 'Direct-sum test and the unique decomposition v = x + y.' },
  { field: 'principalAngles', path: '/v1/subspaces/angles', description: 'Principal angles between two subspaces, descending.' },
  { field: 'composeMaps', path: '/v1/linear-maps/compose', description: 'Composition of linear maps.' },
  { field: 'inverseMap', path: '/v1/linear-maps/inverse', description: 'Inverse with condition number and verdict.' },
  { field: 'kernelImage', path: '/v1/linear-maps/kernel-image', description: 'Kernel and image bases of a map.' },
  { field: 'linearity', path: '/v1/linear-maps/linearity', description: 'Numerical linearity check.' },
  { field: 'vectorInnerProducts', path: '/v1/inner-products/vectors', description: 'Dot, cosine, weighted products, norms, distances, angles.' },
  { field: 'matrixInnerProducts', path: '/v1/inner-products/matrices', description: 'Frobenius inner product and norms.' },
  { field: 'cosineSimilarity', path: '/v1/inner-products/cosine-similarity', description: 'Pairwise cosine similarity and top pairs.' },
  { field: 'superposition', path: '/v1/analytics/superposition', description: 'Superposition (interference) analysis of feature directions.' },
  { field: 'pca', path: '/v1/analytics/pca', description: 'Principal component analysis.' },
  { field: 'kmeans', path: '/v1/clustering/kmeans', description: 'k-means clustering with k-means++ seeding and silhouette.' },
  { field: 'alignmentFit', path: '/v1/alignment/fit', description: 'Fit a cross-modal map (orthogonal Procrustes or ridge least squares).' },
  { field: 'alignmentApply', path: '/v1/alignment/apply', description: 'Apply a fitted cross-modal map to vectors.' },
  { field: 'adaloraAllocate', path: '/v1/lora/adalora-allocate', description: 'AdaLoRA-style rank allocation under a total budget.' },
  { field: 'nf4', path: '/v1/lora/nf4', description: 'NF4 quantisation of a weight and the merge error on the de-quantised base.' },
  { field: 'nullSpaceProject', path: '/v1/lora/null-space-project', description: 'LoRA-Null projection of an adapter away from a protected subspace.' },
  { field: 'sinusoidalEncoding', path: '/v1/positional/sinusoidal', description: 'Sinusoidal positional encodings and their Gram structure.' },
  { field: 'attention', path: '/v1/attention/scaled-dot-product', description: 'Scaled dot-product attention (float32, TensorFlow.js).' },
  { field: 'multiHeadAttention', path: '/v1/attention/multi-head', description: 'Multi-head attention with per-head analytics.' },
  { field: 'loraMerge', path: '/v1/lora/merge', description: 'Merge a LoRA or DoRA adapter into a weight.' },
  { field: 'loraUnmerge', path: '/v1/lora/unmerge', description: 'Remove a merged LoRA or DoRA adapter from a weight.' },
  { field: 'loraCombine', path: '/v1/lora/combine', description: 'Combine several adapters (cat, svd, linear, ties, dare, magnitude_prune).' },
  { field: 'loraAnalyze', path: '/v1/lora/analyze', description: 'Spectrum, effective rank and parameter counts of an adapter update.' },
  { field: 'randomFourierFeatures', path: '/v1/positional/random-fourier', description: 'Random Fourier features and their Gram structure.' },
  { field: 'clinicalSimilar', path: '/v1/clinical/similar', description: 'Clinical notes similar to a stored note or a text, with clinical filters.' },
  { field: 'embedTexts', path: '/v1/embedders/:id/embed', description: 'Embed texts with a stored embedder.' },
  { field: 'analogies', path: '/v1/collections/:name/analogies', description: 'Analogy a : b :: c : ? over a collection.' },
  { field: 'relations', path: '/v1/collections/:name/relations', description: 'Mean offset relation vector and ranked candidates.' },
  { field: 'relationFit', path: '/v1/collections/:name/relations/fit', description: 'Affine relation map fitted on stored pairs.' },
  { field: 'relationProbe', path: '/v1/collections/:name/relations/probe', description: 'Linear relational probe trained on stored pairs (TensorFlow.js).' },
  { field: 'searchMapped', path: '/v1/collections/:name/search-mapped', description: 'Search a collection with a vector mapped from another space.' },
  { field: 'fingerprintSearch', path: '/v1/fingerprint-collections/:name/search', description: 'Tanimoto or Hamming search over binary fingerprints.' },
];

/** Returns the path parameters of a route template, e.g. ['name'] for /v1/collections/:name/search. */
function pathParameters(path: string): string[] {
  return [...path.matchAll(/:([A-Za-z]+)/g)].map((match) => match[1]!);
}

export function restOperationTypeDefs(operations: RestOperation[]): string {
  const fields = operations.map(({ field, path, description }) => {
    // Path parameters become String! arguments of the same name; `input` is the body.
    const parameters = pathParameters(path).map((name) => `${name}: String!, `).join('');
    return `  "${description} Input and reply as POST ${path}."\n  ${field}(${parameters}input: JSON!): JSON!`;
  });
  return `scalar JSON\n\nextend type Query {\n${fields.join('\n')}\n}\n`;
}

export interface Context {
  app: FastifyInstance;
  reply: { request: FastifyRequest };
}

/** Headers passed through to the route, so authentication and request ids apply as they would over REST. */
const FORWARDED_HEADERS = ['authorization', 'x-api-key', 'x-request-id'];

/**
 * Sends a request through a REST route in-process, with the GraphQL request's key and request id, and returns its
 * JSON reply. A 4xx or 5xx reply is thrown as the DomainError of its code.
 */
export async function callRestRoute(context: Context, method: 'GET' | 'POST' | 'DELETE', url: string, payload?: unknown): Promise<Record<string, unknown>> {
  const headers: Record<string, string> = {};
  for (const name of FORWARDED_HEADERS) {
    const value = context.reply?.request.headers[name];
    if (typeof value === 'string') headers[name] = value;
  }
  const response = await context.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) });
  const body = response.json() as Record<string, unknown>;
  if (response.statusCode < 400) return body;

  const code = (typeof body.code === 'string' && body.code in errorCatalogue ? body.code : 'INTERNAL_ERROR') as ErrorCode;
  const { statusCode: _status, code: _code, error: _error, message: _message, ...params } = body;
  throw Object.assign(new DomainError(code, params), { message: String(body.message) });
}

export function restOperationResolvers(operations: RestOperation[]) {
  const query: Record<string, unknown> = {};
  for (const { field, path } of operations) {
    query[field] = async (_: unknown, args: Record<string, unknown>, context: Context) => {
      const url = path.replace(/:([A-Za-z]+)/g, (_match, name: string) => encodeURIComponent(String(args[name])));
      return callRestRoute(context, 'POST', url, args.input);
    };
  }
  return { JSON: GraphQLJSON, Query: query };
}
