/**
 * The GoogleNews vectors (8,000 × 300) of ../shared/data loaded into a store collection through the REST API, and
 * the (subject, object) pairs of sections of questions-words.txt, for the relational and probe benchmarks.
 *
 * The store is PostgreSQL when DATABASE_URL or TEST_DATABASE_URL is set, else an in-memory PGlite.
 */

import { existsSync, readFileSync } from 'node:fs';

import type { FastifyInstance } from 'fastify';

import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import type { Database } from '../src/db/database.js';
import { openDatabase } from '../src/db/open.js';
import { caseInsensitiveVocabulary } from '../src/ingest/analogy-questions.js';
import { openInputFile } from '../src/ingest/input-file.js';
import { readWord2vec } from '../src/ingest/word2vec.js';

export const VECTORS_FILE = '../shared/data/googlenews-w2v-8000x300.txt.gz';
export const QUESTIONS_FILE = '../shared/data/questions-words.txt';

export interface GoogleNewsStore {
  app: FastifyInstance;
  database: Database;
  collection: string;
  store: 'postgres' | 'pglite';
  /** Lower-cased word → its first spelling among the vectors. */
  vocabulary: Map<string, string>;
  close: () => Promise<void>;
}

export async function openGoogleNewsStore(collection: string): Promise<GoogleNewsStore> {
  if (!existsSync(VECTORS_FILE) || !existsSync(QUESTIONS_FILE)) {
    console.error(`${VECTORS_FILE} or ${QUESTIONS_FILE} is missing; nothing to measure.`);
    process.exit(1);
  }
  const databaseUrl = process.env.DATABASE_URL || process.env.TEST_DATABASE_URL || undefined;
  const database = await openDatabase({ databaseUrl, pgliteDataDir: 'memory://', databasePoolSize: 4 });
  const app = await buildApp({ ...loadConfig({}), logLevel: 'silent', workerThreads: 1 }, { logger: false, database });
  await app.ready();

  await app.inject({ method: 'DELETE', url: `/v1/collections/${collection}` });
  const created = await app.inject({ method: 'POST', url: '/v1/collections', payload: { name: collection, dimensions: 300, model: 'word2vec-GoogleNews-300' } });
  if (created.statusCode !== 201) throw new Error(`creating ${collection} failed: ${created.body}`);

  const words: string[] = [];
  let batch: Array<{ id: string; embedding: number[] }> = [];
  const flush = async () => {
    const reply = await app.inject({ method: 'POST', url: `/v1/collections/${collection}/documents`, payload: { documents: batch } });
    if (reply.statusCode !== 200) throw new Error(`upsert failed: ${reply.body}`);
    batch = [];
  };
  for await (const entry of readWord2vec((await openInputFile(VECTORS_FILE)).lines())) {
    words.push(entry.word);
    batch.push({ id: entry.word, embedding: entry.vector });
    if (batch.length === 1000) await flush();
  }
  if (batch.length > 0) await flush();

  const close = async () => {
    await app.inject({ method: 'DELETE', url: `/v1/collections/${collection}` });
    await app.close();
    await database.close();
  };
  return { app, database, collection, store: database.kind, vocabulary: caseInsensitiveVocabulary(words), close };
}

/**
 * Returns the distinct (subject, object) pairs of the named sections: each question line "a b c d" gives (a, b) and (c, d).
 * Words are matched case-insensitively and spelt as among the vectors; pairs with a word outside them are dropped.
 */
export function sectionPairs(vocabulary: Map<string, string>, sections: readonly string[]): Array<{ subject: string; object: string }> {
  const seen = new Set<string>();
  const pairs: Array<{ subject: string; object: string }> = [];
  let section = '';
  for (const line of readFileSync(QUESTIONS_FILE, 'utf8').split(/\r?\n/)) {
    if (line.startsWith(':')) {
      section = line.slice(1).trim();
      continue;
    }
    if (!sections.includes(section)) continue;
    const words = line.trim().toLowerCase().split(/\s+/);
    if (words.length !== 4) continue;
    for (const [s, o] of [
      [words[0]!, words[1]!],
      [words[2]!, words[3]!],
    ] as const) {
      const subject = vocabulary.get(s);
      const object = vocabulary.get(o);
      if (!subject || !object || seen.has(`${subject}\t${object}`)) continue;
      seen.add(`${subject}\t${object}`);
      pairs.push({ subject, object });
    }
  }
  return pairs;
}
