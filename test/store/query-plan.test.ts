import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Database } from '../../src/db/database.js';
import { EXACT_SCAN_SETTINGS, hnswScanSettings } from '../../src/db/documents.js';
import { seededRandom } from '../helpers.js';
import { createCollection, makeStoreApp, request, storeModes, uniqueName } from './store-helpers.js';

// The reply's `method` must name what ran: these tests read the plans under the settings that findNearest uses.
for (const mode of storeModes) {
  describe.skipIf(mode.skipReason !== undefined)(`search query plans (${mode.name})`, () => {
    let database: Database;
    let app: FastifyInstance;
    let name: string;
    let table: string;

    beforeAll(async () => {
      database = await mode.open();
      app = await makeStoreApp(database);
      name = uniqueName('plans');
      await createCollection(app, { name, dimensions: 8 });
      const random = seededRandom(3);
      const documents = Array.from({ length: 50 }, (_, i) => ({ id: `d${i}`, embedding: Array.from({ length: 8 }, () => random() - 0.5), metadata: { even: i % 2 === 0 } }));
      await request(app, 'POST', `/v1/collections/${name}/documents`, { documents });
      const { rows } = await database.query<{ id: number }>('SELECT id FROM collections WHERE name = $1', [name]);
      table = `documents_${rows[0]!.id}`;
    });

    afterAll(async () => {
      await request(app, 'DELETE', `/v1/collections/${name}`);
      await app?.close();
      await database?.close();
    });

    const plan = (settings: string) =>
      database.transaction(async (tx) => {
        await tx.exec(settings);
        const { rows } = await tx.query<Record<string, string>>(
          `EXPLAIN SELECT external_id FROM ${table} WHERE embedding IS NOT NULL AND metadata -> 'even' = 'true'::jsonb
           ORDER BY embedding <=> '[1,0,0,0,0,0,0,0]'::vector LIMIT 5`,
        );
        return rows.map((row) => Object.values(row)[0]).join('\n');
      });

    it('hnsw settings take the HNSW index', async () => {
      const text = await plan(hnswScanSettings(40, 20_000));
      expect(text).toMatch(new RegExp(`Index Scan using ${table}_embedding_hnsw`));
    });

    it('exact settings scan the table', async () => {
      const text = await plan(EXACT_SCAN_SETTINGS);
      expect(text).toMatch(/Seq Scan/);
      expect(text).not.toMatch(/hnsw/);
    });
  });
}
