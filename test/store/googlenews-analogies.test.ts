import { existsSync, readFileSync } from 'node:fs';

import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Database } from '../../src/db/database.js';
import { caseInsensitiveVocabulary, readAnalogyQuestions } from '../../src/ingest/analogy-questions.js';
import { openInputFile } from '../../src/ingest/input-file.js';
import { readWord2vec } from '../../src/ingest/word2vec.js';
import { createCollection, makeStoreApp, request, storeModes, uniqueName } from './store-helpers.js';

const VECTORS = '../shared/data/googlenews-w2v-8000x300.txt.gz';
const QUESTIONS = '../shared/data/questions-words.txt';
const dataPresent = existsSync(VECTORS) && existsSync(QUESTIONS);
if (!dataPresent) console.warn(`GoogleNews analogy test skipped: ${VECTORS} or ${QUESTIONS} is missing.`);

// One run is enough for this slow check: on PostgreSQL when it is available, else on PGlite.
const mode = storeModes.find((candidate) => candidate.skipReason === undefined)!;

describe.skipIf(!dataPresent)(`GoogleNews analogies (${mode.name})`, () => {
  let database: Database;
  let app: FastifyInstance;
  const name = uniqueName('googlenews');

  beforeAll(async () => {
    database = await mode.open();
    app = await makeStoreApp(database);
  });

  afterAll(async () => {
    await request(app, 'DELETE', `/v1/collections/${name}`);
    await app?.close();
    await database?.close();
  });

  it('exact search answers 3,675 of 4,686', { timeout: 900_000 }, async () => {
    await createCollection(app, { name, dimensions: 300, model: 'word2vec-GoogleNews-300' });
    const words: string[] = [];
    let batch: Array<{ id: string; embedding: number[] }> = [];
    const flush = async () => {
      const reply = await request(app, 'POST', `/v1/collections/${name}/documents`, { documents: batch });
      expect(reply.status).toBe(200);
      batch = [];
    };
    for await (const entry of readWord2vec((await openInputFile(VECTORS)).lines())) {
      words.push(entry.word);
      batch.push({ id: entry.word, embedding: entry.vector });
      if (batch.length === 1000) await flush();
    }
    if (batch.length > 0) await flush();
    expect(words).toHaveLength(8000);

    const vocabulary = caseInsensitiveVocabulary(words);
    const { answerable } = readAnalogyQuestions(readFileSync(QUESTIONS, 'utf8'), vocabulary);
    expect(answerable).toHaveLength(4686);

    // "king" is first spelt "King" in the file, so the question reads King − man + woman.
    expect(vocabulary.get('king')).toBe('King');
    const king = await request(app, 'POST', `/v1/collections/${name}/analogies`, { a: 'man', b: 'King', c: 'woman', k: 2, exact: true });
    expect(king.body.hits.map((hit: { id: string }) => hit.id)).toEqual(['Queen', 'queen']);

    let correct = 0;
    let next = 0;
    const worker = async () => {
      while (next < answerable.length) {
        const question = answerable[next++]!;
        const reply = await request(app, 'POST', `/v1/collections/${name}/analogies`, { a: question.a, b: question.b, c: question.c, k: 1, exact: true });
        if (reply.body.hits[0]?.id.toLowerCase() === question.expected) correct++;
      }
    };
    await Promise.all(Array.from({ length: mode.name === 'postgres' ? 4 : 1 }, worker));
    expect(correct).toBe(3675);
  });
});
