/**
 * The native float64 engine: LAPACK through the N-API binding (dgesdd, dgeqrf/dgeqp3 + dorgqr, dsyevd, dgetrf),
 * the same routines numpy.linalg calls. It returns raw factors in the shapes of engine.ts; the callers apply the
 * sign rule and diag(R) ≥ 0, as for the JavaScript engine.
 *
 * A LAPACK failure that depends on the input (`info` > 0) becomes a DomainError from the catalogue:
 * CONVERGENCE_FAILURE for dgesdd, dsyevd and dgelsd, SINGULAR_MATRIX for dgesv, NOT_POSITIVE_DEFINITE for dpotrf.
 */

import { DomainError } from '../errors.js';
import type { Dense } from './dense.js';
import type { EighFactors, LinalgEngine, LuDeterminant, QrFactors, SvdFactors, SvdVectors } from './engine.js';
import type { NativeBinding } from './native-binding.js';

const JOBZ: Record<SvdVectors, 'N' | 'S' | 'A'> = { none: 'N', thin: 'S', full: 'A' };

/** Least-squares solution from dgelsd, with the singular values of A and the effective rank. */
export interface NativeLstsq {
  x: Dense;
  s: Float64Array;
  rank: number;
}

/** The LinalgEngine over LAPACK, plus the binding's routines that the interface does not cover yet. */
export interface NativeEngine extends LinalgEngine {
  /** X (n×k) with A·X = B for A: n×n and B: n×k (dgesv). Raises SINGULAR_MATRIX. */
  solve(a: Dense, b: Dense): Dense;
  /** Minimum-norm X (n×k) minimising ‖A·X − B‖_F for A: m×n, B: m×k (dgelsd); rcond < 0 means machine ε. */
  lstsq(a: Dense, b: Dense, rcond: number): NativeLstsq;
  /** Lower-triangular L with A = L·Lᵀ (dpotrf), reading the lower triangle of A. Raises NOT_POSITIVE_DEFINITE. */
  cholesky(a: Dense): Dense;
  /** A·B in float32 (sgemm), for A: m×k and B: k×n given as row-major Float32Arrays. */
  matmulFloat32(a: Float32Array, b: Float32Array, m: number, k: number, n: number): Float32Array;
}

export function createNativeEngine(binding: NativeBinding): NativeEngine {
  return {
    name: 'native',

    svd(a: Dense, vectors: SvdVectors): SvdFactors {
      const result = binding.svd(a.data, a.rows, a.cols, JOBZ[vectors]);
      checkConvergence(result.info, 'dgesdd', a);
      if (vectors === 'none') return { s: result.s };

      const uCols = vectors === 'full' ? a.rows : result.s.length;
      const vCols = vectors === 'full' ? a.cols : result.s.length;
      return { s: result.s, u: { rows: a.rows, cols: uCols, data: result.u! }, v: { rows: a.cols, cols: vCols, data: result.v! } };
    },

    qr(a: Dense, mode: 'reduced' | 'complete', pivoting: boolean): QrFactors {
      const result = binding.qr(a.data, a.rows, a.cols, mode === 'complete', pivoting);
      const k = mode === 'complete' ? a.rows : Math.min(a.rows, a.cols);
      return {
        q: { rows: a.rows, cols: k, data: result.q },
        r: { rows: k, cols: a.cols, data: result.r },
        permutation: result.permutation,
      };
    },

    eigh(a: Dense): EighFactors {
      const result = binding.eigh(a.data, a.rows);
      checkConvergence(result.info, 'dsyevd', a);
      return { values: result.values, vectors: { rows: a.rows, cols: a.rows, data: result.vectors } };
    },

    slogdet(a: Dense): LuDeterminant {
      const { sign, logAbsDet } = binding.slogdet(a.data, a.rows);
      return { sign, logAbsDet };
    },

    matmul(a: Dense, b: Dense): Dense {
      if (a.cols !== b.rows) throw new RangeError(`matmul: inner dimensions differ (${a.rows}×${a.cols} · ${b.rows}×${b.cols})`);
      return { rows: a.rows, cols: b.cols, data: binding.dgemm(a.data, b.data, a.rows, a.cols, b.cols) };
    },

    solve(a: Dense, b: Dense): Dense {
      const result = binding.solve(a.data, a.rows, b.data, b.cols);
      if (result.info > 0) throw new DomainError('SINGULAR_MATRIX', { path: '/matrix', pivot: result.info - 1 });
      return { rows: a.rows, cols: b.cols, data: result.x };
    },

    lstsq(a: Dense, b: Dense, rcond: number): NativeLstsq {
      const result = binding.lstsq(a.data, a.rows, a.cols, b.data, b.cols, rcond);
      checkConvergence(result.info, 'dgelsd', a);
      return { x: { rows: a.cols, cols: b.cols, data: result.x }, s: result.s, rank: result.rank };
    },

    cholesky(a: Dense): Dense {
      const result = binding.cholesky(a.data, a.rows);
      if (result.info > 0) throw new DomainError('NOT_POSITIVE_DEFINITE', { path: '/matrix', order: result.info });
      return { rows: a.rows, cols: a.rows, data: result.l };
    },

    matmulFloat32(a: Float32Array, b: Float32Array, m: number, k: number, n: number): Float32Array {
      return binding.sgemm(a, b, m, k, n);
    },
  };
}

function checkConvergence(info: number, routine: string, a: Dense): void {
  if (info > 0) throw new DomainError('CONVERGENCE_FAILURE', { path: '/matrix', routine, info, rows: a.rows, cols: a.cols });
}
