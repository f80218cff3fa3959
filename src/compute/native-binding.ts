/**
 * Loader and types of the N-API binding over LAPACKE and CBLAS (native/src/binding.cc), built at `npm install`
 * when Debian's libopenblas-dev and liblapacke-dev are present.
 *
 * All matrices are row-major typed arrays with explicit dimensions. The routines return LAPACK's `info` unchanged
 * (0: success, > 0: the routine's documented failure) and throw a plain Error only for illegal arguments or an
 * allocation failure.
 */

import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface NativeBinding {
  /** dgesdd. u: m×(k or m), v: n×(k or n), row-major, present unless jobz is 'N'. */
  svd(a: Float64Array, m: number, n: number, jobz: 'N' | 'S' | 'A'): { info: number; s: Float64Array; u?: Float64Array; v?: Float64Array };
  /** dgeqrf or dgeqp3, then dorgqr. q: m×c, r: c×n with c = m (complete) or min(m, n); permutation 0-based. */
  qr(a: Float64Array, m: number, n: number, complete: boolean, pivoting: boolean): { info: number; q: Float64Array; r: Float64Array; permutation: Int32Array };
  /** dsyevd on the lower triangle. values ascending, vectors n×n with eigenvectors as columns. */
  eigh(a: Float64Array, n: number): { info: number; values: Float64Array; vectors: Float64Array };
  /** dgetrf. info > 0: an exactly zero pivot, returned as sign 0 and logAbsDet −Infinity. */
  slogdet(a: Float64Array, n: number): { info: number; sign: number; logAbsDet: number };
  /** dgesv: X (n×nrhs) with A·X = B. info > 0: A is singular. */
  solve(a: Float64Array, n: number, b: Float64Array, nrhs: number): { info: number; x: Float64Array };
  /** dgelsd: minimum-norm least squares, X: n×nrhs. rcond < 0 uses machine precision. info > 0: no convergence. */
  lstsq(a: Float64Array, m: number, n: number, b: Float64Array, nrhs: number, rcond: number): { info: number; x: Float64Array; s: Float64Array; rank: number };
  /** dpotrf: lower-triangular L with A = L·Lᵀ. info > 0: A is not positive definite. */
  cholesky(a: Float64Array, n: number): { info: number; l: Float64Array };
  /** cblas_dgemm: A (m×k) · B (k×n). */
  dgemm(a: Float64Array, b: Float64Array, m: number, k: number, n: number): Float64Array;
  /** cblas_sgemm: A (m×k) · B (k×n) in float32. */
  sgemm(a: Float32Array, b: Float32Array, m: number, k: number, n: number): Float32Array;
  /** The OpenBLAS build string and its thread count (always 1 once the binding is loaded). */
  blasInfo(): { config: string; threads: number };
}

export type NativeLoadResult = { binding: NativeBinding; error?: undefined } | { binding?: undefined; error: string };

const BINDING_FILE = path.join('native', 'build', 'Release', 'vectorspace_linalg.node');

let cached: NativeLoadResult | undefined;

/** Loads the binding once per thread; returns why it is unavailable instead of throwing. */
export function loadNativeBinding(): NativeLoadResult {
  cached ??= load();
  return cached;
}

function load(): NativeLoadResult {
  const file = findBindingFile();
  if (!file) return { error: `${BINDING_FILE} is not built (install libopenblas-dev and liblapacke-dev, then run npm install)` };

  // OpenBLAS reads this when the library is first loaded, and without it starts one idle thread per core. The
  // binding also sets one thread explicitly, because parallelism comes from the worker pool.
  process.env.OPENBLAS_NUM_THREADS = '1';
  try {
    return { binding: createRequire(import.meta.url)(file) as NativeBinding };
  } catch (error) {
    return { error: `${file} failed to load: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/** Looks for the built addon from this file upward, so the lookup works from src/ (tests) and from dist/src/. */
function findBindingFile(): string | undefined {
  let directory = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = path.join(directory, BINDING_FILE);
    if (existsSync(candidate)) return candidate;
    const parent = path.dirname(directory);
    if (parent === directory) return undefined;
    directory = parent;
  }
}
