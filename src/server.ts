/**
 * Entry point: validate the configuration, build the app, listen, and close cleanly on SIGINT/SIGTERM.
 */

import { randomBytes } from 'node:crypto';

import closeWithGrace from 'close-with-grace';

import { buildApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { EngineUnavailableError, engineDetails } from './compute/engines.js';
import { DatabaseSetupError } from './db/open.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }

  if (config.authMode === 'on' && config.adminApiKey === undefined) {
    if (process.env.NODE_ENV === 'production') {
      process.stderr.write(
        'AUTH_MODE is on (the default), but ADMIN_API_KEY is not set, so no one could create API keys. Set ADMIN_API_KEY to a secret of ' +
          'at least 32 characters (for example: ADMIN_API_KEY=$(openssl rand -hex 32) npm start), or set AUTH_MODE=off for local development.\n',
      );
      process.exit(1);
    }
    // Outside production a first `npm start` still works with authentication on: the process makes an admin key
    // that lives as long as it does, and shows it once on the terminal (never in the structured logs).
    const generated = randomBytes(32).toString('hex');
    config = { ...config, adminApiKey: generated };
    process.stderr.write(
      `AUTH_MODE is on and ADMIN_API_KEY is not set, so this process generated an admin key, valid until it stops:\n\n  ${generated}\n\n` +
        'Send it as "Authorization: Bearer <key>" and create scoped keys with POST /v1/admin/keys. Set ADMIN_API_KEY to keep a key ' +
        'across restarts (NODE_ENV=production requires it), or AUTH_MODE=off for local development.\n',
    );
  }

  let app;
  try {
    app = await buildApp(config);
  } catch (error) {
    if (error instanceof EngineUnavailableError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  app.log.info({ linalgEngine: app.engineName, ...engineDetails(config.linalgEngine), workerThreads: config.workerThreads }, 'compute engines selected');

  // On SIGINT/SIGTERM: stop accepting work (new requests get 503 SHUTTING_DOWN), let in-flight requests finish,
  // drain the worker pool and the database pool, then exit. Past the delay the process exits anyway.
  // The embedding store's database is opened and migrated before listening, so a misconfigured one stops the start.
  try {
    const database = await app.store.database();
    app.log.info({ database: database.kind, ...(database.kind === 'pglite' ? { dataDir: config.pgliteDataDir } : {}) }, 'embedding store database ready');
  } catch (error) {
    if (error instanceof DatabaseSetupError) {
      app.log.fatal({ err: error }, 'embedding store database unusable');
      process.stderr.write(`${error.message}\n`);
      await app.close();
      process.exit(1);
    }
    throw error;
  }

  closeWithGrace({ delay: config.shutdownGraceMs }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, 'closing after an uncaught error');
    else app.log.info({ signal }, 'shutting down');
    await app.close();
  });

  await app.listen({ host: config.host, port: config.port });
}

await main();
