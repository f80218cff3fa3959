import type { FastifyInstance } from 'fastify';

import { DomainError } from '../errors.js';

/**
 * Liveness and readiness probes. Liveness never touches the worker pool or the database, so it answers while
 * compute runs and while the database is down. Readiness runs `SELECT 1` and answers 503 DATABASE_UNAVAILABLE
 * when that fails or takes longer than DATABASE_CONNECT_TIMEOUT_MS. The service opens its database before it
 * listens, so that is the normal case. An embedded PGlite that is not open yet (an app built without the entry
 * point, as in tests) is left closed, because opening it blocks the event loop for seconds.
 */
export async function healthRoutes(app: FastifyInstance): Promise<void> {
  app.get('/health/live', { schema: { tags: ['health'], summary: 'Liveness: the process serves HTTP.' } }, async () => ({ status: 'ok' }));

  app.get('/health/ready', { schema: { tags: ['health'], summary: 'Readiness: the database answers; the engines in use.' } }, async () => {
    const database = await pingDatabase(app);
    return {
      status: 'ready',
      database,
      linalgEngine: app.engineName,
      tfjsBackend: app.tfjsBackend,
      workerThreads: app.pool.threads,
      pendingComputeTasks: app.pool.pending,
    };
  });
}

async function pingDatabase(app: FastifyInstance): Promise<string> {
  if (app.store.openedDatabase() === undefined && app.config.databaseUrl === undefined) return 'pglite (opened on first use)';
  const limitMs = app.config.databaseConnectTimeoutMs;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DomainError('DATABASE_UNAVAILABLE')), limitMs);
  });
  const ping = (async () => {
    const database = await app.store.database();
    await database.query('SELECT 1');
    return database.kind;
  })();
  try {
    return await Promise.race([ping, timeout]);
  } catch (error) {
    if (error instanceof DomainError) throw error;
    throw new DomainError('DATABASE_UNAVAILABLE', {}, { cause: error });
  } finally {
    clearTimeout(timer);
    ping.catch(() => undefined);
  }
}
