/**
 * Agreement of k-means clusters of the MTSamples LSA embeddings with the notes' `medical_specialty`.
 *
 * Protocol: LSA (k = 128 dimensions, minDf 2, seed 0) is fitted in-process with src/compute/lsa on every note with a
 * non-empty transcription, and the notes are embedded with it. Spherical k-means (cosine, k-means++ seeding, 3 starts)
 * then runs with k = the number of specialties. The adjusted Rand index and purity against the specialties are
 * reported for all notes, and for the notes outside the catch-all categories of docs/clinical-similarity.md,
 * clustered again on their own. A seeded random labelling with the same k is the chance baseline. Seeds 0, 1 and 2
 * give the spread.
 *
 * Run: `npm run bench:clustering`. Writes the `clustering` section of docs/benchmarks.md.
 */

import os from 'node:os';


import { adjustedRandIndex, purity } from '../src/compute/cluster-agreement.js';
import type { Dense } from '../src/compute/dense.js';
import { selectEngine } from '../src/compute/engines.js';
import { kmeans } from '../src/compute/kmeans.js';
import { createLsaEmbedder } from '../src/compute/lsa/embed.js';
import { fitLsa } from '../src/compute/lsa/fit.js';
import { seededUniform } from '../src/compute/seeded-random.js';
import { dataFile } from '../src/io/data-files.js';
import { writeReportSection } from './report.js';
import { CATCH_ALL, type Note, readNotes } from './mtsamples.js';

const DIMENSIONS = 128;
const MIN_DF = 2;
const LSA_SEED = 0;
const SEEDS = [0, 1, 2];
const STARTS = 3;

/** The catch-all categories of docs/clinical-similarity.md: note types or whole departments, not specialties. */


interface Row {
  subset: string;
  notes: number;
  k: number;
  ari: number[];
  purity: number[];
  randomAri: number[];
  randomPurity: number[];
  silhouette: number[];
  seconds: number[];
}

async function main(): Promise<void> {
  const file = dataFile('mtsamples.csv.gz');
  if (!file) {
    console.error('mtsamples.csv.gz is missing from the data folder (../shared/data or VECTORSPACE_DATA_DIR); nothing to measure.');
    process.exit(1);
  }
  const notes = readNotes(file);
  log(`${notes.length} notes with a transcription`);

  const engine = selectEngine('auto');
  const fitStart = performance.now();
  const fit = fitLsa(engine, notes.map((note) => note.text), { dimensions: DIMENSIONS, minDf: MIN_DF, seed: LSA_SEED });
  const fitSeconds = (performance.now() - fitStart) / 1000;
  const embeddings = createLsaEmbedder(fit.model)(notes.map((note) => note.text));
  log(`LSA fitted in ${fitSeconds.toFixed(1)} s on the ${engine.name} engine`);

  const all = Int32Array.from(notes.keys());
  const specific = all.filter((i) => !CATCH_ALL.has(notes[i]!.specialty));
  const rows = [measure('all notes', notes, embeddings, all), measure('catch-alls removed', notes, embeddings, specific)];

  writeReportSection('docs/benchmarks.md', 'clustering', render(rows, fitSeconds, engine.name));
  log('wrote the clustering section of docs/benchmarks.md');
}


/** Clusters the chosen notes (rows of `embeddings`) with k = their number of specialties, once per seed. */
function measure(subset: string, notes: Note[], embeddings: Dense, chosen: Int32Array): Row {
  const d = embeddings.cols;
  const x: Dense = { rows: chosen.length, cols: d, data: new Float64Array(chosen.length * d) };
  chosen.forEach((i, row) => x.data.set(embeddings.data.subarray(i * d, (i + 1) * d), row * d));

  const classNames = [...new Set(Array.from(chosen, (i) => notes[i]!.specialty))].sort();
  const classOf = new Map(classNames.map((name, code) => [name, code]));
  const classes = Int32Array.from(chosen, (i) => classOf.get(notes[i]!.specialty)!);
  const k = classNames.length;

  const row: Row = { subset, notes: chosen.length, k, ari: [], purity: [], randomAri: [], randomPurity: [], silhouette: [], seconds: [] };
  for (const seed of SEEDS) {
    const started = performance.now();
    const result = kmeans(x, k, { metric: 'cosine', seed, maxIterations: 300, starts: STARTS, silhouetteSampleSize: 2000 });
    row.seconds.push((performance.now() - started) / 1000);
    row.ari.push(adjustedRandIndex(result.labels, classes));
    row.purity.push(purity(result.labels, classes));
    row.silhouette.push(result.silhouette.score ?? Number.NaN);

    const uniform = seededUniform(seed);
    const random = Int32Array.from(classes, () => Math.floor(uniform() * k));
    row.randomAri.push(adjustedRandIndex(random, classes));
    row.randomPurity.push(purity(random, classes));
    log(`${subset}, seed ${seed}: ARI ${row.ari.at(-1)!.toFixed(3)}, purity ${row.purity.at(-1)!.toFixed(3)}`);
  }
  return row;
}

function meanSpread(values: number[], digits = 3): string {
  const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
  const low = Math.min(...values);
  const high = Math.max(...values);
  return `${fixed(mean, digits)} (${fixed(low, digits)}–${fixed(high, digits)})`;
}

/** toFixed without a minus sign on a value that rounds to zero. */
function fixed(value: number, digits: number): string {
  const text = value.toFixed(digits);
  return Number(text) === 0 ? (0).toFixed(digits) : text;
}

function render(rows: Row[], fitSeconds: number, engineName: string): string {
  return [
    '## Clustering: k-means on the MTSamples LSA embeddings',
    '',
    `Run \`npm run bench:clustering\` (bench/clustering.ts), ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ` +
      `${os.cpus().length} CPUs, load average ${os.loadavg()[0]!.toFixed(1)}.`,
    `LSA: k = ${DIMENSIONS} dimensions (fewer than the 256 of docs/clinical-similarity.md, for speed), minDf ${MIN_DF}, seed ${LSA_SEED}, ` +
      `fitted in-process on the ${engineName} engine in ${fitSeconds.toFixed(1)} s on every note with a non-empty transcription.`,
    `k-means: cosine (spherical), k-means++ seeding, ${STARTS} starts, k = the number of specialties in the subset; ` +
      `figures are the mean over seeds ${SEEDS.join(', ')} with the range in brackets. The chance baseline labels each note uniformly at random with the same k.`,
    'The catch-all categories are those listed in docs/clinical-similarity.md (Surgery, Consult - History and Phy., SOAP / Chart / Progress Notes, ' +
      'Discharge Summary, General Medicine, Office Notes, Emergency Room Reports, Letters, IME-QME-Work Comp etc.); in the second row their notes are ' +
      'removed and the rest clustered on their own.',
    '',
    '| notes | n | k | adjusted Rand index | purity | silhouette (2,000-note sample) | chance ARI | chance purity | k-means time (s) |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map(
      (row) =>
        `| ${row.subset} | ${row.notes} | ${row.k} | ${meanSpread(row.ari)} | ${meanSpread(row.purity)} | ${meanSpread(row.silhouette)} | ` +
        `${meanSpread(row.randomAri)} | ${meanSpread(row.randomPurity)} | ${meanSpread(row.seconds, 1)} |`,
    ),
    '',
    'Purity rises with k, so compare it only between rows of equal k or against the chance column of its own row.',
    'Duplicated transcriptions filed under two categories (see docs/clinical-similarity.md) cap both figures in the first row.',
  ].join('\n');
}

function log(message: string): void {
  console.error(`[clustering] ${message}`);
}

await main();
