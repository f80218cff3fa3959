// Times the subspace and embedding-analytics compute functions on the JavaScript float64 engine and measures the
// accuracy of principal angles for identical subspaces, then rewrites the "subspaces" section of docs/benchmarks.md.
//
// Run: npm run build && node bench/subspaces.mjs
// It imports the compiled functions from dist/, so build first. Single-threaded: it calls compute functions directly,
// not through the worker pool.

import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = (file) => import(path.join(root, 'dist', 'src', 'compute', file));

const { jsEngine } = await dist('js-engine.js');
const { principalAngles } = await dist('principal-angles.js');
const { sumAndIntersection } = await dist('subspace-sum.js');
const { extractBasis } = await dist('bases.js');
const { cosineSimilarity } = await dist('cosine-similarity.js');
const { superposition } = await dist('superposition.js');
const { pca } = await dist('pca.js');
const { matmul, matmulTransposeA } = await dist('dense.js');
const { spanBasis } = await dist('span.js');
const { seededUniform: seededRandom } = await dist('seeded-random.js');
const { writeReportSection } = await import(path.join(root, 'dist', 'bench', 'report.js'));

const random = seededRandom(42);
const matrix = (rows, cols) => ({ rows, cols, data: Float64Array.from({ length: rows * cols }, () => random() * 2 - 1) });

function time(label, run, repeats = 5) {
  run();
  const samples = [];
  for (let i = 0; i < repeats; i++) {
    const start = process.hrtime.bigint();
    run();
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  samples.sort((a, b) => a - b);
  return { label, medianMs: samples[Math.floor(samples.length / 2)], repeats };
}

// Accuracy: principal angles of a subspace with itself, sine-based (this service) against arccos of the cosines.
const accuracy = [];
for (const [n, k] of [[50, 5], [768, 16], [768, 64]]) {
  const a = matrix(n, k);
  const ours = Math.max(...principalAngles(jsEngine, a, a, {}).angles);
  const q = spanBasis(jsEngine, a, {}).basis;
  const cosines = jsEngine.svd(matmulTransposeA(q, q), 'none').s;
  const cosineOnly = Math.max(...Array.from(cosines, (c) => Math.acos(Math.min(c, 1))));
  accuracy.push({ shape: `${n}×${k}`, ours, cosineOnly });
}

const timings = [
  time('principal angles, two 16-dim subspaces of ℝ⁷⁶⁸', () => principalAngles(jsEngine, matrix(768, 16), matrix(768, 16), {})),
  time('sum and intersection, two 32-dim subspaces of ℝ⁷⁶⁸', () => sumAndIntersection(jsEngine, matrix(768, 32), matrix(768, 32), {})),
  time('basis by pivoted QR, 64 vectors of rank 32 in ℝ⁷⁶⁸', () => extractBasis(jsEngine, matmul(matrix(768, 32), matrix(32, 64)), {})),
  time('cosine similarity, 1000 vectors in ℝ⁷⁶⁸ (matrix + top 10)', () => cosineSimilarity(matrix(1000, 768), { top: 10, includeMatrix: true }), 3),
  time('superposition, 2048 features in ℝ⁵¹²', () => superposition(matrix(2048, 512), { sparsity: 0.95, includeGram: false }), 3),
  time('PCA, 2000 samples in ℝ²⁵⁶, 16 components', () => pca(jsEngine, matrix(2000, 256), { components: 16, center: true, maxSamples: 10000, seed: 1, includeProjections: true }), 3),
];

// Read after the timings, so the load average covers the run.
const lines = [
  '<!-- BEGIN subspaces -->',
  '## Subspaces and embedding analytics',
  '',
  `Measured by \`node bench/subspaces.mjs\` on ${cpus()[0]?.model ?? 'an unknown CPU'} (${cpus().length} logical cores shared with other jobs; 1-minute load average ${loadavg()[0].toFixed(1)} at the end of the run), Node ${process.version}, JavaScript float64 engine, one thread, random inputs with entries uniform in [−1, 1] (seed 42). Median of the stated repeats after one warm-up run; input generation is inside the timed region.`,
  '',
  '| Operation | Median (ms) | Repeats |',
  '| --- | ---: | ---: |',
  ...timings.map((t) => `| ${t.label} | ${t.medianMs.toFixed(1)} | ${t.repeats} |`),
  '',
  'Largest principal angle between a subspace and itself (exact answer 0):',
  '',
  '| Spanning set | Sine-based (this service) | arccos of cosines |',
  '| --- | ---: | ---: |',
  ...accuracy.map((a) => `| ${a.shape} | ${a.ours.toExponential(2)} | ${a.cosineOnly.toExponential(2)} |`),
  '<!-- END subspaces -->',
];

const section = lines.slice(1, -1).join('\n');
writeReportSection('docs/benchmarks.md', 'subspaces', section);
console.log(section);
