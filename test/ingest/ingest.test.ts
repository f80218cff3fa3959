import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Database } from '../../src/db/database.js';
import { csvDocuments, ingestDocuments, word2vecDocuments } from '../../src/ingest/ingest.js';
import { openInputFile } from '../../src/ingest/input-file.js';
import { ProgressBar } from '../../src/ingest/progress-bar.js';
import { EmbeddingStore } from '../../src/services/embedding-store.js';
import { storeModes, uniqueName } from '../store/store-helpers.js';

const settings = { hnswM: 16, hnswEfConstruction: 64, hnswEfSearch: 40, hnswMaxScanTuples: 20_000 };

for (const mode of storeModes) {
  describe.skipIf(mode.skipReason !== undefined)(`ingest (${mode.name})`, () => {
    let database: Database;
    let store: EmbeddingStore;
    let dir: string;
    const created: string[] = [];

    beforeAll(async () => {
      database = await mode.open();
      store = new EmbeddingStore(async () => database, settings);
      dir = await mkdtemp(join(tmpdir(), 'vectorspace-ingest-'));
    });

    afterAll(async () => {
      for (const name of created) await store.deleteCollection(name).catch(() => undefined);
      await database?.close();
      await rm(dir, { recursive: true, force: true });
    });

    it('word2vec gzip, first repeated word wins', async () => {
      const file = join(dir, 'vectors.txt.gz');
      await writeFile(file, gzipSync('4 2\nking 1 0\nqueen 0.5 0.5\nking 9 9\nman 0 1\n'));
      const collection = uniqueName('w2v');
      created.push(collection);

      const progress: number[] = [];
      const result = await ingestDocuments(store, word2vecDocuments(await openInputFile(file)), { collection, batchSize: 2 }, (rows) => progress.push(rows));
      expect(result).toEqual({ rows: 3, inserted: 3, updated: 0, duplicates: 1, createdCollection: true });
      expect(progress).toEqual([2, 3]);

      expect(await store.getCollection(collection)).toMatchObject({ dimensions: 2, metric: 'cosine', documentCount: 3 });
      expect(await store.getDocument(collection, 'king')).toMatchObject({ embedding: [1, 0], metadata: { line: 2 } });
    });

    it('csv with and without embeddings', async () => {
      const file = join(dir, 'notes.csv');
      await writeFile(file, 'note_id,specialty,text,embedding\r\nn1,Cardiology,"chest pain, mild","[1,2]"\r\nn2,,"line one\nline two","3 4"\r\n');
      const withEmbeddings = uniqueName('csv');
      created.push(withEmbeddings);
      const result = await ingestDocuments(store, csvDocuments(await openInputFile(file), { id: 'note_id', text: 'text', embedding: 'embedding' }), { collection: withEmbeddings, batchSize: 10 });
      expect(result.rows).toBe(2);
      expect(await store.getDocument(withEmbeddings, 'n1')).toMatchObject({ embedding: [1, 2], metadata: { specialty: 'Cardiology' }, text: 'chest pain, mild' });
      expect(await store.getDocument(withEmbeddings, 'n2')).toMatchObject({ embedding: [3, 4], metadata: {}, text: 'line one\nline two' });

      const textOnly = uniqueName('csv-text');
      created.push(textOnly);
      const documents = csvDocuments(await openInputFile(file), { id: 'note_id', text: 'text', metadata: ['specialty'] });
      await expect(ingestDocuments(store, documents, { collection: textOnly, batchSize: 10 })).rejects.toThrow(/pass --dimensions/);
      await ingestDocuments(store, csvDocuments(await openInputFile(file), { id: 'note_id', text: 'text', metadata: ['specialty'] }), { collection: textOnly, dimensions: 8, batchSize: 10 });
      expect(await store.getDocument(textOnly, 'n1')).toMatchObject({ embedding: null, metadata: { specialty: 'Cardiology' } });
    });

    it('rejection names the input line', async () => {
      const file = join(dir, 'bad.txt');
      await writeFile(file, '3 2\na 1 0\nb 0 0\nc 0 1\n');
      const collection = uniqueName('bad');
      created.push(collection);
      await expect(ingestDocuments(store, word2vecDocuments(await openInputFile(file)), { collection, batchSize: 10 })).rejects.toThrow(/^line 3 \(id "b"\): The vector at \/documents\/1\/embedding has norm 0/);
      expect((await store.getCollection(collection)).documentCount).toBe(0);
    });
  });
}

describe('progress bar', () => {
  it('prints deciles when not a terminal', () => {
    const output: string[] = [];
    const bar = new ProgressBar('load', { isTTY: false, write: (text: string) => output.push(text) });
    bar.update(0.05, 10);
    bar.update(0.07, 20);
    bar.update(0.51, 500);
    bar.finish(1000);
    expect(output).toHaveLength(3);
    expect(output[1]).toMatch(/^load \[#{15}-{15}\]  51% 500 rows [\d,]+ rows\/s\n$/);
    expect(output[2]).toMatch(/^load \[#{30}\] 100% 1,000 rows/);
  });
});
