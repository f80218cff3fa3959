/**
 * Prometheus metrics (prom-client) served at /metrics: request durations by route and status, compute durations
 * by operation and outcome, worker-pool load, and the process's default metrics. Each app has its own registry,
 * so several apps in one process (tests) do not share counters.
 */

import type { FastifyInstance } from 'fastify';
import { Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

import type { ComputePool } from '../services/compute-pool.js';

export interface Metrics {
  registry: Registry;
  computeDuration: Histogram<'operation' | 'outcome'>;
  /** Adds a gauge whose value is read at scrape time (database pool usage, for example). */
  addGauge(name: string, help: string, read: () => number): void;
}

const DURATION_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const computeDuration = new Histogram({
    name: 'vectorspace_compute_duration_seconds',
    help: 'Duration of compute tasks on the worker pool, queueing included, by operation and outcome.',
    labelNames: ['operation', 'outcome'] as const,
    buckets: DURATION_BUCKETS,
    registers: [registry],
  });
  return {
    registry,
    computeDuration,
    addGauge(name, help, read) {
      new Gauge({ name, help, registers: [registry], collect() { this.set(read()); } });
    },
  };
}

/** Records request durations and serves /metrics. */
export function installMetrics(app: FastifyInstance, metrics: Metrics, pool: ComputePool): void {
  const requestDuration = new Histogram({
    name: 'vectorspace_http_request_duration_seconds',
    help: 'HTTP request duration by method, route template and status code.',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: DURATION_BUCKETS,
    registers: [metrics.registry],
  });
  metrics.addGauge('vectorspace_worker_pool_pending_tasks', 'Compute tasks accepted and not yet finished, running or queued.', () => pool.pending);
  metrics.addGauge('vectorspace_worker_pool_queue_depth', 'Compute tasks waiting for a free worker.', () => pool.queueSize);
  metrics.addGauge('vectorspace_worker_pool_threads', 'Worker threads in the compute pool.', () => pool.threads);

  app.addHook('onResponse', async (request, reply) => {
    // The route template, not the URL, so that ids in paths do not create one series each.
    const route = request.routeOptions.url ?? 'unmatched';
    requestDuration.observe({ method: request.method, route, status_code: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });

  app.get('/metrics', { schema: { tags: ['health'], summary: 'Prometheus metrics.' }, config: { rateLimit: false } }, async (_request, reply) => {
    return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
}
