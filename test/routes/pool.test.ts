import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';

import { toRows } from '../../src/compute/dense.js';
import { ComputePool } from '../../src/services/compute-pool.js';
import { DomainError } from '../../src/errors.js';
import { makeApp, post, randomMatrix, seededRandom } from '../helpers.js';

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('compute off the event loop', () => {
  let app: FastifyInstance | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('answers /health/live within 50 ms while a long SVD runs', async () => {
    // A 512×512 SVD takes about 2 s on the JavaScript engine; the native engine could finish before the check.
    app = await makeApp({ linalgEngine: 'js' });
    const matrix = toRows(randomMatrix(512, 512, seededRandom(1)));
    const svd = post(app, '/v1/decompositions/svd', { matrix });
    await waitFor(() => app!.pool.pending === 1);
    await new Promise((resolve) => setTimeout(resolve, 100));

    const started = performance.now();
    const live = await app.inject({ method: 'GET', url: '/health/live' });
    const elapsed = performance.now() - started;

    expect(live.statusCode).toBe(200);
    expect(app.pool.pending).toBe(1);
    expect(elapsed).toBeLessThan(50);
    expect((await svd).status).toBe(200);
  });

  it('stops a task past COMPUTE_TIMEOUT_MS and keeps serving', async () => {
    // The limit must leave a fresh worker time to start for the second request, on a loaded machine too; a
    // 700×700 SVD takes several seconds on the JavaScript engine, which is pinned because the native one is faster.
    app = await makeApp({ computeTimeoutMs: 1500, linalgEngine: 'js' });
    const matrix = toRows(randomMatrix(700, 700, seededRandom(2)));
    const slow = await post(app, '/v1/decompositions/svd', { matrix });
    expect(slow.status).toBe(503);
    expect(slow.body.code).toBe('COMPUTE_TIMEOUT');
    expect(slow.body.limitMs).toBe(1500);

    const small = await post(app, '/v1/decompositions/svd', { matrix: [[3, 0], [4, 5]] });
    expect(small.status).toBe(200);
    expect(small.body.s[1]).toBeCloseTo(Math.sqrt(5), 14);
  });

  it('rejects work past the queue limit with COMPUTE_QUEUE_FULL', async () => {
    const pool = new ComputePool({ threads: 1, timeoutMs: 10_000, engine: 'js' });
    try {
      const tasks = Array.from({ length: 20 }, () => pool.run('sleep', { ms: 50 }).then(() => 'done', (error: unknown) => error));
      const outcomes = await Promise.all(tasks);
      const rejected = outcomes.filter((outcome) => outcome instanceof DomainError);
      expect(rejected.length).toBeGreaterThan(0);
      expect((rejected[0] as DomainError).code).toBe('COMPUTE_QUEUE_FULL');
      expect(outcomes.filter((outcome) => outcome === 'done').length).toBe(pool.capacity);
      expect(rejected.length).toBe(20 - pool.capacity);
    } finally {
      await pool.close();
    }
  });
});
