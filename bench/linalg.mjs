#!/usr/bin/env node
/**
 * Benchmark of the float64 engines against numpy: SVD (thin), QR (reduced, unpivoted) and eigh at 256² and 512²,
 * matmul at 1024². Each is timed through the native engine directly, through the JavaScript engine directly,
 * through the HTTP endpoint (app.inject, base64 in and out, one worker, native engine), and in numpy with
 * OPENBLAS_NUM_THREADS=1, all on the same matrices in the same run. numpy is skipped with a message when python3
 * or numpy is missing.
 *
 * Each time is the minimum over the repetitions after one warm-up call, because the minimum is the least disturbed
 * by other processes on a shared machine. numpy runs in a python3 subprocess that alternates call by call with the
 * engine, so both see the same load. Results go to docs/benchmarks.md between the `linalg` markers.
 *
 * Run with `npm run bench:linalg` (it builds dist/ first).
 */

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

import { writeReportSection } from '../dist/bench/report.js';
import { seededUniform as seededRandom } from '../dist/src/compute/seeded-random.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { buildApp } = await import(path.join(root, 'dist/src/app.js'));
const { loadConfig } = await import(path.join(root, 'dist/src/config.js'));
const { getNativeEngine } = await import(path.join(root, 'dist/src/compute/engines.js'));
const { jsEngine } = await import(path.join(root, 'dist/src/compute/js-engine.js'));
const { loadNativeBinding } = await import(path.join(root, 'dist/src/compute/native-binding.js'));

const SECTION = 'linalg';
const REPETITIONS = { native: 15, http: 5, js: 2 };

const CASES = [
  { op: 'svd', n: 256 },
  { op: 'svd', n: 512 },
  { op: 'qr', n: 256 },
  { op: 'qr', n: 512 },
  { op: 'eigh', n: 256 },
  { op: 'eigh', n: 512 },
  { op: 'matmul', n: 1024 },
];

/** mulberry32, the generator of test/helpers.ts, so runs are reproducible. */

function randomMatrix(n, seed, symmetric) {
  const random = seededRandom(seed);
  const data = new Float64Array(n * n);
  for (let i = 0; i < data.length; i++) data[i] = random() * 2 - 1;
  if (symmetric) {
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < i; j++) data[i * n + j] = data[j * n + i];
    }
  }
  return { rows: n, cols: n, data };
}

function inputsOf({ op, n }) {
  const a = randomMatrix(n, n, op === 'eigh');
  return op === 'matmul' ? [a, randomMatrix(n, n + 1, false)] : [a];
}

function runEngine(engine, op, [a, b]) {
  switch (op) {
    case 'svd':
      return engine.svd(a, 'thin');
    case 'qr':
      return engine.qr(a, 'reduced', false);
    case 'eigh':
      return engine.eigh(a);
    case 'matmul':
      return engine.matmul(a, b);
  }
  throw new Error(`unknown operation ${op}`);
}

/** Minimum wall time of `repetitions` calls after one warm-up, in milliseconds. */
async function timeMin(repetitions, call) {
  await call();
  let best = Infinity;
  for (let i = 0; i < repetitions; i++) {
    const start = process.hrtime.bigint();
    await call();
    best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e6);
  }
  return best;
}

const HTTP_ROUTES = {
  svd: ['/v1/decompositions/svd', {}],
  qr: ['/v1/decompositions/qr', { mode: 'reduced' }],
  eigh: ['/v1/decompositions/eigh', {}],
};

function base64Matrix(a) {
  return { shape: [a.rows, a.cols], dtype: 'float64', data: Buffer.from(a.data.buffer, a.data.byteOffset, a.data.byteLength).toString('base64') };
}

const NUMPY_SCRIPT = `
import json, sys, time
import numpy as np
manifest = json.load(open(sys.argv[1]))
ops = {
  'svd': lambda a: np.linalg.svd(a[0], full_matrices=False),
  'qr': lambda a: np.linalg.qr(a[0], mode='reduced'),
  'eigh': lambda a: np.linalg.eigh(a[0]),
  'matmul': lambda a: a[0] @ a[1],
}
inputs = [[np.fromfile(f, dtype='<f8').reshape(case['n'], case['n']) for f in case['files']] for case in manifest]
config = np.show_config(mode='dicts')['Build Dependencies']['blas']
print(json.dumps({'numpy': np.__version__, 'blas': f"{config.get('name')} {config.get('version')}"}), flush=True)
for line in sys.stdin:
  index = int(line)
  start = time.perf_counter()
  ops[manifest[index]['op']](inputs[index])
  print((time.perf_counter() - start) * 1000, flush=True)
`;

/**
 * Starts numpy in a python3 subprocess that times one call per request, so that numpy and the engine can take
 * turns and see the same load. Returns a reason string when python3 or numpy cannot run.
 */
async function startNumpy(cases, inputs) {
  const directory = mkdtempSync(path.join(tmpdir(), 'vectorspace-bench-'));
  const manifest = cases.map((benchCase, index) => {
    const files = inputs[index].map((matrix, k) => {
      const file = path.join(directory, `${index}-${k}.f64`);
      writeFileSync(file, matrix.data);
      return file;
    });
    return { ...benchCase, files };
  });
  const manifestFile = path.join(directory, 'manifest.json');
  writeFileSync(manifestFile, JSON.stringify(manifest));

  const python = spawn('python3', ['-c', NUMPY_SCRIPT, manifestFile], {
    env: { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  python.stderr.on('data', (chunk) => (stderr += chunk));
  const lines = createInterface({ input: python.stdout })[Symbol.asyncIterator]();
  const cleanup = () => rmSync(directory, { recursive: true, force: true });

  const started = await Promise.race([
    lines.next().then((line) => (line.done ? undefined : line.value)),
    once(python, 'error').then(([error]) => error),
  ]);
  if (typeof started !== 'string') {
    cleanup();
    const reason = started instanceof Error ? `python3 could not start (${started.message})` : `python3 with numpy failed: ${stderr.trim().split('\n').pop()}`;
    return reason;
  }

  const info = JSON.parse(started);
  return {
    ...info,
    /** Runs case `index` once in numpy and returns its time in milliseconds. */
    async time(index) {
      python.stdin.write(`${index}\n`);
      const line = await lines.next();
      if (line.done) throw new Error(`numpy stopped: ${stderr.trim()}`);
      return Number(line.value);
    },
    close() {
      python.stdin.end();
      cleanup();
    },
  };
}

/** Minimum times of numpy and the engine over `rounds` alternating calls, after one warm-up call of each. */
async function timeAlternating(rounds, numpy, index, call) {
  let numpyBest = Infinity;
  let engineBest = Infinity;
  if (numpy) await numpy.time(index);
  await call();
  for (let round = 0; round < rounds; round++) {
    if (numpy) numpyBest = Math.min(numpyBest, await numpy.time(index));
    const start = process.hrtime.bigint();
    await call();
    engineBest = Math.min(engineBest, Number(process.hrtime.bigint() - start) / 1e6);
  }
  return { numpy: numpy ? numpyBest : undefined, engine: engineBest };
}

function formatMs(value) {
  if (value === undefined) return '—';
  return value >= 100 ? value.toFixed(0) : value.toFixed(value >= 10 ? 1 : 2);
}

function formatRatio(value, reference) {
  if (value === undefined || reference === undefined) return '—';
  return `${(value / reference).toFixed(2)}×`;
}

function writeSection(markdown) {
  writeReportSection('docs/benchmarks.md', SECTION, markdown);
}

async function main() {
  const loadStart = loadavg()[0];
  const native = getNativeEngine();
  if (!native) process.stdout.write(`native engine unavailable (${loadNativeBinding().error}); timing the JavaScript engine only.\n`);

  const inputs = CASES.map(inputsOf);
  const numpyProcess = await startNumpy(CASES, inputs);
  const numpy = typeof numpyProcess === 'string' ? undefined : numpyProcess;
  if (!numpy) process.stdout.write(`numpy skipped: ${numpyProcess}\n`);

  // The JavaScript engine runs on this thread and blocks the event loop for seconds, so load shedding and the rate
  // limit are turned off: this measures compute, not admission control.
  const config = { ...loadConfig({}), workerThreads: 1, logLevel: 'silent', linalgEngine: native ? 'native' : 'js', maxEventLoopDelayMs: 60_000, rateLimitPerMinute: 0 };
  const app = await buildApp(config, { logger: false });
  await app.ready();

  const rows = [];
  try {
    for (const [index, benchCase] of CASES.entries()) {
      const { op, n } = benchCase;
      const row = { op, n };
      if (native) {
        const paired = await timeAlternating(REPETITIONS.native, numpy, index, () => runEngine(native, op, inputs[index]));
        row.numpy = paired.numpy;
        row.native = paired.engine;
        row.js = await timeMin(REPETITIONS.js, () => runEngine(jsEngine, op, inputs[index]));
      } else {
        const paired = await timeAlternating(REPETITIONS.js, numpy, index, () => runEngine(jsEngine, op, inputs[index]));
        row.numpy = paired.numpy;
        row.js = paired.engine;
      }

      if (HTTP_ROUTES[op]) {
        const [url, options] = HTTP_ROUTES[op];
        const payload = JSON.stringify({ matrix: base64Matrix(inputs[index][0]), ...options });
        row.http = await timeMin(REPETITIONS.http, async () => {
          const response = await app.inject({ method: 'POST', url, payload, headers: { 'content-type': 'application/json' } });
          if (response.statusCode !== 200) throw new Error(`${url} returned ${response.statusCode}: ${response.body.slice(0, 200)}`);
        });
      }
      rows.push(row);
      process.stdout.write(`${op} ${n}²: numpy ${formatMs(row.numpy)} ms, native ${formatMs(row.native)} ms, http ${formatMs(row.http)} ms, js ${formatMs(row.js)} ms\n`);
    }
  } finally {
    await app.close();
    numpy?.close();
  }

  const blas = native ? loadNativeBinding().binding.blasInfo().config : 'not loaded';
  const header = [
    '## linalg',
    '',
    `Produced by \`npm run bench:linalg\` (bench/linalg.mjs) on ${new Date().toISOString().slice(0, 10)}: ${cpus()[0]?.model ?? 'unknown CPU'}, ` +
      `${cpus().length} cores shared with other jobs (1-minute load average ${loadStart.toFixed(1)} at the start, ${loadavg()[0].toFixed(1)} at the end), Node ${process.version}.`,
    `Native engine: ${blas}, one thread. numpy: ${numpy ? `${numpy.numpy} on ${numpy.blas}, OPENBLAS_NUM_THREADS=1` : `skipped (${numpyProcess})`}.`,
    'Times are the minimum of several runs after a warm-up, in milliseconds; numpy and the native engine take turns',
    'call by call so that both see the same load. Ratios are against numpy (lower is faster).',
    'SVD is thin (dgesdd), QR reduced without pivoting (dgeqrf + dorgqr), eigh dsyevd, matmul dgemm. HTTP is the',
    'endpoint through app.inject with base64 matrices in and out and one native worker; it includes parsing, the',
    "callers' sign rule and their reconstruction and orthogonality checks, and encoding. There is no matmul endpoint.",
    '',
    '| operation | size | numpy ms | native ms | native / numpy | HTTP ms | HTTP / numpy | js ms | js / numpy |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  const lines = rows.map(
    (row) =>
      `| ${row.op} | ${row.n}² | ${formatMs(row.numpy)} | ${formatMs(row.native)} | ${formatRatio(row.native, row.numpy)} | ` +
      `${formatMs(row.http)} | ${formatRatio(row.http, row.numpy)} | ${formatMs(row.js)} | ${formatRatio(row.js, row.numpy)} |`,
  );
  writeSection([...header, ...lines].join('\n'));
  process.stdout.write('wrote the linalg section of docs/benchmarks.md\n');
}

await main();
