/**
 * The Fastify app factory, shared by the entry point (server.ts) and the tests (through `app.inject`).
 */

import Fastify, { type FastifyError, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import swagger from '@fastify/swagger';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import swaggerUi from '@fastify/swagger-ui';
import underPressure from '@fastify/under-pressure';
import path from 'node:path';

import { installAuthentication } from './auth/authenticate.js';
import { selectEngine } from './compute/engines.js';
import type { Config } from './config.js';
import type { Database } from './db/database.js';
import { openDatabase } from './db/open.js';
import { DomainError } from './errors.js';
import { registerGraphql } from './graphql/index.js';
import { projectRoot } from './io/project-root.js';
import { type Metrics, createMetrics, installMetrics } from './observability/metrics.js';
import { analysisRoutes } from './routes/analysis.js';
import { basisRoutes } from './routes/bases.js';
import { alignmentRoutes } from './routes/alignment.js';
import { clusteringRoutes } from './routes/clustering.js';
import { clinicalRoutes } from './routes/clinical.js';
import { embedderRoutes } from './routes/embedders.js';
import { attentionRoutes } from './routes/attention.js';
import { loraRoutes } from './routes/lora.js';
import { collectionRoutes } from './routes/collections.js';
import { collectionAnalyticsRoutes } from './routes/collection-analytics.js';
import { fingerprintRoutes } from './routes/fingerprints.js';
import { decompositionRoutes } from './routes/decompositions.js';
import { embeddingAnalyticsRoutes } from './routes/embedding-analytics.js';
import { adminRoutes } from './routes/admin.js';
import { healthRoutes } from './routes/health.js';
import { innerProductRoutes } from './routes/inner-products.js';
import { linearMapRoutes } from './routes/linear-maps.js';
import { orthogonalizationRoutes } from './routes/orthogonalization.js';
import { plotRoutes } from './routes/plots.js';
import { subspaceRoutes } from './routes/subspaces.js';
import { lowRankRoutes } from './routes/low-rank.js';
import { positionalRoutes } from './routes/positional.js';
import { ApiKeyService } from './services/api-keys.js';
import { AuditTrail } from './services/audit.js';
import { ComputePool } from './services/compute-pool.js';
import { EmbedderService } from './services/embedders.js';
import { EmbeddingStore } from './services/embedding-store.js';
import { JobRunner } from './services/jobs.js';
import type { LinalgDeps } from './services/linalg.js';

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
    pool: ComputePool;
    linalg: LinalgDeps;
    engineName: string;
    metrics: Metrics;
    /** TensorFlow.js backend of the workers (tensorflow, wasm or cpu), as one worker reported it at start. */
    tfjsBackend: string;
    store: EmbeddingStore;
    apiKeys: ApiKeyService;
    audit: AuditTrail;
    embedders: EmbedderService;
    jobs: JobRunner;
  }
}

/**
 * Log fields that may carry protected health information or secrets. Request bodies are not logged at all;
 * these paths cover the headers and any object a handler passes to the logger.
 */
export const REDACTED_LOG_PATHS = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers.cookie',
  '*.embedding',
  '*.embeddings',
  '*.vector',
  '*.text',
  '*.texts',
  '*.metadata',
  '*.apiKey',
  '*.key',
];

/** pino options of the service's logger: level and the redaction of REDACTED_LOG_PATHS. */
export function loggerOptions(config: Config): { level: Config['logLevel']; redact: { paths: string[]; censor: string } } {
  return { level: config.logLevel, redact: { paths: REDACTED_LOG_PATHS, censor: '[redacted]' } };
}

export interface BuildOptions {
  /** pino options, `false` for no logs, or a ready logger instance (tests capture output this way). */
  logger?: FastifyServerOptions['logger'];
  loggerInstance?: FastifyServerOptions['loggerInstance'];
  /**
   * The embedding store's database, opened and migrated by the caller, who also closes it. Without it the app
   * opens the configured one (DATABASE_URL, else PGlite in PGLITE_DATA_DIR) on first use and closes it on close.
   */
  database?: Database;
}

export async function buildApp(config: Config, options: BuildOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    ...(options.loggerInstance
      ? { loggerInstance: options.loggerInstance }
      : { logger: options.logger ?? loggerOptions(config) }),
    bodyLimit: config.bodyLimitBytes,
    requestIdHeader: 'x-request-id',
    // Requests arriving during shutdown get the catalogue's SHUTTING_DOWN from the hook below instead.
    return503OnClosing: false,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: false } },
  });

  const metrics = createMetrics();
  const pool = new ComputePool({
    threads: config.workerThreads,
    timeoutMs: config.computeTimeoutMs,
    engine: config.linalgEngine,
    tfjsBackend: config.tfjsBackend,
    onTaskSettled: (operation, seconds, outcome) => metrics.computeDuration.observe({ operation, outcome }, seconds),
  });
  app.decorate('config', config);
  app.decorate('metrics', metrics);
  app.decorate('pool', pool);
  app.decorate('linalg', { pool, maxMatrixElements: config.maxMatrixElements });
  app.decorate('engineName', selectEngine(config.linalgEngine).name);
  app.addHook('onClose', async () => pool.close());

  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onRequest', async (_request, reply) => {
    if (!closing) return;
    const rejection = new DomainError('SHUTTING_DOWN');
    return reply.code(503).header('connection', 'close').header('retry-after', '5').send(rejection.toBody());
  });

  // Every worker resolves TFJS_BACKEND the same way, so asking one at start logs the backend and fails fast when none loads.
  const tfjs = await pool.run('tfjsBackend', {}).catch(async (error: unknown) => {
    await pool.close();
    throw error;
  });
  app.decorate('tfjsBackend', tfjs.backend);
  app.log.info({ tfjsBackend: tfjs.backend, requested: config.tfjsBackend, skipped: tfjs.skipped }, 'TensorFlow.js backend ready');
  const database = options.database;
  const store = new EmbeddingStore(database ? async () => database : () => openDatabase(config), config);
  app.decorate('store', store);
  const jobs = new JobRunner(() => store.database(), app.log);
  const embedders = new EmbedderService(pool, store, jobs, config);
  store.useTextEmbedder(embedders);
  app.decorate('jobs', jobs);
  app.decorate('embedders', embedders);
  // Half the grace period, so the SHUTTING_DOWN records are written before server.ts exits at the full period.
  app.addHook('preClose', async () => jobs.close(Math.floor(config.shutdownGraceMs / 2)));
  if (!database) app.addHook('onClose', async () => store.close());
  const storeDatabase = () => store.database();
  app.decorate('apiKeys', new ApiKeyService(storeDatabase, config));
  app.decorate('audit', new AuditTrail(storeDatabase));
  if (config.authMode === 'off') {
    app.log.warn('AUTH_MODE=off: every request is served without an API key, with every scope, in tenant %s. Use this for local development only.', config.adminTenant);
  }

  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
    // While closing, end keep-alive connections after each reply, so the listener can finish closing.
    if (closing) reply.header('connection', 'close');
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const rejection = toDomainError(error, config);
    if (rejection.status >= 500 && (rejection.code === 'INTERNAL_ERROR' || rejection.code === 'DATABASE_UNAVAILABLE')) {
      request.log.error({ err: error }, 'request failed with an unexpected error');
    } else {
      request.log.info({ code: rejection.code, statusCode: rejection.status }, 'request rejected');
    }
    void reply.code(rejection.status).send(rejection.toBody());
  });

  app.setNotFoundHandler((request, reply) => {
    const rejection = new DomainError('NOT_FOUND', { method: request.method, url: request.url.split('?')[0] });
    void reply.code(404).send(rejection.toBody());
  });

  await app.register(underPressure, {
    maxEventLoopDelay: config.maxEventLoopDelayMs,
    retryAfter: 5,
    exposeStatusRoute: false,
    pressureHandler: (_request, reply, type, value) => {
      const rejection = new DomainError('SERVICE_OVERLOADED', { reason: `${type} at ${Math.round(Number(value))}`, retryAfterSeconds: 5 });
      void reply.code(503).header('retry-after', '5').send(rejection.toBody());
    },
  });

  // Before the rate limit's hook, so that the limit counts per API key.
  installAuthentication(app, app.apiKeys, config.authMode);

  if (config.rateLimitPerMinute > 0) {
    await app.register(rateLimit, {
      max: config.rateLimitPerMinute,
      timeWindow: '1 minute',
      keyGenerator: (request) => (request.principal ? `key:${request.principal.keyId}` : `ip:${request.ip}`),
      // Health probes and scrapes are never limited.
      allowList: (request) => request.url.startsWith('/health/') || request.url === '/metrics',
      errorResponseBuilder: (_request, context) => {
        const rejection = new DomainError('RATE_LIMITED', { limit: context.max, window: context.after, retryAfterSeconds: Math.ceil(context.ttl / 1000) });
        return Object.assign(rejection, { statusCode: 429 });
      },
    });
  }

  installMetrics(app, metrics, pool);
  const poolUsage = () => store.openedDatabase()?.poolUsage?.();
  metrics.addGauge('vectorspace_database_pool_connections', 'PostgreSQL connections open in the pool (0 on PGlite).', () => poolUsage()?.total ?? 0);
  metrics.addGauge('vectorspace_database_pool_idle_connections', 'PostgreSQL connections open and idle.', () => poolUsage()?.idle ?? 0);
  metrics.addGauge('vectorspace_database_pool_waiting_requests', 'Queries waiting for a free PostgreSQL connection.', () => poolUsage()?.waiting ?? 0);

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Vectorspace',
        version: '0.1.0',
        description: 'Linear algebra for language models: float64 decompositions, subspaces and embedding analytics.',
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  await app.register(healthRoutes);
  await app.register(decompositionRoutes);
  await app.register(analysisRoutes);
  await app.register(orthogonalizationRoutes);
  await app.register(plotRoutes);
  await app.register(basisRoutes);
  await app.register(subspaceRoutes);
  await app.register(linearMapRoutes);
  await app.register(innerProductRoutes);
  await app.register(embeddingAnalyticsRoutes);
  await app.register(clusteringRoutes);
  await app.register(alignmentRoutes);
  await app.register(lowRankRoutes);
  await app.register(positionalRoutes);
  await app.register(collectionAnalyticsRoutes);
  await app.register(fingerprintRoutes);
  // The dashboard: static files, no build step. mercurius registers @fastify/static for GraphiQL too, hence no
  // reply decorators here.
  await app.register(fastifyStatic, { root: path.join(projectRoot(), 'public'), prefix: '/', decorateReply: false, index: ['index.html'] });
  await registerGraphql(app, { maxDepth: config.graphqlMaxDepth, maxCost: config.graphqlMaxCost, maxAliases: config.graphqlMaxAliases });
  await app.register(attentionRoutes);
  await app.register(loraRoutes);
  await app.register(collectionRoutes);
  await app.register(adminRoutes);
  await app.register(embedderRoutes);
  await app.register(clinicalRoutes);

  return app;
}

/** Maps anything thrown while serving a request onto a catalogue entry. */
function toDomainError(error: FastifyError, config: Config): DomainError {
  if (error instanceof DomainError) return error;

  if (error.validation && error.validation.length > 0) {
    const first = error.validation[0]!;
    const path = missingPropertyPath(first) ?? (first.instancePath || '/');
    return new DomainError('INVALID_REQUEST', { path, reason: first.message ?? 'invalid value', ...allowedValues(first.params) });
  }

  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new DomainError('BODY_TOO_LARGE', { limit: config.bodyLimitBytes });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new DomainError('UNSUPPORTED_MEDIA_TYPE', { contentType: error.message.replace(/^Unsupported Media Type:\s*/, '') });
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new DomainError('INVALID_JSON', { reason: 'the body is empty' });
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new DomainError('INVALID_JSON', { reason: error.message });
  }
  if (error instanceof SyntaxError) return new DomainError('INVALID_JSON', { reason: error.message });
  if (isDatabaseUnavailable(error)) return new DomainError('DATABASE_UNAVAILABLE');
  if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
    return new DomainError('INVALID_REQUEST', { path: '/', reason: error.message });
  }
  return new DomainError('INTERNAL_ERROR');
}

function missingPropertyPath(issue: { keyword: string; instancePath: string; params: Record<string, unknown> }): string | undefined {
  if (issue.keyword === 'required') return `${issue.instancePath}/${String(issue.params.missingProperty)}`;
  if (issue.keyword === 'additionalProperties') return `${issue.instancePath}/${String(issue.params.additionalProperty)}`;
  return undefined;
}

function allowedValues(params: Record<string, unknown>): Record<string, unknown> {
  return 'allowedValues' in params ? { allowed: params.allowedValues } : {};
}

/** A database that cannot be reached or opened: connection refused or reset, SQLSTATE class 08, or a shutdown (57P0x). */
function isDatabaseUnavailable(error: FastifyError): boolean {
  if (error.name === 'DatabaseSetupError') return true;
  const code = String(error.code ?? '');
  return ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN'].includes(code) || /^08...$/.test(code) || /^57P0.$/.test(code);
}
