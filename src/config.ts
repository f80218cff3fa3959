/**
 * Service configuration from environment variables, validated once at start. Every invalid variable is reported
 * (name, value, what is expected) before the service exits, not just the first.
 */

import { availableParallelism } from 'node:os';

import type { EngineChoice } from './compute/engines.js';
import type { TfjsBackendChoice } from './compute/tfjs-backend.js';

export interface Config {
  host: string;
  port: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Largest matrix accepted, in elements (rows × columns). */
  maxMatrixElements: number;
  /** Largest request body, in bytes. */
  bodyLimitBytes: number;
  /** Time limit of one compute task, queueing included, in milliseconds. */
  computeTimeoutMs: number;
  /** Worker threads in the compute pool. */
  workerThreads: number;
  linalgEngine: EngineChoice;
  /** GraphQL limits: selection depth, static cost (see graphql/limits.ts) and aliases per document. */
  graphqlMaxDepth: number;
  graphqlMaxCost: number;
  graphqlMaxAliases: number;
  /** Requests per minute per client (API key, or IP address without one); 0 turns the limit off. */
  rateLimitPerMinute: number;
  /** Event-loop delay past which new requests get 503 SERVICE_OVERLOADED, in milliseconds. */
  maxEventLoopDelayMs: number;
  /** Time that in-flight requests get to finish at shutdown, in milliseconds. */
  shutdownGraceMs: number;
  /** TensorFlow.js backend of the attention and LoRA kernels: auto tries tensorflow, then wasm, then cpu. */
  tfjsBackend: TfjsBackendChoice;
  /** postgres:// URL of the embedding store's PostgreSQL server; absent: the embedded PGlite. */
  databaseUrl: string | undefined;
  /** Data directory of the embedded PGlite (only without DATABASE_URL); `memory://` keeps it in memory. */
  pgliteDataDir: string;
  /** Connections in the PostgreSQL pool. */
  databasePoolSize: number;
  /** Default HNSW graph degree m of new collections (pgvector's default 16). */
  hnswM: number;
  /** Default HNSW ef_construction of new collections (pgvector's default 64). */
  hnswEfConstruction: number;
  /** Default hnsw.ef_search of a search; raised to k when k is larger. */
  hnswEfSearch: number;
  /** hnsw.max_scan_tuples: index tuples a filtered iterative scan may visit (pgvector's default 20,000). */
  hnswMaxScanTuples: number;
  /** `on`: every route except health, metrics and docs needs an API key. `off`: local development only, logged as a warning. */
  authMode: 'on' | 'off';
  /** Bootstrap admin key (ADMIN_API_KEY), kept in memory as its SHA-256 hash; with AUTH_MODE=on the service does not start without it. */
  adminApiKey: string | undefined;
  /** Tenant of the bootstrap admin key and of every request when AUTH_MODE=off. */
  adminTenant: string;
  /** How long a verified API key is trusted without asking the database again, in milliseconds; also how long a revocation takes to reach other replicas. */
  apiKeyCacheMs: number;
  /** Time to wait for a PostgreSQL connection before a request fails with DATABASE_UNAVAILABLE, in milliseconds. */
  databaseConnectTimeoutMs: number;
  /** statement_timeout of every PostgreSQL statement, in milliseconds. */
  databaseStatementTimeoutMs: number;
  /** Time limit of one embedder fit, queueing included, in milliseconds. */
  fitTimeoutMs: number;
  /** Largest LSA model fitted, in elements of V (vocabulary × dimensions). */
  lsaMaxModelElements: number;
  /** Fitted models kept in memory per process, and per worker thread. */
  embedderCacheSize: number;
}

export class ConfigError extends Error {
  readonly problems: string[];

  constructor(problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

type Env = Record<string, string | undefined>;

export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = [];

  const integer = (name: string, fallback: number, min: number, max: number, unit: string): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(value) || value < min || value > max) {
      problems.push(`${name}=${JSON.stringify(raw)} is invalid: expected an integer from ${min} to ${max} (${unit}).`);
      return fallback;
    }
    return value;
  };

  const choice = <T extends string>(name: string, fallback: T, allowed: readonly T[]): T => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    if (!(allowed as readonly string[]).includes(raw)) {
      problems.push(`${name}=${JSON.stringify(raw)} is invalid: expected one of ${allowed.join(', ')}.`);
      return fallback;
    }
    return raw as T;
  };

  const config: Config = {
    host: env.HOST || '127.0.0.1',
    port: integer('PORT', 8080, 0, 65535, 'TCP port; 0 picks a free one'),
    logLevel: choice('LOG_LEVEL', 'info', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const),
    maxMatrixElements: integer('MAX_MATRIX_ELEMENTS', 2048 * 2048, 1, 2 ** 28, 'elements per matrix'),
    bodyLimitBytes: integer('BODY_LIMIT_BYTES', 128 * 1024 * 1024, 1024, 2 ** 30, 'bytes'),
    computeTimeoutMs: integer('COMPUTE_TIMEOUT_MS', 60_000, 1, 3_600_000, 'milliseconds'),
    workerThreads: integer('WORKER_THREADS', Math.max(1, availableParallelism()), 1, 256, 'threads'),
    linalgEngine: choice('LINALG_ENGINE', 'auto', ['auto', 'native', 'js'] as const),
    graphqlMaxDepth: integer('GRAPHQL_MAX_DEPTH', 12, 7, 100, 'levels of nested selections; GraphiQL introspection needs 7'),
    graphqlMaxCost: integer('GRAPHQL_MAX_COST', 1000, 1, 1_000_000, 'cost units'),
    graphqlMaxAliases: integer('GRAPHQL_MAX_ALIASES', 30, 0, 10_000, 'aliases per document'),
    rateLimitPerMinute: integer('RATE_LIMIT_PER_MINUTE', 6000, 0, 10_000_000, 'requests per minute per client; 0 turns it off'),
    maxEventLoopDelayMs: integer('MAX_EVENT_LOOP_DELAY_MS', 1000, 10, 60_000, 'milliseconds'),
    shutdownGraceMs: integer('SHUTDOWN_GRACE_MS', 30_000, 0, 600_000, 'milliseconds'),
    tfjsBackend: choice<TfjsBackendChoice>('TFJS_BACKEND', 'auto', ['auto', 'tensorflow', 'wasm', 'cpu']),
    databaseUrl: databaseUrl(env.DATABASE_URL, problems),
    pgliteDataDir: env.PGLITE_DATA_DIR || './data/pglite',
    databasePoolSize: integer('DATABASE_POOL_SIZE', 10, 1, 1000, 'connections'),
    hnswM: integer('HNSW_M', 16, 2, 100, 'graph neighbours per layer'),
    hnswEfConstruction: integer('HNSW_EF_CONSTRUCTION', 64, 4, 1000, 'candidates while building'),
    hnswEfSearch: integer('HNSW_EF_SEARCH', 40, 1, 1000, 'candidates per search'),
    hnswMaxScanTuples: integer('HNSW_MAX_SCAN_TUPLES', 20_000, 1, 2 ** 31 - 1, 'index tuples per filtered search'),
    authMode: choice('AUTH_MODE', 'on', ['on', 'off'] as const),
    adminApiKey: adminApiKey(env.ADMIN_API_KEY, problems),
    adminTenant: tenantName(env.ADMIN_TENANT, problems),
    apiKeyCacheMs: integer('API_KEY_CACHE_MS', 30_000, 0, 3_600_000, 'milliseconds; 0 asks the database on every request'),
    databaseConnectTimeoutMs: integer('DATABASE_CONNECT_TIMEOUT_MS', 2000, 100, 600_000, 'milliseconds'),
    databaseStatementTimeoutMs: integer('DATABASE_STATEMENT_TIMEOUT_MS', 30_000, 100, 3_600_000, 'milliseconds'),
    fitTimeoutMs: integer('FIT_TIMEOUT_MS', 600_000, 1, 86_400_000, 'milliseconds'),
    lsaMaxModelElements: integer('LSA_MAX_MODEL_ELEMENTS', 16 * 1024 * 1024, 1, 2 ** 28, 'elements of V, vocabulary × dimensions'),
    embedderCacheSize: integer('EMBEDDER_CACHE_SIZE', 4, 1, 1000, 'models per process and per worker thread'),
  };

  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

function databaseUrl(raw: string | undefined, problems: string[]): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (!/^postgres(ql)?:\/\/[^\s]+$/.test(raw)) {
    // The URL may carry a password, so the message names the variable but not its value.
    problems.push('DATABASE_URL is invalid: expected a URL of the form postgres://user:password@host:5432/database.');
    return undefined;
  }
  return raw;
}

function adminApiKey(raw: string | undefined, problems: string[]): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  // A secret: the message names the variable but never its value.
  if (raw.length < 32 || /\s/.test(raw)) problems.push('ADMIN_API_KEY is invalid: expected at least 32 characters without spaces (for example: openssl rand -hex 32).');
  return raw;
}

/** Tenant names: 1 to 64 letters, digits, `_`, `-` or `.`. */
export const TENANT_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;

function tenantName(raw: string | undefined, problems: string[]): string {
  if (raw === undefined || raw === '') return 'default';
  if (!TENANT_PATTERN.test(raw)) problems.push(`ADMIN_TENANT=${JSON.stringify(raw)} is invalid: expected 1 to 64 letters, digits, _, - or .`);
  return raw;
}
