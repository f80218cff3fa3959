/**
 * Measures the clustering, alignment, low-rank and positional compute on real and synthetic data, and rewrites the
 * `analytics` section of docs/benchmarks.md (between its BEGIN and END markers, leaving the rest of the file alone).
 *
 *   npm run bench:analytics
 *
 * Real data: the 8000×300 GoogleNews word2vec matrix from the data directory (see src/io/data-files.ts). Without it,
 * the real-data rows are skipped with a message. Times are single runs on one thread of the machine named in the
 * output, so read them as rough.
 */

import { cpus } from 'node:os';
import path from 'node:path';

import { allocateRanks } from '../src/compute/adalora.js';
import { fitAlignment } from '../src/compute/alignment.js';
import { type Dense, matmul, rowRange, zeros } from '../src/compute/dense.js';
import { jsEngine } from '../src/compute/js-engine.js';
import { kmeans } from '../src/compute/kmeans.js';
import { dequantizeNf4, mergeError, quantizationError, quantizeNf4 } from '../src/compute/nf4.js';
import { analyzeFourier, analyzeSinusoidal } from '../src/compute/positional.js';
import { qr } from '../src/compute/qr.js';
import { seededNormal, seededUniform } from '../src/compute/seeded-random.js';
import { dataFile } from '../src/io/data-files.js';
import { readWord2vecText } from '../src/io/word2vec.js';
import { writeReportSection } from './report.js';

const SECTION = 'analytics';

function timed<T>(run: () => T): { result: T; seconds: number } {
  const started = performance.now();
  const result = run();
  return { result, seconds: (performance.now() - started) / 1000 };
}

function gaussian(rows: number, cols: number, scale: number, seed: number): Dense {
  const normal = seededNormal(seededUniform(seed));
  const out = zeros(rows, cols);
  for (let i = 0; i < out.data.length; i++) out.data[i] = normal() * scale;
  return out;
}

function fixed(value: number | null, digits = 4): string {
  return value === null ? 'n/a' : value.toFixed(digits);
}

function scientific(value: number): string {
  return value.toExponential(2);
}

async function realDataLines(): Promise<string[]> {
  const file = dataFile('googlenews-w2v-8000x300.txt.gz');
  if (file === null) return ['GoogleNews vectors not found in the data directory; real-data rows skipped.', ''];

  const { words, dimensions, vectors } = await readWord2vecText(file);
  const x: Dense = { rows: words.length, cols: dimensions, data: vectors };
  const lines = [
    `### k-means on GoogleNews word2vec (${x.rows}×${x.cols}), seed 0, one k-means++ start, silhouette on a 1000-vector sample`,
    '',
    '| metric | k | iterations | converged | inertia | silhouette | seconds |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const metric of ['cosine', 'euclidean'] as const) {
    for (const k of [10, 50]) {
      const { result, seconds } = timed(() => kmeans(x, k, { metric, seed: 0, maxIterations: 300, starts: 1, silhouetteSampleSize: 1000 }));
      lines.push(`| ${metric} | ${k} | ${result.iterations} | ${result.converged} | ${fixed(result.inertia, 1)} | ${fixed(result.silhouette.score)} | ${seconds.toFixed(1)} |`);
    }
  }

  // Alignment: the first 2000 word vectors against a random rotation of themselves plus Gaussian noise.
  const source = rowRange(x, 0, 2000);
  const rotation = qr(jsEngine, gaussian(dimensions, dimensions, 1, 5), { mode: 'reduced', pivoting: false }).q;
  const rotated = matmul(source, rotation);
  let squares = 0;
  for (const value of source.data) squares += value * value;
  const entryScale = Math.sqrt(squares / source.data.length);

  lines.push(
    '',
    `### Alignment: 2000 GoogleNews vectors against a random rotation plus noise (noise σ relative to the entry RMS ${scientific(entryScale)}), 20% held out, seed 0`,
    '',
    '| noise σ / RMS | method | train residual | held-out residual | top-1 | top-5 | seconds |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  );
  for (const noise of [0, 0.5, 1, 2]) {
    const perturbation = gaussian(source.rows, dimensions, noise * entryScale, 7);
    const target = { ...rotated, data: rotated.data.map((value, i) => value + perturbation.data[i]!) };
    for (const [method, ridge] of [['procrustes', 0], ['linear', 0], ['linear', 10]] as const) {
      const { result, seconds } = timed(() => fitAlignment(jsEngine, source, target, { method, ridge, allowReflection: true, testFraction: 0.2, seed: 0 }));
      const label = method === 'linear' ? `linear, λ = ${ridge}` : method;
      lines.push(
        `| ${noise} | ${label} | ${fixed(result.trainResidual.relative)} | ${fixed(result.testResidual!.relative)} | ${fixed(result.retrieval!.top1, 3)} | ${fixed(result.retrieval!.top5, 3)} | ${seconds.toFixed(1)} |`,
      );
    }
  }
  lines.push('');
  return lines;
}

function nf4Lines(): string[] {
  const lines = [
    '### NF4 on a 1024×1024 weight with entries N(0, 0.02²), and a rank-16 LoRA merge (B, A entries N(0, 0.01²), scaling 2)',
    '',
    '| block size | bits per value | relative error | max abs error | noise / update | merged in NF4: relative error | update lost | seconds |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  const w = gaussian(1024, 1024, 0.02, 11);
  const b = gaussian(1024, 16, 0.01, 12);
  const a = gaussian(16, 1024, 0.01, 13);
  for (const blockSize of [32, 64, 128, 256]) {
    const { result, seconds } = timed(() => {
      const restored = dequantizeNf4(quantizeNf4(w, blockSize));
      return { error: quantizationError(w, restored), merge: mergeError(w, restored, b, a, 2, blockSize) };
    });
    lines.push(
      `| ${blockSize} | ${(4 + 32 / blockSize).toFixed(3)} | ${fixed(result.error.relative)} | ${scientific(result.error.maxAbs)} | ${fixed(result.merge.noiseToUpdate, 2)} | ${fixed(result.merge.requantizedError.relative)} | ${fixed(result.merge.requantizedUpdateError, 3)} | ${seconds.toFixed(2)} |`,
    );
  }
  lines.push(
    '',
    'Noise / update is ‖Ŵ − W‖_F / ‖ΔW‖_F. Update lost is ‖(deq(Q(Ŵ + ΔW)) − Ŵ) − ΔW‖_F / ‖ΔW‖_F: at 1 or above, the change',
    'that storing the merge in NF4 keeps is no closer to ΔW than no change at all.',
    '',
  );
  return lines;
}

function adaloraLines(): string[] {
  // Four 512×512 updates of rank 32 with geometric spectra of different decay and scale.
  const layers = [
    { scale: 1, decay: 0.9 },
    { scale: 1, decay: 0.7 },
    { scale: 0.3, decay: 0.95 },
    { scale: 2, decay: 0.5 },
  ].map(({ scale, decay }, index) => {
    const u = qr(jsEngine, gaussian(512, 32, 1, 20 + index), { mode: 'reduced', pivoting: false }).q;
    const v = qr(jsEngine, gaussian(512, 32, 1, 30 + index), { mode: 'reduced', pivoting: false }).q;
    for (let i = 0; i < 512; i++) for (let j = 0; j < 32; j++) u.data[i * 32 + j]! *= scale * decay ** j;
    return { b: u, a: { rows: 32, cols: 512, data: Float64Array.from({ length: 32 * 512 }, (_, t) => v.data[(t % 512) * 32 + Math.floor(t / 512)]!) } };
  });

  const lines = [
    '### AdaLoRA-style allocation: four 512×512 rank-32 updates (σ_j = scale·decay^j), budget 32, given as factors',
    '',
    '| importance | ranks (scale 1 / 0.9, 1 / 0.7, 0.3 / 0.95, 2 / 0.5) | energy kept per layer | total energy kept | seconds |',
    '| --- | --- | --- | --- | --- |',
  ];
  for (const importance of ['magnitude', 'relative'] as const) {
    const { result, seconds } = timed(() => allocateRanks(jsEngine, layers, { budget: 32, importance, minRank: 0, returnFactors: false }));
    lines.push(
      `| ${importance} | ${result.layers.map((layer) => layer.rank).join(', ')} | ${result.layers.map((layer) => fixed(layer.energyKept, 3)).join(', ')} | ${fixed(result.energyKept)} | ${seconds.toFixed(2)} |`,
    );
  }
  lines.push('');
  return lines;
}

function positionalLines(): string[] {
  const positions = Array.from({ length: 512 }, (_, i) => i);
  const sinusoidal = timed(() => analyzeSinusoidal(positions, 512, 10000));
  const lines = [
    '### Positional encodings over positions 0…511',
    '',
    `Sinusoidal, d = 512: max deviation among pairs with the same offset ${scientific(sinusoidal.result.structure.maxDeviation)}, ` +
      `max error against Σ cos(ω_i·Δ) ${scientific(sinusoidal.result.structure.maxErrorFromExpected)} (${sinusoidal.seconds.toFixed(2)} s).`,
    '',
    '| random Fourier features, length scale 16, seed 0 | D | max deviation at equal offset | kernel error max | kernel error RMS |',
    '| --- | --- | --- | --- | --- |',
  ];
  const x = { rows: 512, cols: 1, data: Float64Array.from(positions) };
  for (const variant of ['cos-sin', 'cos-phase'] as const) {
    for (const features of [256, 4096]) {
      const result = analyzeFourier(x, features, 16, variant, 0, positions);
      lines.push(`| ${variant} | ${features} | ${scientific(result.structure!.maxDeviation)} | ${scientific(result.kernelError.maxAbs)} | ${scientific(result.kernelError.rms)} |`);
    }
  }
  lines.push('');
  return lines;
}

function writeSection(lines: string[]): string {
  return writeReportSection('docs/benchmarks.md', SECTION, lines.join('\n'));
}

async function main(): Promise<void> {
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}`;
  const lines = [
    '## Clustering, alignment and low-rank methods',
    '',
    `Produced by \`npm run bench:analytics\` (bench/analytics.ts) on ${machine}, JavaScript engine, one thread, single runs.`,
    '',
    ...(await realDataLines()),
    ...nf4Lines(),
    ...adaloraLines(),
    ...positionalLines(),
  ];
  const file = writeSection(lines);
  console.log(lines.join('\n'));
  console.log(`\nWrote the ${SECTION} section of ${file}`);
}

await main();
