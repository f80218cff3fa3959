import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Database } from '../../src/db/database.js';
import { csvDocuments, type CsvStats, ingestDocuments } from '../../src/ingest/ingest.js';
import { openInputFile } from '../../src/ingest/input-file.js';
import { createCollection, makeStoreApp, type Reply, request, storeModes, uniqueName } from './store-helpers.js';

/** Two topics with disjoint vocabularies, so a 2-dimensional LSA separates them. */
const NOTES = [
  { id: 'card-1', specialty: 'Cardiology', noteType: 'consult', patient: 'p1', text: 'Chest pain with heart murmur and palpitations.' },
  { id: 'card-2', specialty: 'Cardiology', noteType: 'consult', patient: 'p1', text: 'Heart murmur, chest pain, echocardiogram ordered.' },
  { id: 'card-3', specialty: 'Cardiology', noteType: 'discharge', patient: 'p2', text: 'Palpitations and chest pain; echocardiogram shows murmur.' },
  { id: 'card-4', specialty: 'Cardiology', noteType: 'consult', patient: 'p3', text: 'Murmur on auscultation, heart echocardiogram, palpitations.' },
  { id: 'orth-1', specialty: 'Orthopedic', noteType: 'consult', patient: 'p4', text: 'Knee fracture with cast and crutches.' },
  { id: 'orth-2', specialty: 'Orthopedic', noteType: 'discharge', patient: 'p4', text: 'Fracture of the knee; cast applied, crutches given.' },
  { id: 'orth-3', specialty: 'Orthopedic', noteType: 'consult', patient: 'p5', text: 'Knee swelling after fracture, cast removed, crutches.' },
];

/** Spells i in base 26 with the letters a to z, since the tokenizer drops digits. */
function letterName(i: number): string {
  let name = '';
  let rest = i;
  do {
    name = String.fromCharCode(97 + (rest % 26)) + name;
    rest = Math.floor(rest / 26);
  } while (rest > 0);
  return `term${name}`;
}

async function patch(app: FastifyInstance, url: string, payload: unknown): Promise<Reply> {
  const response = await app.inject({ method: 'PATCH', url, payload: payload as Record<string, unknown> });
  return { status: response.statusCode, body: response.json() };
}

/** Polls the job until it has finished and returns every state it was seen in, and the final reply. */
async function waitForJob(app: FastifyInstance, id: string): Promise<{ states: string[]; job: Reply['body'] }> {
  const states: string[] = [];
  for (let attempt = 0; attempt < 3000; attempt++) {
    const reply = await request(app, 'GET', `/v1/jobs/${id}`);
    expect(reply.status).toBe(200);
    if (states.at(-1) !== reply.body.state) states.push(reply.body.state);
    if (reply.body.state === 'succeeded' || reply.body.state === 'failed') return { states, job: reply.body };
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`job ${id} did not finish; states seen: ${states.join(', ')}`);
}

async function fit(app: FastifyInstance, body: Record<string, unknown>): Promise<string> {
  const started = await request(app, 'POST', '/v1/embedders', body);
  expect(started.status).toBe(202);
  const { job } = await waitForJob(app, started.body.id);
  if (job.state !== 'succeeded') throw new Error(`fit failed: ${JSON.stringify(job.error)}`);
  return job.result.embedderId;
}

for (const mode of storeModes) {
  describe.skipIf(mode.skipReason !== undefined)(`embedders, jobs and clinical lookup (${mode.name})`, () => {
    let database: Database;
    let app: FastifyInstance;
    let embedder: string;
    const created: string[] = [];
    const texts = NOTES.map((note) => note.text);

    const collection = async (prefix: string, body: Record<string, unknown>): Promise<string> => {
      const name = uniqueName(prefix);
      await createCollection(app, { name, ...body });
      created.push(name);
      return name;
    };

    /** A collection on the shared embedder holding NOTES, upserted by text only. */
    const notesCollection = async (prefix: string): Promise<string> => {
      const name = await collection(prefix, { embedder });
      const documents = NOTES.map(({ id, text, ...metadata }) => ({ id, text, metadata }));
      const upsert = await request(app, 'POST', `/v1/collections/${name}/documents`, { documents });
      expect(upsert.status).toBe(200);
      return name;
    };

    beforeAll(async () => {
      database = await mode.open();
      app = await makeStoreApp(database);
      embedder = await fit(app, { kind: 'lsa', dimensions: 2, texts, seed: 7 });
    });

    afterAll(async () => {
      for (const name of created) await request(app, 'DELETE', `/v1/collections/${name}`);
      await app?.jobs.settled();
      await app?.close();
      await database?.close();
    });

    it('fit job goes queued, running, succeeded', async () => {
      const started = await request(app, 'POST', '/v1/embedders', { kind: 'lsa', dimensions: 3, texts });
      expect(started.status).toBe(202);
      expect(started.body.state).toBe('queued');
      expect(started.body.percent).toBe(0);
      expect(started.body.request).toMatchObject({ kind: 'lsa', texts: 7, dimensions: 3 });

      const { states, job } = await waitForJob(app, started.body.id);
      expect(['queued', 'running', 'succeeded']).toEqual(expect.arrayContaining(states));
      expect(states.at(-1)).toBe('succeeded');
      expect(job.percent).toBe(100);
      expect(job.error).toBeNull();
      expect(job.result.dimensions).toBe(3);
      expect(job.result.documents).toBe(7);
      expect(job.result.embedderId).toMatch(/^lsa-/);
      expect(Date.parse(job.finishedAt)).toBeGreaterThanOrEqual(Date.parse(job.startedAt));
      expect(job.timings.runMs).toBeGreaterThanOrEqual(0);
      expect(job.timings.queuedMs).toBeGreaterThanOrEqual(0);
    });

    it('another instance reports the job', async () => {
      const started = await request(app, 'POST', '/v1/embedders', { kind: 'lsa', dimensions: 2, texts });
      await app.jobs.settled();

      const otherInstance = await makeStoreApp(database);
      try {
        const reply = await request(otherInstance, 'GET', `/v1/jobs/${started.body.id}`);
        expect(reply.status).toBe(200);
        expect(reply.body.state).toBe('succeeded');
        // The other instance loads the model from the database, so equal vectors show a lossless float64 round trip.
        const url = `/v1/embedders/${reply.body.result.embedderId}/embed`;
        const loaded = await request(otherInstance, 'POST', url, { texts: ['knee cast', 'heart murmur'] });
        const fitted = await request(app, 'POST', url, { texts: ['knee cast', 'heart murmur'] });
        expect(loaded.status).toBe(200);
        expect(loaded.body.embeddings).toEqual(fitted.body.embeddings);
      } finally {
        await otherInstance.close();
      }
    });

    it('shutdown fails a running job', async () => {
      // Enough distinct words that the fit lasts far longer than the zero grace period below.
      const words = Array.from({ length: 3000 }, (_, i) => letterName(i));
      const manyTexts = Array.from({ length: 2000 }, (_, d) => Array.from({ length: 40 }, (_, w) => words[(d * 7919 + w * 104729) % words.length]).join(' '));
      const stopping = await makeStoreApp(database, { shutdownGraceMs: 0 });
      const started = await request(stopping, 'POST', '/v1/embedders', { kind: 'lsa', dimensions: 200, texts: manyTexts });
      expect(started.status).toBe(202);
      await stopping.close();
      await stopping.jobs.settled();

      const { job } = await waitForJob(app, started.body.id);
      expect(job.state).toBe('failed');
      expect(job.error.code).toBe('SHUTTING_DOWN');
    });

    it('failed job records its error code', async () => {
      const started = await request(app, 'POST', '/v1/embedders', { kind: 'lsa', texts: ['the and of', 'it is 42'] });
      expect(started.status).toBe(202);

      const { job } = await waitForJob(app, started.body.id);
      expect(job.state).toBe('failed');
      expect(job.result).toBeNull();
      expect(job.error.code).toBe('EMPTY_VOCABULARY');
      expect(job.error.message).toMatch(/No term of the 2 texts/);
      expect(job.finishedAt).not.toBeNull();
    });

    it('embedder metadata describes the stored model', async () => {
      const reply = await request(app, 'GET', `/v1/embedders/${embedder}`);
      expect(reply.status).toBe(200);
      expect(reply.body.kind).toBe('lsa');
      expect(reply.body.dimensions).toBe(2);
      expect(reply.body.fit.documents).toBe(7);
      expect(reply.body.fit.seed).toBe(7);
      expect(reply.body.singularValues).toHaveLength(2);
      expect(reply.body.singularValues[0]).toBeGreaterThanOrEqual(reply.body.singularValues[1]);
      expect(reply.body.storage).toEqual({ dtype: 'float64', bytes: 8 * reply.body.vocabularySize * 3 });
    });

    it('embed separates the two topics and repeats exactly', async () => {
      const body = { texts: ['heart murmur and chest pain', 'knee fracture in a cast', 'heart murmur and chest pain'] };
      const first = await request(app, 'POST', `/v1/embedders/${embedder}/embed`, body);
      const second = await request(app, 'POST', `/v1/embedders/${embedder}/embed`, body);
      expect(first.status).toBe(200);
      expect(first.body.dimensions).toBe(2);
      expect(second.body.embeddings).toEqual(first.body.embeddings);

      const [heart, knee, heartAgain] = first.body.embeddings as number[][];
      expect(heartAgain).toEqual(heart);
      const cosine = (a: number[], b: number[]) => (a[0]! * b[0]! + a[1]! * b[1]!) / (Math.hypot(a[0]!, a[1]!) * Math.hypot(b[0]!, b[1]!));
      // Disjoint vocabularies give orthogonal TF-IDF rows, which the rank-2 model keeps apart.
      expect(Math.abs(cosine(heart!, knee!))).toBeLessThan(1e-6);
    });

    it('text-only upsert stores the embedding of the text', async () => {
      const name = await notesCollection('text-upsert');
      const info = await request(app, 'GET', `/v1/collections/${name}`);
      expect(info.body).toMatchObject({ dimensions: 2, embedder, documentCount: 7 });

      const stored = await request(app, 'GET', `/v1/collections/${name}/documents/orth-2`);
      const embedded = await request(app, 'POST', `/v1/embedders/${embedder}/embed`, { texts: [NOTES[5]!.text] });
      const expected = (embedded.body.embeddings[0] as number[]).map((x) => Math.fround(x));
      expect(stored.body.embedding).toHaveLength(2);
      stored.body.embedding.forEach((x: number, i: number) => expect(x).toBeCloseTo(expected[i]!, 6));
    });

    it('text search ranks the same topic first', async () => {
      const name = await notesCollection('text-search');
      const reply = await request(app, 'POST', `/v1/collections/${name}/search`, { text: 'palpitations and a murmur', k: 4, exact: true });
      expect(reply.status).toBe(200);
      expect(reply.body.hits).toHaveLength(4);
      for (const hit of reply.body.hits) expect(hit.metadata.specialty).toBe('Cardiology');
    });

    it('text without known words rejects the whole batch', async () => {
      const name = await notesCollection('zero-text');
      const documents = [
        { id: 'new-1', text: 'Knee cast.' },
        { id: 'new-2', text: 'Zebra xylophone quartz.' },
      ];
      const reply = await request(app, 'POST', `/v1/collections/${name}/documents`, { documents });
      expect(reply.status).toBe(422);
      expect(reply.body.code).toBe('ZERO_NORM_VECTOR');
      expect(reply.body.path).toBe('/documents/1/text');

      const info = await request(app, 'GET', `/v1/collections/${name}`);
      expect(info.body.documentCount).toBe(7);
    });

    it('embedder set by update enables text upsert', async () => {
      const name = await collection('patched', { dimensions: 2 });
      const withoutEmbedder = await request(app, 'POST', `/v1/collections/${name}/search`, { text: 'knee' });
      expect(withoutEmbedder.status).toBe(422);
      expect(withoutEmbedder.body.code).toBe('COLLECTION_WITHOUT_EMBEDDER');
      expect(withoutEmbedder.body.path).toBe('/text');

      const updated = await patch(app, `/v1/collections/${name}`, { embedder });
      expect(updated.status).toBe(200);
      expect(updated.body.embedder).toBe(embedder);

      const upsert = await request(app, 'POST', `/v1/collections/${name}/documents`, { documents: [{ id: 'a', text: 'Knee fracture.' }] });
      expect(upsert.status).toBe(200);
      const stored = await request(app, 'GET', `/v1/collections/${name}/documents/a`);
      expect(stored.body.embedding).toHaveLength(2);

      const removed = await patch(app, `/v1/collections/${name}`, { embedder: null });
      expect(removed.body.embedder).toBeNull();
    });

    it('fits on a collection\'s stored texts', async () => {
      const name = await notesCollection('fit-source');
      const id = await fit(app, { kind: 'lsa', dimensions: 2, collection: name, seed: 7 });
      const reply = await request(app, 'GET', `/v1/embedders/${id}`);
      expect(reply.body.fit.documents).toBe(7);
    });

    it('rejects bad embedder requests with catalogue codes', async () => {
      const cases: Array<[string, string, Record<string, unknown> | undefined, number, string, string | undefined]> = [
        ['POST', '/v1/embedders', { kind: 'lsa', texts, collection: 'x' }, 400, 'INVALID_REQUEST', '/'],
        ['POST', '/v1/embedders', { kind: 'lsa' }, 400, 'INVALID_REQUEST', '/'],
        ['POST', '/v1/embedders', { kind: 'lsa', texts, minDf: 8 }, 400, 'INVALID_PARAMETER', '/minDf'],
        ['POST', '/v1/embedders', { kind: 'word2vec', texts }, 400, 'INVALID_REQUEST', '/kind'],
        ['POST', '/v1/embedders', { kind: 'lsa', collection: 'no-such-collection' }, 404, 'COLLECTION_NOT_FOUND', undefined],
        ['GET', '/v1/embedders/lsa-missing', undefined, 404, 'EMBEDDER_NOT_FOUND', undefined],
        ['POST', '/v1/embedders/lsa-missing/embed', { texts: ['a'] }, 404, 'EMBEDDER_NOT_FOUND', undefined],
        ['GET', '/v1/jobs/no-such-job', undefined, 404, 'JOB_NOT_FOUND', undefined],
        ['POST', '/v1/collections', { name: uniqueName('mismatch'), embedder: 'lsa-missing' }, 404, 'EMBEDDER_NOT_FOUND', undefined],
        ['POST', '/v1/collections', { name: uniqueName('no-dimensions') }, 400, 'INVALID_REQUEST', '/dimensions'],
      ];
      for (const [method, url, body, status, code, path] of cases) {
        const reply = await request(app, method as 'GET' | 'POST', url, body);
        expect({ url, status: reply.status, code: reply.body.code }).toEqual({ url, status, code });
        if (path !== undefined) expect(reply.body.path).toBe(path);
      }

      const mismatch = await request(app, 'POST', '/v1/collections', { name: uniqueName('mismatch'), embedder, dimensions: 3 });
      expect(mismatch.status).toBe(422);
      expect(mismatch.body.code).toBe('EMBEDDER_MISMATCH');
      expect(mismatch.body.embedderDimensions).toBe(2);
    });

    it('clinical lookup excludes the same patient', async () => {
      const name = await notesCollection('clinical-patient');
      const body = { collection: name, id: 'card-1', k: 6, exact: true };

      const all = await request(app, 'POST', '/v1/clinical/similar', body);
      expect(all.status).toBe(200);
      const allIds = all.body.neighbours.map((hit: { id: string }) => hit.id);
      expect(allIds).toContain('card-2');
      expect(allIds).not.toContain('card-1');

      const other = await request(app, 'POST', '/v1/clinical/similar', { ...body, excludeSamePatient: true });
      expect(other.status).toBe(200);
      expect(other.body.neighbours.length).toBeGreaterThan(0);
      for (const hit of other.body.neighbours) expect(hit.patient).not.toBe('p1');
      expect(other.body.neighbours[0]).toMatchObject({ specialty: 'Cardiology', metadata: { specialty: 'Cardiology' } });
      expect(other.body.neighbours[0]).not.toHaveProperty('text');
    });

    it('clinical lookup by text with filters and text', async () => {
      const name = await notesCollection('clinical-text');
      const reply = await request(app, 'POST', '/v1/clinical/similar', {
        collection: name,
        text: 'knee fracture',
        specialty: ['Orthopedic', 'Cardiology'],
        noteType: 'consult',
        excludeSamePatient: true,
        patient: 'p4',
        includeText: true,
        exact: true,
      });
      expect(reply.status).toBe(200);
      expect(reply.body.query).toEqual({ text: true });
      const ids = reply.body.neighbours.map((hit: { id: string }) => hit.id);
      expect(ids[0]).toBe('orth-3');
      expect(ids).not.toContain('orth-1');
      for (const hit of reply.body.neighbours) expect(hit.noteType).toBe('consult');
      expect(reply.body.neighbours[0].text).toBe(NOTES[6]!.text);
    });

    it('csv ingest embeds texts and skips empty ones', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'vectorspace-text-ingest-'));
      try {
        const file = join(dir, 'notes.csv.gz');
        const rows = NOTES.map((note) => `${note.id},${note.specialty},"${note.text}"`);
        await writeFile(file, gzipSync(['note_id,specialty,transcription', ...rows.slice(0, 3), 'empty-1,Cardiology,', 'empty-2,Cardiology,"  "', ...rows.slice(3)].join('\n')));
        const name = uniqueName('ingest-text');
        created.push(name);

        const stats: CsvStats = { skippedEmptyText: 0 };
        const documents = csvDocuments(await openInputFile(file), { id: 'note_id', text: 'transcription', skipEmptyText: true }, stats);
        const result = await ingestDocuments(app.store, documents, { collection: name, embedder, batchSize: 3 });
        expect(result).toMatchObject({ rows: 7, inserted: 7, createdCollection: true });
        expect(stats.skippedEmptyText).toBe(2);

        const search = await request(app, 'POST', `/v1/collections/${name}/search`, { text: 'crutches after a knee fracture', k: 3, exact: true });
        expect(search.body.hits.map((hit: { metadata: { specialty: string } }) => hit.metadata.specialty)).toEqual(['Orthopedic', 'Orthopedic', 'Orthopedic']);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });

    it('clinical lookup rejects bad requests', async () => {
      const name = await notesCollection('clinical-errors');
      const noPatient = await request(app, 'POST', '/v1/clinical/similar', { collection: name, text: 'knee', excludeSamePatient: true });
      expect(noPatient.status).toBe(400);
      expect(noPatient.body).toMatchObject({ code: 'INVALID_REQUEST', path: '/patient' });

      const twice = await request(app, 'POST', '/v1/clinical/similar', { collection: name, id: 'card-1', specialty: 'Cardiology', filter: { specialty: 'Orthopedic' } });
      expect(twice.status).toBe(400);
      expect(twice.body).toMatchObject({ code: 'INVALID_FILTER', path: '/specialty' });

      const both = await request(app, 'POST', '/v1/clinical/similar', { collection: name, id: 'card-1', text: 'knee' });
      expect(both.status).toBe(400);
      expect(both.body.code).toBe('INVALID_REQUEST');

      const missing = await request(app, 'POST', '/v1/clinical/similar', { collection: name, id: 'nope' });
      expect(missing.status).toBe(404);
      expect(missing.body.code).toBe('DOCUMENT_NOT_FOUND');
    });
  });
}
