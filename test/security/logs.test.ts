import { Writable } from 'node:stream';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';

import { buildApp, loggerOptions } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import type { Database } from '../../src/db/database.js';
import { openDatabase } from '../../src/db/open.js';
import { ADMIN_KEY, call, createKey } from './security-helpers.js';

/** Values that must never reach a log line, each distinctive enough to find in the output. */
const EMBEDDING = [0.123456789, -0.987654321, 0.55555111];
const TEXT = 'Zephyrine presents with idiopathic quibbleosis';
const METADATA = { mrn: 'MRN-77413-QX', diagnosis: 'quibbleosis-stage-IV' };

describe('log redaction', () => {
  let database: Database;
  let app: FastifyInstance;
  const lines: string[] = [];

  beforeAll(async () => {
    database = await openDatabase({ pgliteDataDir: 'memory://', databasePoolSize: 1 });
    const config = { ...loadConfig({}), workerThreads: 1, authMode: 'on' as const, adminApiKey: ADMIN_KEY, rateLimitPerMinute: 0, maxEventLoopDelayMs: 60_000 };
    const stream = new Writable({
      write(chunk, _encoding, done) {
        lines.push(...String(chunk).split('\n').filter((line) => line !== ''));
        done();
      },
    });
    // The service's own redaction, at the most verbose level.
    app = await buildApp(config, { logger: { ...loggerOptions(config), level: 'trace', stream }, database });
    await app.ready();
  });

  afterAll(async () => {
    await app?.close();
    await database?.close();
  });

  it('full scenario leaves no secrets in logs', async () => {
    const { key } = await createKey(app, 'log-tenant', ['embeddings:read', 'embeddings:write']);
    const name = 'log-scenario';

    expect((await call(app, key, 'POST', '/v1/collections', { name, dimensions: 3 })).status).toBe(201);
    const upsert = await call(app, key, 'POST', `/v1/collections/${name}/documents`, { documents: [{ id: 'doc-1', embedding: EMBEDDING, text: TEXT, metadata: METADATA }] });
    expect(upsert.status).toBe(200);
    expect((await call(app, key, 'POST', `/v1/collections/${name}/search`, { vector: EMBEDDING, k: 1, filter: { mrn: METADATA.mrn } })).status).toBe(200);
    expect((await call(app, key, 'GET', `/v1/collections/${name}/documents/doc-1`)).status).toBe(200);
    // A rejected request too: the handler's error path logs.
    expect((await call(app, key, 'POST', `/v1/collections/${name}/documents`, { documents: [{ id: 'doc-2', embedding: [1, 2], text: TEXT, metadata: METADATA }] })).status).toBe(422);
    const viaHeader = await app.inject({ method: 'GET', url: `/v1/collections/${name}`, headers: { 'x-api-key': key } });
    expect(viaHeader.statusCode).toBe(200);

    expect(lines.length).toBeGreaterThan(10);
    const output = lines.join('\n');
    const forbidden = {
      'embedding value': '0.123456789',
      'embedding value 2': '0.987654321',
      text: 'Zephyrine',
      'metadata value': METADATA.mrn,
      'metadata value 2': METADATA.diagnosis,
      'API key': key,
      'API key secret': key.split('_')[2]!,
      'admin key': ADMIN_KEY,
    };
    for (const [what, value] of Object.entries(forbidden)) {
      expect(output.includes(value), `${what} appears in the log`).toBe(false);
    }
    // Every line is pino JSON, so a scan of the raw text covers every field.
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
  });
});
