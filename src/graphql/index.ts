/**
 * The GraphQL API (mercurius) at /graphql, with GraphiQL at /graphiql. Resolvers call the same services as the
 * REST routes. Errors carry the REST catalogue's code in `extensions.code`.
 */

import type { FastifyInstance } from 'fastify';
import mercurius, { type IResolvers, type MercuriusLoaders } from 'mercurius';
import { GraphQLError, type ExecutionResult } from 'graphql';

import { DomainError, errorCatalogue } from '../errors.js';
import { computeResolvers } from './compute-resolvers.js';
import { computeTypeDefs } from './compute-schema.js';
import { guardRootFields } from './authorize.js';
import { plotResolvers, plotTypeDefs } from './plots.js';
import { storeLoaders, storeResolvers, storeTypeDefs } from './store.js';
import { REST_OPERATIONS, restOperationResolvers, restOperationTypeDefs } from './rest-operations.js';
import { type GraphqlLimits, aliasLimitRule, costLimitRule, depthLimitRule } from './limits.js';

type ResolverMap = Record<string, unknown>;

/** One part of the schema: its SDL (later parts use `extend type`) and its resolvers by type name. */
interface SchemaModule {
  typeDefs: string;
  resolvers: Record<string, ResolverMap | unknown>;
}

const modules: SchemaModule[] = [
  { typeDefs: computeTypeDefs, resolvers: computeResolvers },
  { typeDefs: plotTypeDefs, resolvers: plotResolvers },
  { typeDefs: restOperationTypeDefs(REST_OPERATIONS), resolvers: restOperationResolvers(REST_OPERATIONS) },
  { typeDefs: storeTypeDefs, resolvers: storeResolvers },
];

/** Checks each Query and Mutation field's scope (authorize.ts) before its resolver runs. */
function guardResolvers(resolvers: IResolvers): IResolvers {
  const restPaths = new Map(REST_OPERATIONS.map(({ field, path }) => [field, path]));
  const roots = resolvers as Record<string, Record<string, unknown> | undefined>;
  const guarded: Record<string, unknown> = { ...resolvers, Query: guardRootFields('Query', roots.Query ?? {}, restPaths) };
  if (roots.Mutation) guarded.Mutation = guardRootFields('Mutation', roots.Mutation, restPaths);
  return guarded as IResolvers;
}

/** Merges resolver maps type by type (Query fields from every module end up in one Query map). */
function mergeResolvers(maps: SchemaModule['resolvers'][]): IResolvers {
  const merged: Record<string, unknown> = {};
  for (const map of maps) {
    for (const [typeName, value] of Object.entries(map)) {
      const isFieldMap = typeof value === 'object' && value !== null && value.constructor === Object;
      merged[typeName] = isFieldMap ? { ...(merged[typeName] as ResolverMap | undefined), ...(value as ResolverMap) } : value;
    }
  }
  return merged as IResolvers;
}

export interface GraphqlOptions extends GraphqlLimits {
  maxDepth: number;
}

export async function registerGraphql(app: FastifyInstance, options: GraphqlOptions): Promise<void> {
  await app.register(mercurius, {
    schema: modules.map((module) => module.typeDefs).join('\n'),
    resolvers: guardResolvers(mergeResolvers(modules.map((module) => module.resolvers))),
    loaders: storeLoaders as unknown as MercuriusLoaders,
    graphiql: true,
    validationRules: [depthLimitRule(options.maxDepth), costLimitRule(options), aliasLimitRule(options)],
    errorFormatter: (execution, context) => formatErrors(execution, context as unknown as { app: FastifyInstance }),
  });
}

interface FormattedError {
  message: string;
  locations?: readonly { line: number; column: number }[];
  path?: readonly (string | number)[];
  extensions: Record<string, unknown>;
}

/**
 * Turns every error of an execution into { message, locations, path, extensions: { code, ... } }. Domain errors
 * keep their catalogue code and parameters, and validation failures get a GRAPHQL_* code. Anything else is an
 * INTERNAL_ERROR whose details go to the log only.
 */
function formatErrors(execution: ExecutionResult & { errors: readonly GraphQLError[] }, context: { app: FastifyInstance }) {
  const flattened: GraphQLError[] = [];
  for (const error of execution.errors) {
    // mercurius wraps validation failures as one error whose originalError lists them.
    const nested = (error.originalError as { errors?: unknown } | undefined)?.errors;
    if (Array.isArray(nested)) flattened.push(...(nested as GraphQLError[]));
    else flattened.push(error);
  }

  const errors = flattened.map((error) => formatError(error, context));
  const onlyRejections = execution.data == null && errors.every((error) => error.extensions.status !== undefined && (error.extensions.status as number) < 500);
  // A request rejected by the authentication hook keeps its 401 or 403, as over REST.
  const authStatus = errors.find((error) => error.extensions.status === 401 || error.extensions.status === 403)?.extensions.status as number | undefined;
  let statusCode = 500;
  if (execution.data != null) statusCode = 200;
  else if (onlyRejections) statusCode = authStatus ?? 400;
  return { statusCode, response: { data: execution.data ?? null, errors } };
}

function formatError(error: GraphQLError, context: { app: FastifyInstance }): FormattedError {
  const base = { message: error.message, locations: error.locations, path: error.path };
  const original = error.originalError;

  if (original instanceof DomainError) {
    return { ...base, message: original.message, extensions: { code: original.code, status: original.status, ...original.params } };
  }
  const code = error.extensions?.code;
  if (typeof code === 'string' && code.startsWith('GRAPHQL_')) {
    return { ...base, extensions: { ...error.extensions, status: errorCatalogue.GRAPHQL_VALIDATION_FAILED.status } };
  }
  const httpStatus = (original as { statusCode?: unknown } | undefined)?.statusCode;
  if (typeof httpStatus === 'number' && httpStatus < 500) {
    // A request mercurius rejects before execution: no query, a body that is not JSON, a malformed field.
    const invalidJson = original instanceof SyntaxError || (original as { code?: string }).code === 'FST_ERR_CTP_INVALID_JSON_BODY';
    return { ...base, extensions: { code: invalidJson ? 'INVALID_JSON' : 'GRAPHQL_VALIDATION_FAILED', status: 400 } };
  }
  if (!original || original instanceof GraphQLError) {
    // A document that does not parse or validate against the schema, or an argument of the wrong type.
    return { ...base, extensions: { code: 'GRAPHQL_VALIDATION_FAILED', status: 400 } };
  }

  context.app.log.error({ err: original }, 'GraphQL resolver failed with an unexpected error');
  return { ...base, message: errorCatalogue.INTERNAL_ERROR.message(), extensions: { code: 'INTERNAL_ERROR', status: 500 } };
}
