import { Writable } from 'node:stream';

import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { describe, expect, it } from 'vitest';

import { REDACTED_LOG_PATHS, buildApp } from '../../src/app.js';
import { toRows } from '../../src/compute/dense.js';
import { loadConfig } from '../../src/config.js';
import { makeApp, post, randomMatrix, seededRandom } from '../helpers.js';

describe('operations', () => {
  it('exposes request and compute metrics', async () => {
    const app = await makeApp();
    try {
      await post(app, '/v1/analysis/det', { matrix: [[2]] });
      await post(app, '/v1/analysis/det', { matrix: [[1, 2]] });
      const metrics = (await app.inject({ method: 'GET', url: '/metrics' })).body;
      expect(metrics).toContain('vectorspace_http_request_duration_seconds_count{method="POST",route="/v1/analysis/det",status_code="200"} 1');
      expect(metrics).toContain('vectorspace_http_request_duration_seconds_count{method="POST",route="/v1/analysis/det",status_code="422"} 1');
      expect(metrics).toContain('vectorspace_compute_duration_seconds_count{operation="det",outcome="ok"} 1');
      expect(metrics).toContain('vectorspace_compute_duration_seconds_count{operation="det",outcome="rejected"} 1');
      expect(metrics).toContain('vectorspace_worker_pool_threads 1');
      expect(metrics).toContain('vectorspace_worker_pool_queue_depth 0');
    } finally {
      await app.close();
    }
  });

  it('rejects past the rate limit with RATE_LIMITED and Retry-After', async () => {
    const app = await makeApp({ rateLimitPerMinute: 2 });
    try {
      expect((await post(app, '/v1/analysis/det', { matrix: [[2]] })).status).toBe(200);
      expect((await post(app, '/v1/analysis/det', { matrix: [[2]] })).status).toBe(200);
      const response = await app.inject({ method: 'POST', url: '/v1/analysis/det', payload: { matrix: [[2]] } });
      expect(response.statusCode).toBe(429);
      expect(response.json().code).toBe('RATE_LIMITED');
      expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
      // Probes are never limited.
      expect((await app.inject({ method: 'GET', url: '/health/live' })).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });

  it('finishes in-flight work and turns new requests away while closing', async () => {
    const app = await makeApp();
    const base = await app.listen({ host: '127.0.0.1', port: 0 });
    const body = JSON.stringify({ matrix: toRows(randomMatrix(200, 200, seededRandom(3))) });
    const inFlight = fetch(`${base}/v1/decompositions/svd`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    while (app.pool.pending === 0) await new Promise((resolve) => setTimeout(resolve, 5));

    const closed = app.close();
    await new Promise((resolve) => setTimeout(resolve, 20));
    // A new connection is refused once the listener closes; a request on a connection that is still open gets
    // 503 SHUTTING_DOWN. Either way it is never served.
    const late = await fetch(`${base}/health/live`).then(
      async (response) => ({ status: response.status, code: ((await response.json()) as { code: string }).code }),
      () => ({ status: 0, code: 'CONNECTION_REFUSED' }),
    );
    expect(['CONNECTION_REFUSED', 'SHUTTING_DOWN']).toContain(late.code);

    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(((await response.json()) as { s: number[] }).s).toHaveLength(200);
    await closed;
  });

  it('redacts secrets and health data from logs', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const logger = pino({ level: 'debug', redact: { paths: REDACTED_LOG_PATHS, censor: '[redacted]' } }, sink);
    const app: FastifyInstance = await buildApp({ ...loadConfig({}), workerThreads: 1 }, { loggerInstance: logger });
    try {
      await app.ready();
      await app.inject({ method: 'GET', url: '/health/live', headers: { authorization: 'Bearer secret-key-123', 'x-api-key': 'secret-key-456' } });
      logger.info({ document: { embedding: [0.4242424242, 0.2], text: 'Patient reports chest pain', metadata: { patient: 'P-77' } } }, 'handler log');
      const output = lines.join('');
      expect(output).toContain('handler log');
      for (const secret of ['secret-key-123', 'secret-key-456', 'chest pain', 'P-77', '0.4242424242']) expect(output).not.toContain(secret);
    } finally {
      await app.close();
    }
  });
});
