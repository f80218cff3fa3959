import type { FastifyInstance } from 'fastify';

import { buildApp } from '../src/app.js';
import { type Config, loadConfig } from '../src/config.js';
import { type Dense, fromRows } from '../src/compute/dense.js';

/**
 * Builds the app with no logs and one compute worker unless the test overrides it. `setup` runs before the app
 * is ready, when routes can still be added.
 */
export async function makeApp(overrides: Partial<Config> = {}, setup?: (app: FastifyInstance) => void): Promise<FastifyInstance> {
  // The overload guard is raised: opening the in-memory PGlite blocks the event loop for seconds on a loaded
  // machine, and a 503 SERVICE_OVERLOADED is not what these tests check.
  const config: Config = { ...loadConfig({}), workerThreads: 1, logLevel: 'silent', pgliteDataDir: 'memory://', authMode: 'off', maxEventLoopDelayMs: 60_000, ...overrides };
  const app = await buildApp(config, { logger: false });
  setup?.(app);
  await app.ready();
  return app;
}

export interface JsonReply {
  status: number;
  // Replies are checked field by field in the tests.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

export async function post(app: FastifyInstance, url: string, payload: unknown): Promise<JsonReply> {
  const response = await app.inject({ method: 'POST', url, payload: payload as Record<string, unknown> });
  return { status: response.statusCode, body: response.json() };
}

/** The compute layer's seeded generator (mulberry32), so property tests are reproducible. */
export { seededUniform as seededRandom } from '../src/compute/seeded-random.js';

export function randomMatrix(rows: number, cols: number, random: () => number, scale = 1): Dense {
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < data.length; i++) data[i] = (random() * 2 - 1) * scale;
  return { rows, cols, data };
}

export function hilbert(n: number): Dense {
  return fromRows(Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => 1 / (i + j + 1))));
}
