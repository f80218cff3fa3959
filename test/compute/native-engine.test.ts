import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';

import { type Dense, fromRows, identity, matmul, relativeError, toRows, transpose, zeros } from '../../src/compute/dense.js';
import { det } from '../../src/compute/det.js';
import { eigh } from '../../src/compute/eigh.js';
import type { LinalgEngine } from '../../src/compute/engine.js';
import { EngineUnavailableError, availableEngines, engineDetails, getNativeEngine, selectEngine } from '../../src/compute/engines.js';
import { jsEngine } from '../../src/compute/js-engine.js';
import { loadNativeBinding } from '../../src/compute/native-binding.js';
import { nullspace } from '../../src/compute/subspaces.js';
import { qr } from '../../src/compute/qr.js';
import { svd } from '../../src/compute/svd.js';
import { DomainError } from '../../src/errors.js';
import { hilbert, makeApp, post, randomMatrix, seededRandom } from '../helpers.js';

const native = getNativeEngine();
if (!native) console.warn(`native engine tests skipped: ${loadNativeBinding().error}`);

const SHAPES: [number, number][] = [
  [40, 25],
  [25, 40],
  [30, 30],
  [1, 6],
  [6, 1],
  [1, 1],
];

function symmetricRandom(n: number, seed: number): Dense {
  const a = randomMatrix(n, n, seededRandom(seed));
  const out = zeros(n, n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) out.data[i * n + j] = (a.data[i * n + j]! + a.data[j * n + i]!) / 2;
  }
  return out;
}

/** max |x − y| / max |x|, the agreement measure for spectra of two engines. */
function spectrumDifference(x: Float64Array, y: Float64Array): number {
  let scale = 0;
  let difference = 0;
  for (let i = 0; i < x.length; i++) {
    scale = Math.max(scale, Math.abs(x[i]!));
    difference = Math.max(difference, Math.abs(x[i]! - y[i]!));
  }
  return scale === 0 ? difference : difference / scale;
}

describe.each(availableEngines().map((engine) => [engine.name, engine] as const))('%s engine', (_name, engine: LinalgEngine) => {
  describe.each(SHAPES)('svd of %i×%i', (m, n) => {
    const a = randomMatrix(m, n, seededRandom(m * 100 + n));

    it('reconstructs thin and full', () => {
      for (const full of [false, true]) {
        const result = svd(engine, a, { full });
        expect(result.reconstructionError).toBeLessThanOrEqual(1e-12);
        expect(result.orthogonalityErrorU).toBeLessThanOrEqual(1e-12);
        expect(result.orthogonalityErrorV).toBeLessThanOrEqual(1e-12);
        expect(result.u.cols).toBe(full ? m : Math.min(m, n));
        expect(result.v.cols).toBe(full ? n : Math.min(m, n));
      }
    });

    it('returns singular values descending', () => {
      const { s } = engine.svd(a, 'none');
      expect(s.length).toBe(Math.min(m, n));
      for (let i = 1; i < s.length; i++) expect(s[i]!).toBeLessThanOrEqual(s[i - 1]!);
    });

    it('applies the sign rule deterministically', () => {
      const first = svd(engine, a, { full: true });
      const second = svd(engine, a, { full: true });
      expect(Array.from(second.u.data)).toEqual(Array.from(first.u.data));
      expect(Array.from(second.v.data)).toEqual(Array.from(first.v.data));
      for (let j = 0; j < first.u.cols; j++) {
        let largest = 0;
        for (let i = 0; i < first.u.rows; i++) {
          const value = first.u.data[i * first.u.cols + j]!;
          if (Math.abs(value) > Math.abs(largest)) largest = value;
        }
        expect(largest).toBeGreaterThan(0);
      }
    });
  });

  describe.each(SHAPES)('qr of %i×%i', (m, n) => {
    const a = randomMatrix(m, n, seededRandom(m * 7 + n));

    it('reconstructs A·P in every mode', () => {
      for (const mode of ['reduced', 'complete'] as const) {
        for (const pivoting of [false, true]) {
          const result = qr(engine, a, { mode, pivoting });
          expect(result.reconstructionError).toBeLessThanOrEqual(1e-12);
          expect(result.orthogonalityError).toBeLessThanOrEqual(1e-12);
          expect(result.q.cols).toBe(mode === 'complete' ? m : Math.min(m, n));
          expect(result.r.rows).toBe(result.q.cols);
          for (let i = 0; i < Math.min(result.r.rows, n); i++) expect(result.r.data[i * n + i]!).toBeGreaterThanOrEqual(0);
          for (let i = 1; i < result.r.rows; i++) {
            for (let j = 0; j < Math.min(i, n); j++) expect(result.r.data[i * n + j]).toBe(0);
          }
        }
      }
    });

    it('pivots to a non-increasing |diag(R)|', () => {
      const result = qr(engine, a, { mode: 'reduced', pivoting: true });
      expect([...result.permutation].sort((x, y) => x - y)).toEqual(Array.from({ length: n }, (_, j) => j));
      for (let i = 1; i < Math.min(m, n); i++) expect(result.r.data[i * n + i]!).toBeLessThanOrEqual(result.r.data[(i - 1) * n + i - 1]! * (1 + 1e-12));
    });
  });

  it('eigh of a random symmetric matrix', () => {
    const a = symmetricRandom(30, 11);
    const result = eigh(engine, a, 'none');
    expect(result.residual).toBeLessThanOrEqual(1e-12);
    expect(result.orthogonalityError).toBeLessThanOrEqual(1e-12);
    for (let i = 1; i < 30; i++) expect(result.values[i]!).toBeGreaterThanOrEqual(result.values[i - 1]!);
  });

  it('eigh pinned 2×2', () => {
    const result = eigh(engine, fromRows([[2, 1], [1, 2]]), 'none');
    expect(result.values[0]).toBeCloseTo(1, 14);
    expect(result.values[1]).toBeCloseTo(3, 14);
    expect(result.vectors.data[0]).toBeCloseTo(Math.SQRT1_2, 14);
  });

  it('full svd of a wide matrix spans the null space', () => {
    const a = randomMatrix(3, 7, seededRandom(37));
    const result = nullspace(engine, a, {});
    expect(result.basis.cols).toBe(4);
    expect(result.orthogonalityError).toBeLessThanOrEqual(1e-12);
    expect(result.residual).toBeLessThanOrEqual(1e-12);
  });

  it('zero matrix', () => {
    const a = zeros(4, 3);
    const decomposition = svd(engine, a, { full: true });
    expect(Array.from(decomposition.s)).toEqual([0, 0, 0]);
    expect(decomposition.reconstructionError).toBe(0);
    expect(decomposition.orthogonalityErrorU).toBeLessThanOrEqual(1e-15);
    expect(decomposition.orthogonalityErrorV).toBeLessThanOrEqual(1e-15);

    const factorisation = qr(engine, a, { mode: 'complete', pivoting: true });
    expect(factorisation.r.data.every((value) => value === 0)).toBe(true);
    expect(factorisation.orthogonalityError).toBeLessThanOrEqual(1e-15);

    const spectrum = eigh(engine, zeros(3, 3), 'none');
    expect(Array.from(spectrum.values)).toEqual([0, 0, 0]);
    expect(spectrum.orthogonalityError).toBeLessThanOrEqual(1e-15);

    expect(det(engine, zeros(3, 3))).toEqual({ det: 0, sign: 0, logAbsDet: null, outOfRange: null });
  });

  it('1×1 matrix', () => {
    const a = fromRows([[-3]]);
    const decomposition = svd(engine, a, { full: true });
    expect(Array.from(decomposition.s)).toEqual([3]);
    expect(decomposition.u.data[0]).toBe(1);
    expect(decomposition.v.data[0]).toBe(-1);
    expect(eigh(engine, a, 'none').values[0]).toBe(-3);
    expect(det(engine, a).det).toBeCloseTo(-3, 14);
    const factorisation = qr(engine, a, { mode: 'reduced', pivoting: false });
    expect(factorisation.r.data[0]).toBe(3);
    expect(factorisation.q.data[0]).toBe(-1);
  });

  it('hilbert 8×8', () => {
    const a = hilbert(8);
    const decomposition = svd(engine, a, { full: false });
    expect(decomposition.reconstructionError).toBeLessThanOrEqual(1e-12);
    // κ₂(H₈) ≈ 1.5258e10.
    expect(decomposition.s[0]! / decomposition.s[7]!).toBeCloseTo(1.5258e10, -7);

    const spectrum = eigh(engine, a, 'none');
    expect(spectrum.residual).toBeLessThanOrEqual(1e-12);
    expect(spectrum.values[7]).toBeCloseTo(1.6959389969, 9);

    // det(H₈) ≈ 2.737050e−33 (the product of its eigenvalues).
    const determinant = det(engine, a);
    expect(determinant.sign).toBe(1);
    expect(determinant.det! / 2.7370502416e-33).toBeCloseTo(1, 5);
  });

  it('determinant pinned values', () => {
    expect(det(engine, fromRows([[1, 2], [3, 4]])).det).toBeCloseTo(-2, 13);
    expect(det(engine, fromRows([[0, 1], [1, 0]])).sign).toBe(-1);
    expect(det(engine, fromRows([[1, 2], [2, 4]])).sign).toBe(0);
  });

  it('matmul agrees with the reference product', () => {
    const a = randomMatrix(17, 9, seededRandom(3));
    const b = randomMatrix(9, 5, seededRandom(4));
    expect(relativeError(matmul(a, b), engine.matmul(a, b))).toBeLessThanOrEqual(1e-14);
  });
});

describe.skipIf(!native)('native and js engines agree', () => {
  const cases: [string, Dense][] = [
    ['random 60×35', randomMatrix(60, 35, seededRandom(60))],
    ['random 35×60', randomMatrix(35, 60, seededRandom(35))],
    ['hilbert 8×8', hilbert(8)],
    ['scaled 1e150', randomMatrix(12, 12, seededRandom(12), 1e150)],
  ];

  it.each(cases)('singular values of %s', (_label, a) => {
    const difference = spectrumDifference(jsEngine.svd(a, 'none').s, native!.svd(a, 'none').s);
    expect(difference).toBeLessThanOrEqual(1e-12);
  });

  it.each([20, 64])('eigenvalues of symmetric %i×%i', (n) => {
    const a = symmetricRandom(n, n);
    expect(spectrumDifference(jsEngine.eigh(a).values, native!.eigh(a).values)).toBeLessThanOrEqual(1e-12);
  });

  it('eigenvalues of hilbert 8×8', () => {
    const a = hilbert(8);
    expect(spectrumDifference(jsEngine.eigh(a).values, native!.eigh(a).values)).toBeLessThanOrEqual(1e-12);
  });

  it('slogdet of a random 50×50', () => {
    const a = randomMatrix(50, 50, seededRandom(50));
    const reference = jsEngine.slogdet(a);
    const result = native!.slogdet(a);
    expect(result.sign).toBe(reference.sign);
    expect(Math.abs(result.logAbsDet - reference.logAbsDet)).toBeLessThanOrEqual(1e-12 * Math.abs(reference.logAbsDet));
  });
});

describe.skipIf(!native)('native binding routines', () => {
  it('solve returns X with A·X = B', () => {
    const a = randomMatrix(20, 20, seededRandom(20));
    const b = randomMatrix(20, 3, seededRandom(21));
    const x = native!.solve(a, b);
    expect(relativeError(b, matmul(a, x))).toBeLessThanOrEqual(1e-12);
  });

  it('solve rejects a singular matrix', () => {
    try {
      native!.solve(fromRows([[1, 2], [2, 4]]), fromRows([[1], [1]]));
      expect.unreachable('solve accepted a singular matrix');
    } catch (error) {
      expect(error).toBeInstanceOf(DomainError);
      expect((error as DomainError).code).toBe('SINGULAR_MATRIX');
      expect((error as DomainError).status).toBe(422);
    }
  });

  it('lstsq gives the minimum-norm solution', () => {
    // Rank 1: every x with x₀ + x₁ = 2 fits exactly; the minimum-norm one is (1, 1).
    const result = native!.lstsq(fromRows([[1, 1], [2, 2]]), fromRows([[2], [4]]), -1);
    expect(result.rank).toBe(1);
    expect(result.x.data[0]).toBeCloseTo(1, 14);
    expect(result.x.data[1]).toBeCloseTo(1, 14);

    const tall = randomMatrix(30, 4, seededRandom(30));
    const b = randomMatrix(30, 1, seededRandom(31));
    const fit = native!.lstsq(tall, b, -1);
    // Normal equations: Aᵀ·(A·x − b) = 0 at the least-squares solution.
    const residual = matmul(tall, fit.x);
    for (let i = 0; i < 30; i++) residual.data[i] = residual.data[i]! - b.data[i]!;
    const gradient = matmul(transpose(tall), residual);
    for (const value of gradient.data) expect(Math.abs(value)).toBeLessThanOrEqual(1e-12);
  });

  it('cholesky reconstructs a positive definite matrix', () => {
    const g = randomMatrix(15, 15, seededRandom(15));
    const spd = matmul(g, transpose(g));
    for (let i = 0; i < 15; i++) spd.data[i * 15 + i] = spd.data[i * 15 + i]! + 1;
    const l = native!.cholesky(spd);
    expect(relativeError(spd, matmul(l, transpose(l)))).toBeLessThanOrEqual(1e-13);
    for (let i = 0; i < 15; i++) {
      for (let j = i + 1; j < 15; j++) expect(l.data[i * 15 + j]).toBe(0);
    }
  });

  it('cholesky rejects an indefinite matrix', () => {
    try {
      native!.cholesky(fromRows([[1, 2], [2, 1]]));
      expect.unreachable('cholesky accepted an indefinite matrix');
    } catch (error) {
      expect((error as DomainError).code).toBe('NOT_POSITIVE_DEFINITE');
      expect((error as DomainError).params.order).toBe(2);
    }
  });

  it('sgemm multiplies in float32', () => {
    const a = Float32Array.of(1, 2, 3, 4, 5, 6);
    const b = Float32Array.of(1, 0, 0, 1, 1, 1);
    expect(Array.from(native!.matmulFloat32(a, b, 2, 3, 2))).toEqual([4, 5, 10, 11]);
  });

  it('rejects a buffer of the wrong length', () => {
    expect(() => native!.matmul({ rows: 2, cols: 2, data: new Float64Array(3) }, identity(2))).toThrow(/elements, expected/);
  });

  it('runs OpenBLAS on one thread', () => {
    expect(loadNativeBinding().binding!.blasInfo().threads).toBe(1);
  });
});

describe('engine selection', () => {
  it('js forces the JavaScript engine', () => {
    expect(selectEngine('js').name).toBe('js');
  });

  it('auto prefers native when built', () => {
    expect(selectEngine('auto').name).toBe(native ? 'native' : 'js');
  });

  it.skipIf(native)('native fails without the binding', () => {
    expect(() => selectEngine('native')).toThrow(EngineUnavailableError);
  });

  it.skipIf(!native)('native selects the binding', () => {
    expect(selectEngine('native')).toBe(native);
  });

  it('details name the BLAS or the reason', () => {
    expect(engineDetails('js')).toEqual({ nativeEngine: 'not selected (LINALG_ENGINE=js)' });
    if (native) expect(engineDetails('auto').blas).toMatch(/^OpenBLAS /);
    else expect(engineDetails('auto').nativeEngine).toMatch(/not built|failed to load/);
  });
});

describe.each(availableEngines().map((engine) => engine.name))('HTTP with LINALG_ENGINE=%s', (engineName) => {
  let app: FastifyInstance;

  beforeAll(async () => {
    app = await makeApp({ linalgEngine: engineName });
  });

  afterAll(async () => {
    await app.close();
  });

  it('reports the engine in /health/ready', async () => {
    const response = await app.inject({ method: 'GET', url: '/health/ready' });
    expect(response.json().linalgEngine).toBe(engineName);
  });

  it('computes the pinned svd of [[3, 0], [4, 5]]', async () => {
    // AᵀA = [[25, 20], [20, 25]] has eigenvalues 45 and 5, so σ = (3√5, √5).
    const reply = await post(app, '/v1/decompositions/svd', { matrix: [[3, 0], [4, 5]] });
    expect(reply.status).toBe(200);
    expect(reply.body.s[0]).toBeCloseTo(3 * Math.sqrt(5), 14);
    expect(reply.body.s[1]).toBeCloseTo(Math.sqrt(5), 14);
    expect(reply.body.reconstructionError).toBeLessThanOrEqual(1e-15);
  });

  it('computes the pinned determinant', async () => {
    const reply = await post(app, '/v1/analysis/det', { matrix: [[1, 2], [3, 4]] });
    expect(reply.status).toBe(200);
    expect(reply.body.det).toBeCloseTo(-2, 13);
    expect(reply.body.sign).toBe(-1);
  });
});


describe.skipIf(!native)('native engine in parallel workers', () => {
  let app: FastifyInstance;

  beforeAll(async () => {
    app = await makeApp({ linalgEngine: 'native', workerThreads: 3 });
  });

  afterAll(async () => {
    await app.close();
  });

  it('gives identical results concurrently', async () => {
    // Three workers call OpenBLAS at once; each call must run on its own thread without sharing state.
    const matrices = Array.from({ length: 6 }, (_, index) => toRows(randomMatrix(120, 80, seededRandom(500 + (index % 2)))));
    const replies = await Promise.all(matrices.map((matrix) => post(app, '/v1/decompositions/svd', { matrix })));
    for (const reply of replies) expect(reply.status).toBe(200);
    for (let index = 2; index < replies.length; index++) {
      expect(replies[index]!.body.u).toEqual(replies[index % 2]!.body.u);
      expect(replies[index]!.body.s).toEqual(replies[index % 2]!.body.s);
    }
  });
});
