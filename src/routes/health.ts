import type { FastifyInstance } from 'fastify';

/** Liveness and readiness probes. Liveness never touches the worker pool, so it answers while compute runs. */
export async function healthRoutes(app: FastifyInstance): Promise<void> {
  app.get('/health/live', { schema: { tags: ['health'], summary: 'Liveness: the process serves HTTP.' } }, async () => ({ status: 'ok' }));

  app.get('/health/ready', { schema: { tags: ['health'], summary: 'Readiness: dependencies and the engines in use.' } }, async () => ({
    status: 'ready',
    linalgEngine: app.engineName,
    tfjsBackend: app.tfjsBackend,
    workerThreads: app.pool.threads,
    pendingComputeTasks: app.pool.pending,
  }));
}
