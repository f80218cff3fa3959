/**
 * Helpers of the embedding store tests: the database modes they run in, and an app on a given database.
 *
 * Every store test runs twice, on real PostgreSQL (TEST_DATABASE_URL, e.g. postgres://postgres@127.0.0.1:5432/test)
 * and on an in-memory PGlite. The PostgreSQL half is skipped, with a message, when that variable is unset or the
 * server cannot be reached. Tests isolate themselves with unique collection names, so test files can share a server.
 */

import { randomBytes } from 'node:crypto';

import type { FastifyInstance } from 'fastify';
import pg from 'pg';

import { buildApp } from '../../src/app.js';
import { type Config, loadConfig } from '../../src/config.js';
import type { Database } from '../../src/db/database.js';
import { openDatabase } from '../../src/db/open.js';

export interface StoreMode {
  name: 'postgres' | 'pglite';
  /** Why this mode is skipped, or undefined when it runs. */
  skipReason: string | undefined;
  open: () => Promise<Database>;
}

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || undefined;

async function postgresSkipReason(): Promise<string | undefined> {
  if (!TEST_DATABASE_URL) return 'TEST_DATABASE_URL is not set';
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (error) {
    return `TEST_DATABASE_URL cannot be reached (${error instanceof Error ? error.message : String(error)})`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

const postgresSkip = await postgresSkipReason();
if (postgresSkip) {
  console.warn(`Embedding store tests on real PostgreSQL are skipped: ${postgresSkip}. Set it to e.g. postgres://postgres@127.0.0.1:5432/test.`);
}

export const storeModes: StoreMode[] = [
  {
    name: 'postgres',
    skipReason: postgresSkip,
    open: () => openDatabase({ databaseUrl: TEST_DATABASE_URL, pgliteDataDir: 'memory://', databasePoolSize: 8 }),
  },
  {
    name: 'pglite',
    skipReason: undefined,
    open: () => openDatabase({ databaseUrl: undefined, pgliteDataDir: 'memory://', databasePoolSize: 1 }),
  },
];

/** Builds the app, without logs, on an opened database that the caller closes. */
export async function makeStoreApp(database: Database, overrides: Partial<Config> = {}): Promise<FastifyInstance> {
  const config: Config = { ...loadConfig({}), workerThreads: 1, logLevel: 'silent', authMode: 'off', maxEventLoopDelayMs: 60_000, ...overrides };
  const app = await buildApp(config, { logger: false, database });
  await app.ready();
  return app;
}

/** Makes a collection name that no other test run uses. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(5).toString('hex')}`;
}

export interface Reply {
  status: number;
  // Replies are checked field by field in the tests.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

export async function request(app: FastifyInstance, method: 'GET' | 'POST' | 'DELETE', url: string, payload?: unknown): Promise<Reply> {
  const response = await app.inject({ method, url, ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) });
  return { status: response.statusCode, body: response.json() };
}

/** Creates a collection through the API and fails loudly when that does not work. */
export async function createCollection(app: FastifyInstance, body: Record<string, unknown>): Promise<void> {
  const reply = await request(app, 'POST', '/v1/collections', body);
  if (reply.status !== 201) throw new Error(`creating ${JSON.stringify(body)} failed: ${JSON.stringify(reply.body)}`);
}
