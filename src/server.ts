/**
 * Entry point: validate the configuration, build the app, listen, and close cleanly on SIGINT/SIGTERM.
 */

import { buildApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
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

  const app = await buildApp(config);
  app.log.info({ linalgEngine: app.engineName, workerThreads: config.workerThreads }, 'compute engines selected');

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

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      app.log.info({ signal }, 'shutting down');
      app.close().then(
        () => process.exit(0),
        (error: unknown) => {
          app.log.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
    });
  }

  await app.listen({ host: config.host, port: config.port });
}

await main();
