/**
 * Entry point: validate the configuration, build the app, listen, and close cleanly on SIGINT/SIGTERM.
 */

import { buildApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { EngineUnavailableError, engineDetails } from './compute/engines.js';

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
