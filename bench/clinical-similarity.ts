/**
 * Same-specialty precision@10 of LSA embeddings on the MTSamples transcriptions, against raw TF-IDF cosine and a
 * seeded random ranking, with fit time, embedding throughput and brute-force search latency.
 *
 * Protocol: every note with a non-empty transcription is a query in turn (leave-one-out). Its 10 nearest other notes
 * by cosine similarity are retrieved from all the others, and a neighbour is relevant when it has the query's
 * `medical_specialty`. Catch-all categories (note types rather than specialties) are reported three ways: as
 * ordinary labels, as neither queries nor relevant (still in the index), and removed from the index as well.
 *
 * Store search latency goes through the embedding store service (EmbeddingStore.search, SQL included) on an
 * in-memory PGlite and, when BENCH_DATABASE_URL is set, on that PostgreSQL server.
 *
 * Run: `npm run bench:clinical`. Writes docs/clinical-similarity.md and its section of docs/benchmarks.md.
 */

import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';


import type { Dense } from '../src/compute/dense.js';
import { jsEngine } from '../src/compute/js-engine.js';
import type { Csr } from '../src/compute/lsa/csr.js';
import { createLsaEmbedder } from '../src/compute/lsa/embed.js';
import { fitLsa } from '../src/compute/lsa/fit.js';
import { seededUniform } from '../src/compute/seeded-random.js';
import { smoothIdf, tfidfMatrix } from '../src/compute/lsa/tfidf.js';
import { tokenize } from '../src/compute/lsa/tokenizer.js';
import { buildVocabulary } from '../src/compute/lsa/vocabulary.js';
import type { Database } from '../src/db/database.js';
import { openDatabase } from '../src/db/open.js';
import { dataFile } from '../src/io/data-files.js';
import { projectRoot } from '../src/io/project-root.js';
import { EmbeddingStore } from '../src/services/embedding-store.js';
import { writeReportSection } from './report.js';
import { CATCH_ALL, type Note, readNotes } from './mtsamples.js';

const DIMENSIONS = 256;
const PREFIX_DIMENSIONS = 100;
const MIN_DF = 2;
const SEED = 0;
const TOP = 10;
/** Timed store searches per method, after STORE_WARMUP untimed ones. */
const STORE_QUERIES = 300;
const STORE_WARMUP = 20;
const BENCH_DATABASE_URL = process.env.BENCH_DATABASE_URL || undefined;



interface Ranking {
  /** Top-10 neighbour indices per query, over all other notes. */
  all: Int32Array;
  /** Top-10 neighbour indices per query among notes outside the catch-all categories. */
  specific: Int32Array;
  /** Milliseconds per query for scoring every note and selecting the top 10 (the unrestricted search). */
  latencies: Float64Array;
}

async function main(): Promise<void> {
  const file = dataFile('mtsamples.csv.gz');
  if (!file) {
    console.error('mtsamples.csv.gz is missing from the data folder (../shared/data or VECTORSPACE_DATA_DIR); nothing to measure.');
    process.exit(1);
  }

  const notes = readNotes(file);
  const texts = notes.map((note) => note.text);
  const isCatchAll = Uint8Array.from(notes, (note) => (CATCH_ALL.has(note.specialty) ? 1 : 0));
  log(`${notes.length} notes, ${notes.filter((_, i) => isCatchAll[i]).length} in catch-all categories`);

  // Fit, timing the stages through the progress reports.
  const fitStart = performance.now();
  let weightedAt = fitStart;
  const fit = fitLsa(jsEngine, texts, { dimensions: DIMENSIONS, minDf: MIN_DF, seed: SEED }, (progress) => {
    if (progress.stage === 'tfidf') weightedAt = performance.now();
    if (progress.stage !== 'tokenize') log(`fit: ${progress.stage} ${(progress.fraction * 100).toFixed(0)}%`);
  });
  const fitEnd = performance.now();
  const model = fit.model;

  const embedStart = performance.now();
  const embedder = createLsaEmbedder(model);
  const embeddings = embedder(texts);
  const embedSeconds = (performance.now() - embedStart) / 1000;
  log(`embedded ${texts.length} texts in ${embedSeconds.toFixed(1)} s`);

  const tfidf = buildTfidf(texts);
  const lsaRanking = rankDense(normalizeRows(embeddings, DIMENSIONS), isCatchAll);
  log('ranked by LSA');
  const prefixRanking = rankDense(normalizeRows(embeddings, PREFIX_DIMENSIONS), isCatchAll);
  log(`ranked by the leading ${PREFIX_DIMENSIONS} LSA dimensions`);
  const tfidfRanking = rankSparse(tfidf, isCatchAll);
  log('ranked by TF-IDF');
  const randomRanking = rankRandom(notes.length, isCatchAll, SEED);

  const methods: [string, Ranking][] = [
    [`LSA, k = ${DIMENSIONS}`, lsaRanking],
    [`LSA, leading ${PREFIX_DIMENSIONS} of the ${DIMENSIONS} dimensions`, prefixRanking],
    ['TF-IDF cosine (no SVD)', tfidfRanking],
    [`random ranking (seed ${SEED})`, randomRanking],
  ];
  const rows = methods.map(([name, ranking]) => ({ name, ...precisions(ranking, notes, isCatchAll) }));

  const store: StoreLatency[] = [];
  store.push(await measureStore('PGlite (in memory)', () => openDatabase({ pgliteDataDir: 'memory://', databasePoolSize: 1 }), embeddings, notes));
  if (BENCH_DATABASE_URL) {
    store.push(await measureStore('PostgreSQL', () => openDatabase({ databaseUrl: BENCH_DATABASE_URL, pgliteDataDir: 'memory://', databasePoolSize: 4 }), embeddings, notes));
  } else {
    log('BENCH_DATABASE_URL is not set, so store search on PostgreSQL is not measured');
  }

  const report = {
    store,
    notes,
    isCatchAll,
    rows,
    fitSeconds: (fitEnd - fitStart) / 1000,
    weightSeconds: (weightedAt - fitStart) / 1000,
    svdSeconds: (fitEnd - weightedAt) / 1000,
    embedSeconds,
    model,
    tfidfShape: fit.tfidf,
    latency: { lsa: summarize(lsaRanking.latencies), prefix: summarize(prefixRanking.latencies), tfidf: summarize(tfidfRanking.latencies) },
  };
  writeReports(report);
}

interface StoreLatency {
  database: string;
  documents: number;
  /** Milliseconds per search through EmbeddingStore.search, k = TOP. */
  hnsw: { median: number; p95: number };
  exact: { median: number; p95: number };
  /** HNSW search restricted to the query's specialty by a metadata filter. */
  filtered: { median: number; p95: number };
  /** Share of the exact top 10 that the HNSW search returned, averaged over the queries. */
  recall: number;
}

/**
 * Loads the LSA embeddings into a fresh collection and times searches through the store service. Notes whose
 * embedding is zero (no vocabulary term) are left out, since a cosine collection rejects them.
 */
async function measureStore(database: string, open: () => Promise<Database>, embeddings: Dense, notes: Note[]): Promise<StoreLatency> {
  const db = await open();
  const store = new EmbeddingStore(async () => db, { hnswM: 16, hnswEfConstruction: 64, hnswEfSearch: 40, hnswMaxScanTuples: 20_000 });
  const name = `bench-clinical-${process.pid}-${Date.now()}`;
  const k = embeddings.cols;
  const vector = (i: number) => Array.from(embeddings.data.subarray(i * k, (i + 1) * k));
  const ids = notes.map((_, i) => i).filter((i) => vector(i).some((x) => x !== 0));

  try {
    await store.createCollection({ name, dimensions: k });
    for (let start = 0; start < ids.length; start += 500) {
      const batch = ids.slice(start, start + 500).map((i) => ({ id: String(i), embedding: vector(i), metadata: { specialty: notes[i]!.specialty } }));
      await store.upsertDocuments(name, batch);
    }
    log(`${database}: stored ${ids.length} embeddings`);

    const random = seededUniform(SEED + 1);
    const queries = Array.from({ length: STORE_WARMUP + STORE_QUERIES }, () => ids[Math.floor(random() * ids.length)]!);
    const time = async (search: (i: number) => Promise<unknown>) => {
      const latencies = new Float64Array(STORE_QUERIES);
      for (let q = 0; q < queries.length; q++) {
        const started = performance.now();
        await search(queries[q]!);
        if (q >= STORE_WARMUP) latencies[q - STORE_WARMUP] = performance.now() - started;
      }
      return summarize(latencies);
    };

    let recallSum = 0;
    for (const i of queries.slice(STORE_WARMUP)) {
      const approximate = await store.search(name, { vector: vector(i), k: TOP });
      const exact = await store.search(name, { vector: vector(i), k: TOP, exact: true });
      const found = new Set(approximate.hits.map((hit) => hit.id));
      recallSum += exact.hits.filter((hit) => found.has(hit.id)).length / Math.max(1, exact.hits.length);
    }

    const result: StoreLatency = {
      database,
      documents: ids.length,
      hnsw: await time((i) => store.search(name, { vector: vector(i), k: TOP })),
      exact: await time((i) => store.search(name, { vector: vector(i), k: TOP, exact: true })),
      filtered: await time((i) => store.search(name, { vector: vector(i), k: TOP, filter: { specialty: notes[i]!.specialty } })),
      recall: recallSum / STORE_QUERIES,
    };
    log(`${database}: HNSW median ${result.hnsw.median.toFixed(2)} ms, exact median ${result.exact.median.toFixed(2)} ms`);
    return result;
  } finally {
    await store.deleteCollection(name).catch(() => undefined);
    await db.close();
  }
}


function buildTfidf(texts: string[]): Csr {
  const documents = texts.map((text) => tokenize(text, { bigrams: false }));
  const vocabulary = buildVocabulary(documents, { minDf: MIN_DF, maxDf: 1 });
  return tfidfMatrix(documents, vocabulary.index, smoothIdf(vocabulary.documentFrequency, documents.length));
}

/** Returns the leading `width` columns of each row scaled to unit norm; a zero row stays zero. */
function normalizeRows(a: Dense, width: number): Dense {
  const out: Dense = { rows: a.rows, cols: width, data: new Float64Array(a.rows * width) };
  for (let i = 0; i < a.rows; i++) {
    let sumSquares = 0;
    for (let c = 0; c < width; c++) sumSquares += a.data[i * a.cols + c]! ** 2;
    const scale = sumSquares === 0 ? 0 : 1 / Math.sqrt(sumSquares);
    for (let c = 0; c < width; c++) out.data[i * width + c] = a.data[i * a.cols + c]! * scale;
  }
  return out;
}

/** Brute-force cosine ranking over unit rows. */
function rankDense(units: Dense, isCatchAll: Uint8Array): Ranking {
  const n = units.rows;
  const width = units.cols;
  const scores = new Float64Array(n);
  return rank(n, isCatchAll, (query) => {
    const queryOffset = query * width;
    for (let j = 0; j < n; j++) {
      let dot = 0;
      const offset = j * width;
      for (let c = 0; c < width; c++) dot += units.data[queryOffset + c]! * units.data[offset + c]!;
      scores[j] = dot;
    }
    return scores;
  });
}

/** Exact cosine ranking over l2-normalised sparse rows, scored through an inverted index (term → documents). */
function rankSparse(x: Csr, isCatchAll: Uint8Array): Ranking {
  const postings = transposeCsr(x);
  const scores = new Float64Array(x.rows);
  return rank(x.rows, isCatchAll, (query) => {
    scores.fill(0);
    for (let p = x.indptr[query]!; p < x.indptr[query + 1]!; p++) {
      const term = x.indices[p]!;
      const weight = x.data[p]!;
      for (let q = postings.indptr[term]!; q < postings.indptr[term + 1]!; q++) scores[postings.indices[q]!]! += weight * postings.data[q]!;
    }
    return scores;
  });
}

function rankRandom(n: number, isCatchAll: Uint8Array, seed: number): Ranking {
  const uniform = seededUniform(seed);
  const scores = new Float64Array(n);
  return rank(n, isCatchAll, () => {
    for (let j = 0; j < n; j++) scores[j] = uniform();
    return scores;
  });
}

/** Runs `score` for every query and keeps the top 10 other notes, unrestricted and outside the catch-alls. */
function rank(n: number, isCatchAll: Uint8Array, score: (query: number) => Float64Array): Ranking {
  const all = new Int32Array(n * TOP);
  const specific = new Int32Array(n * TOP);
  const latencies = new Float64Array(n);
  for (let query = 0; query < n; query++) {
    const started = performance.now();
    const scores = score(query);
    topK(scores, query, null, all.subarray(query * TOP, (query + 1) * TOP));
    latencies[query] = performance.now() - started;
    topK(scores, query, isCatchAll, specific.subarray(query * TOP, (query + 1) * TOP));
  }
  return { all, specific, latencies };
}

/** Writes the indices of the TOP highest scores into `out`, skipping `exclude` and masked notes; ties go to the lower index. */
function topK(scores: Float64Array, exclude: number, mask: Uint8Array | null, out: Int32Array): void {
  const best = new Float64Array(TOP).fill(-Infinity);
  out.fill(-1);
  for (let j = 0; j < scores.length; j++) {
    if (j === exclude || (mask && mask[j])) continue;
    const value = scores[j]!;
    if (value <= best[TOP - 1]!) continue;
    let slot = TOP - 1;
    while (slot > 0 && value > best[slot - 1]!) {
      best[slot] = best[slot - 1]!;
      out[slot] = out[slot - 1]!;
      slot--;
    }
    best[slot] = value;
    out[slot] = j;
  }
}

function precisions(ranking: Ranking, notes: Note[], isCatchAll: Uint8Array) {
  let allHits = 0;
  let specificHits = 0;
  let removedHits = 0;
  let specificQueries = 0;
  for (let query = 0; query < notes.length; query++) {
    const label = notes[query]!.specialty;
    for (let r = 0; r < TOP; r++) if (notes[ranking.all[query * TOP + r]!]!.specialty === label) allHits++;
    if (isCatchAll[query]) continue;
    specificQueries++;
    // A catch-all neighbour never matches a specific query's label, so it counts as not relevant here.
    for (let r = 0; r < TOP; r++) if (notes[ranking.all[query * TOP + r]!]!.specialty === label) specificHits++;
    for (let r = 0; r < TOP; r++) if (notes[ranking.specific[query * TOP + r]!]!.specialty === label) removedHits++;
  }
  return {
    all: allHits / (notes.length * TOP),
    catchAllNotRelevant: specificHits / (specificQueries * TOP),
    catchAllRemoved: removedHits / (specificQueries * TOP),
    specificQueries,
  };
}

function transposeCsr(x: Csr): Csr {
  const counts = new Int32Array(x.cols + 1);
  for (let p = 0; p < x.indices.length; p++) counts[x.indices[p]! + 1]!++;
  for (let j = 0; j < x.cols; j++) counts[j + 1]! += counts[j]!;
  const next = counts.slice(0, x.cols);
  const indices = new Int32Array(x.indices.length);
  const data = new Float64Array(x.indices.length);
  for (let i = 0; i < x.rows; i++) {
    for (let p = x.indptr[i]!; p < x.indptr[i + 1]!; p++) {
      const slot = next[x.indices[p]!]!++;
      indices[slot] = i;
      data[slot] = x.data[p]!;
    }
  }
  return { rows: x.cols, cols: x.rows, indptr: counts, indices, data };
}

function summarize(latencies: Float64Array): { median: number; p95: number } {
  const sorted = Float64Array.from(latencies).sort();
  return { median: sorted[Math.floor(sorted.length / 2)]!, p95: sorted[Math.floor(sorted.length * 0.95)]! };
}

function log(message: string): void {
  console.error(`[clinical-similarity] ${message}`);
}

type Report = {
  store: StoreLatency[];
  notes: Note[];
  isCatchAll: Uint8Array;
  rows: { name: string; all: number; catchAllNotRelevant: number; catchAllRemoved: number; specificQueries: number }[];
  fitSeconds: number;
  weightSeconds: number;
  svdSeconds: number;
  embedSeconds: number;
  model: ReturnType<typeof fitLsa>['model'];
  tfidfShape: { rows: number; cols: number; nnz: number };
  latency: Record<'lsa' | 'prefix' | 'tfidf', { median: number; p95: number }>;
};

function writeReports(report: Report): void {
  const root = projectRoot();
  const docs = path.join(root, 'docs');
  if (!existsSync(docs)) mkdirSync(docs);

  const page = renderPage(report);
  writeFileSync(path.join(docs, 'clinical-similarity.md'), page);
  writeReportSection('docs/benchmarks.md', 'clinical-similarity', renderBenchmarkSection(report));
  console.log(page);
}

function machine(): string {
  const cpus = os.cpus();
  const memory = (os.totalmem() / 2 ** 30).toFixed(0);
  return `${cpus[0]?.model ?? 'unknown CPU'}, ${cpus.length} logical cores, ${memory} GiB memory, ${os.type()} ${os.release()}, Node.js ${process.version}, JavaScript engine (no native LAPACK), one thread`;
}

function percent(value: number): string {
  return `${(value * 100).toFixed(1)}%`;
}

function renderPage(report: Report): string {
  const { notes, isCatchAll, model } = report;
  const n = notes.length;
  const specificQueries = report.rows[0]!.specificQueries;
  const counts = new Map<string, number>();
  for (const note of notes) counts.set(note.specialty, (counts.get(note.specialty) ?? 0) + 1);
  const catchAllList = [...CATCH_ALL].map((name) => `${name} (${counts.get(name) ?? 0})`).join(', ');
  const distinctTexts = new Set(notes.map((note) => note.text.trim())).size;
  const date = new Date().toISOString().slice(0, 16).replace('T', ' ');

  const lines = [
    '# Clinical similarity on MTSamples',
    '',
    `Measured by \`bench/clinical-similarity.ts\` (\`npm run bench:clinical\`) on ${date} UTC; machine: ${machine()}.`,
    '',
    '## Same-specialty precision@10, leave-one-out',
    '',
    `Each of the ${n} notes with a non-empty transcription is a query; its 10 most cosine-similar other notes are`,
    'retrieved by brute force, and a neighbour is relevant when its `medical_specialty` equals the query\'s.',
    '',
    `| method | all notes (${n} queries) | catch-alls neither queries nor relevant (${specificQueries} queries) | catch-alls also removed from the index (${specificQueries} queries) |`,
    '|---|---:|---:|---:|',
    ...report.rows.map((row) => `| ${row.name} | ${percent(row.all)} | ${percent(row.catchAllNotRelevant)} | ${percent(row.catchAllRemoved)} |`),
    '',
    `Catch-all categories (notes): ${catchAllList}; ${isCatchAll.reduce((sum, flag) => sum + flag, 0)} notes in all.`,
    'They name a note type or a whole department rather than a specialty.',
    '',
    `Duplicates: the ${n} notes hold ${distinctTexts} distinct transcriptions. Most repeated texts are filed under two or`,
    'three categories (for example an operative note under both "Surgery" and "Orthopedic"), so a note\'s nearest',
    'neighbour is often the same text under another label. That caps precision in the first two columns, and it is',
    'why the third column, with the catch-alls out of the index, is the clearest measure of specialty structure.',
    '',
    '## Model and timings',
    '',
    '| quantity | value |',
    '|---|---:|',
    `| TF-IDF matrix (documents × terms, minDf ${MIN_DF}) | ${report.tfidfShape.rows} × ${report.tfidfShape.cols} |`,
    `| stored entries (nnz), density | ${report.tfidfShape.nnz} (${percent(report.tfidfShape.nnz / (report.tfidfShape.rows * report.tfidfShape.cols))}) |`,
    `| dimensions k, power iterations, oversamples, seed | ${model.components.cols}, ${model.fit.powerIterations}, ${model.fit.oversamples}, ${model.fit.seed} |`,
    `| share of ‖X‖²_F kept by k dimensions | ${percent(model.fit.energyRetained)} |`,
    `| σ₁, σ₂, σ_k | ${model.singularValues[0]!.toFixed(4)}, ${model.singularValues[1]!.toFixed(4)}, ${model.singularValues.at(-1)!.toFixed(4)} |`,
    `| fit time, total | ${report.fitSeconds.toFixed(1)} s |`,
    `| of which tokenize + TF-IDF | ${report.weightSeconds.toFixed(1)} s |`,
    `| of which randomized SVD | ${report.svdSeconds.toFixed(1)} s |`,
    `| embedding throughput (text → Vᵀx, all ${n} notes) | ${(n / report.embedSeconds).toFixed(0)} texts/s |`,
    `| search latency, LSA k = ${DIMENSIONS}, brute force over ${n} vectors: median / p95 | ${report.latency.lsa.median.toFixed(2)} / ${report.latency.lsa.p95.toFixed(2)} ms |`,
    `| search latency, LSA ${PREFIX_DIMENSIONS} dimensions: median / p95 | ${report.latency.prefix.median.toFixed(2)} / ${report.latency.prefix.p95.toFixed(2)} ms |`,
    `| search latency, TF-IDF through an inverted index: median / p95 | ${report.latency.tfidf.median.toFixed(2)} / ${report.latency.tfidf.p95.toFixed(2)} ms |`,
    '',
    'Search latency is in-process: scoring every note and selecting the top 10, for one query already embedded.',
    '',
    '## Store search through the service',
    '',
    `The LSA embeddings in a cosine collection (HNSW m = 16, ef_construction = 64, ef_search = 40), searched through`,
    `\`EmbeddingStore.search\` (validation, SQL and the driver) with k = ${TOP}: ${STORE_QUERIES} timed queries, each a stored`,
    `note's vector, after ${STORE_WARMUP} untimed ones. Filtered: HNSW with the filter { specialty: the query note's }.`,
    'Recall: the share of the exact top 10 that the HNSW search returned.',
    '',
    '| database | documents | HNSW median / p95 | exact median / p95 | filtered HNSW median / p95 | HNSW recall@10 |',
    '|---|---:|---:|---:|---:|---:|',
    ...report.store.map(
      (row) =>
        `| ${row.database} | ${row.documents} | ${row.hnsw.median.toFixed(2)} / ${row.hnsw.p95.toFixed(2)} ms | ${row.exact.median.toFixed(2)} / ${row.exact.p95.toFixed(2)} ms | ` +
        `${row.filtered.median.toFixed(2)} / ${row.filtered.p95.toFixed(2)} ms | ${percent(row.recall)} |`,
    ),
    ...(report.store.some((row) => row.database === 'PostgreSQL') ? [] : ['', 'PostgreSQL was not measured: BENCH_DATABASE_URL was not set.']),
    '',
    'The machine was shared with other jobs during the run, so the timings are upper bounds for it.',
    '',
  ];
  return lines.join('\n');
}

function renderBenchmarkSection(report: Report): string {
  const n = report.notes.length;
  return [
    '## LSA on MTSamples (bench/clinical-similarity.ts)',
    '',
    `${new Date().toISOString().slice(0, 10)}; ${machine()}. Full results: docs/clinical-similarity.md.`,
    '',
    '| quantity | value |',
    '|---|---:|',
    `| fit (${n} notes, ${report.tfidfShape.cols} terms, k = ${report.model.components.cols}) | ${report.fitSeconds.toFixed(1)} s |`,
    `| embedding throughput | ${(n / report.embedSeconds).toFixed(0)} texts/s |`,
    `| brute-force search, LSA, median / p95 | ${report.latency.lsa.median.toFixed(2)} / ${report.latency.lsa.p95.toFixed(2)} ms |`,
    ...report.store.map((row) => `| store search, ${row.database}, HNSW k = ${TOP}, median / p95 | ${row.hnsw.median.toFixed(2)} / ${row.hnsw.p95.toFixed(2)} ms |`),
  ].join('\n');
}



await main();
