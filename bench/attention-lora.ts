/**
 * Benchmark: scaled dot-product attention (8 heads × 512 × 64) and a LoRA merge (4096×4096, r = 16) on the
 * TensorFlow.js kernels, against numpy float32 in the same run (bench/attention-lora.py).
 *
 * What is timed: the compute functions in this process (src/compute/attention.ts and lora.ts), from float32 arrays
 * in to float32 arrays out, tensor upload and readback included; no HTTP, JSON or worker pool. numpy times the same
 * formulas on arrays already in memory, with its BLAS threads as installed. Rounds alternate tfjs and numpy so both
 * see the same machine load. Each figure is the best and the median of the runs after warm-up, and ratios use the
 * best, which other processes disturb least. The result goes to docs/benchmarks.md, section `attention-lora`;
 * python3 without numpy skips the comparison with a message.
 *
 * Run: npm run bench:attention
 */

import { spawnSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { scaledDotProductAttention } from '../src/compute/attention.js';
import { mergeLora } from '../src/compute/lora.js';
import { configureTfjs, loadTfjs } from '../src/compute/tfjs-backend.js';
import { writeReportSection } from './report.js';

const HEADS = 8;
const LENGTH = 512;
const DIM = 64;
const OUT_FEATURES = 4096;
const IN_FEATURES = 4096;
const RANK = 16;
/** Runs per case in each round; rounds alternate tfjs and numpy so that both see the same machine load. */
const REPEATS = 5;
const ROUNDS = 3;
const SECTION = 'attention-lora';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

function randomArray(length: number, seed: number): Float32Array {
  let state = seed >>> 0;
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = state / 2 ** 31 - 1;
  }
  return out;
}

interface Timing {
  best: number;
  median: number;
}

function runTimes(run: () => void, repeats = REPEATS, warmup = 2): number[] {
  for (let i = 0; i < warmup; i++) run();
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    run();
    times.push(performance.now() - start);
  }
  return times;
}

function summarise(times: number[]): Timing {
  const sorted = [...times].sort((a, b) => a - b);
  return { best: sorted[0]!, median: sorted[Math.floor(sorted.length / 2)]! };
}

interface NumpyTimes {
  numpy: string;
  attention: number[];
  merge: number[];
}

function runNumpy(threads: 'default' | '1'): NumpyTimes | string {
  const script = path.join(projectRoot, 'bench', 'attention-lora.py');
  const args = [script, HEADS, LENGTH, DIM, OUT_FEATURES, IN_FEATURES, RANK, REPEATS].map(String);
  const env = threads === '1' ? { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' } : process.env;
  const result = spawnSync('python3', args, { encoding: 'utf8', env });
  if (result.error) return `python3 could not be started (${result.error.message})`;
  if (result.status !== 0) return `python3 failed: ${result.stderr.trim().split('\n').pop()}`;
  return JSON.parse(result.stdout) as NumpyTimes;
}

function writeSection(markdown: string): string {
  return writeReportSection('docs/benchmarks.md', SECTION, markdown);
}

async function main(): Promise<void> {
  configureTfjs((process.env.TFJS_BACKEND as 'auto' | 'wasm' | 'cpu' | undefined) ?? 'auto');
  const { tf, backend } = await loadTfjs();

  const shape = [HEADS, LENGTH, DIM];
  const [q, k, v] = [1, 2, 3].map((seed) => ({ shape, data: randomArray(HEADS * LENGTH * DIM, seed) }));
  const weight = { rows: OUT_FEATURES, cols: IN_FEATURES, data: randomArray(OUT_FEATURES * IN_FEATURES, 4) };
  const adapter = { a: { rows: RANK, cols: IN_FEATURES, data: randomArray(RANK * IN_FEATURES, 5) }, b: { rows: OUT_FEATURES, cols: RANK, data: randomArray(OUT_FEATURES * RANK, 6) }, alpha: 32, path: '' };

  const tfjsTimes = { attention: [] as number[], merge: [] as number[] };
  const numpyTimes = { attention: [] as number[], merge: [] as number[] };
  const numpySingleTimes = { attention: [] as number[], merge: [] as number[] };
  let numpyVersion = '';
  let skipped: string | null = null;
  for (let round = 0; round < ROUNDS; round++) {
    tfjsTimes.attention.push(...runTimes(() => scaledDotProductAttention(tf, q!, k!, v!, { causal: null, masks: [], returnWeights: false })));
    tfjsTimes.merge.push(...runTimes(() => mergeLora(tf, weight, 'out_in', 'standard', [adapter], '/weight')));
    if (skipped !== null) continue;

    const numpy = runNumpy('default');
    const numpySingle = runNumpy('1');
    if (typeof numpy === 'string' || typeof numpySingle === 'string') {
      skipped = typeof numpy === 'string' ? numpy : String(numpySingle);
      continue;
    }
    numpyVersion = numpy.numpy;
    numpyTimes.attention.push(...numpy.attention);
    numpyTimes.merge.push(...numpy.merge);
    numpySingleTimes.attention.push(...numpySingle.attention);
    numpySingleTimes.merge.push(...numpySingle.merge);
  }
  const attention = summarise(tfjsTimes.attention);
  const merge = summarise(tfjsTimes.merge);

  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const lines = [
    `## ${SECTION}`,
    '',
    `Measured by \`npm run bench:attention\` (bench/attention-lora.ts) on ${new Date().toISOString().slice(0, 10)}: Node ${process.version}, tfjs 4.22 backend "${backend}", ${cpus().length} logical CPUs (${cpu}), 1-minute load average ${loadavg()[0]!.toFixed(1)} at the end of the run.`,
    `Times are in-process runs of the compute functions, float32 arrays in and out (tensor upload and readback included; no HTTP or worker pool), as best / median of ${ROUNDS} rounds × ${REPEATS} runs, the rounds alternating tfjs and numpy.`,
    'numpy runs the same formulas on float32 arrays with its default BLAS threads, and again with OPENBLAS_NUM_THREADS=1 (tfjs-wasm in Node is single-threaded). Ratios are tfjs best / numpy best. Target: ≤ 1.5× numpy float32.',
    'The tfjs merge also copies the 64 MB weight into the wasm heap and the merged weight out of it, two copies that numpy does not make.',
    '',
  ];
  const show = (timing: Timing) => `${timing.best.toFixed(1)} / ${timing.median.toFixed(1)}`;
  const attentionName = `attention ${HEADS}×${LENGTH}×${DIM}`;
  const mergeName = `LoRA merge ${OUT_FEATURES}×${IN_FEATURES}, r = ${RANK}`;
  if (skipped !== null) {
    console.log(`numpy comparison skipped: ${skipped}`);
    lines.push('| Case | tfjs (ms) |', '| --- | --- |', `| ${attentionName} | ${show(attention)} |`, `| ${mergeName} | ${show(merge)} |`, '', `numpy comparison skipped: ${skipped}.`);
  } else {
    const row = (name: string, ours: Timing, theirs: Timing, single: Timing) =>
      `| ${name} | ${show(ours)} | ${show(theirs)} | ${(ours.best / theirs.best).toFixed(2)}× | ${show(single)} | ${(ours.best / single.best).toFixed(2)}× |`;
    lines.push(
      `| Case | tfjs (ms) | numpy ${numpyVersion} (ms) | ratio | numpy, 1 thread (ms) | ratio |`,
      '| --- | --- | --- | --- | --- | --- |',
      row(attentionName, attention, summarise(numpyTimes.attention), summarise(numpySingleTimes.attention)),
      row(mergeName, merge, summarise(numpyTimes.merge), summarise(numpySingleTimes.merge)),
    );
  }

  const markdown = lines.join('\n');
  console.log(markdown);
  console.log(`\nwritten to ${writeSection(markdown)}`);
}

await main();
