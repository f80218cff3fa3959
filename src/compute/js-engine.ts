/**
 * The pure-JavaScript float64 engine: ml-matrix for the dense SVD, symmetric eigensolver and LU of small square
 * problems, and Householder QR from this folder for everything rectangular.
 *
 * ml-matrix alone is not enough: its SVD of a wide matrix returns an incomplete null space and no full V, and it
 * slows sharply on tall inputs. So a tall A is first reduced by QR (A = Q·R, R: n×n), R is decomposed, and U is
 * rebuilt as Q·blockdiag(U_R, I), which also gives the complete U. A wide A is handled through Aᵀ.
 */

import { EigenvalueDecomposition, LuDecomposition, Matrix, SingularValueDecomposition } from 'ml-matrix';

import { type Dense, isZero, identity, matmul, transpose, zeros } from './dense.js';
import type { EighFactors, LinalgEngine, LuDeterminant, QrFactors, SvdFactors, SvdVectors } from './engine.js';
import { applyQ, columnMajorToDense, extractR, formQ, householderQr } from './householder.js';

export const jsEngine: LinalgEngine = {
  name: 'js',
  svd: svdJs,
  qr: qrJs,
  eigh: eighJs,
  slogdet: slogdetJs,
  matmul,
};

function svdJs(a: Dense, vectors: SvdVectors): SvdFactors {
  if (a.rows < a.cols) {
    const transposed = svdJs(transpose(a), vectors);
    return { s: transposed.s, u: transposed.v, v: transposed.u };
  }

  const m = a.rows;
  const n = a.cols;
  if (isZero(a)) {
    const s = new Float64Array(n);
    if (vectors === 'none') return { s };
    return { s, u: identity(m, vectors === 'full' ? m : n), v: identity(n) };
  }

  if (m === n) return svdSquare(a, vectors);

  const factors = householderQr(a, false);
  const r = extractR(factors, n);
  const inner = svdSquare(r, vectors === 'none' ? 'none' : 'thin');
  if (vectors === 'none') return { s: inner.s };

  // U = Q·blockdiag(U_R, I_{m−n}): place U_R in the top-left block, the identity below it, and apply Q.
  const width = vectors === 'full' ? m : n;
  const columnMajor = new Float64Array(m * width);
  const innerU = inner.u!;
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) columnMajor[j * m + i] = innerU.data[i * n + j]!;
  }
  for (let j = n; j < width; j++) columnMajor[j * m + j] = 1;
  applyQ(factors, columnMajor, width);

  return { s: inner.s, u: columnMajorToDense(columnMajor, m, width), v: inner.v! };
}

function svdSquare(a: Dense, vectors: SvdVectors): SvdFactors {
  const wantVectors = vectors !== 'none';
  const decomposition = new SingularValueDecomposition(toMatrix(a), {
    computeLeftSingularVectors: wantVectors,
    computeRightSingularVectors: wantVectors,
    autoTranspose: false,
  });
  const s = Float64Array.from(decomposition.diagonal);
  if (!wantVectors) return { s };
  return { s, u: fromMatrix(decomposition.leftSingularVectors), v: fromMatrix(decomposition.rightSingularVectors) };
}

function qrJs(a: Dense, mode: 'reduced' | 'complete', pivoting: boolean): QrFactors {
  const factors = householderQr(a, pivoting);
  const k = mode === 'complete' ? a.rows : Math.min(a.rows, a.cols);
  return { q: formQ(factors, k), r: extractR(factors, k), permutation: factors.permutation };
}

function eighJs(a: Dense): EighFactors {
  const n = a.rows;
  if (n === 1) return { values: Float64Array.of(a.data[0]!), vectors: identity(1) };
  if (isZero(a)) return { values: new Float64Array(n), vectors: identity(n) };

  const decomposition = new EigenvalueDecomposition(toMatrix(a), { assumeSymmetric: true });
  const values = Float64Array.from(decomposition.realEigenvalues);
  const vectors = fromMatrix(decomposition.eigenvectorMatrix);

  // tql2 returns ascending values already; sort anyway so the contract does not rest on that detail.
  const order = Array.from(values.keys()).sort((i, j) => values[i]! - values[j]!);
  const sortedVectors = zeros(n, n);
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) sortedVectors.data[i * n + j] = vectors.data[i * n + order[j]!]!;
  }
  return { values: Float64Array.from(order, (i) => values[i]!), vectors: sortedVectors };
}

function slogdetJs(a: Dense): LuDeterminant {
  const lu = new LuDecomposition(toMatrix(a));
  const upper = lu.upperTriangularMatrix;
  let sign = permutationParity(lu.pivotPermutationVector);
  let logAbsDet = 0;
  for (let i = 0; i < a.rows; i++) {
    const pivot = upper.get(i, i);
    if (pivot === 0) return { sign: 0, logAbsDet: -Infinity };
    if (pivot < 0) sign = -sign;
    logAbsDet += Math.log(Math.abs(pivot));
  }
  return { sign, logAbsDet };
}

/** +1 for an even permutation, −1 for an odd one, counted by cycles. */
function permutationParity(permutation: number[]): number {
  const seen = new Uint8Array(permutation.length);
  let parity = 1;
  for (let start = 0; start < permutation.length; start++) {
    if (seen[start]) continue;
    let length = 0;
    for (let i = start; !seen[i]; i = permutation[i]!) {
      seen[i] = 1;
      length++;
    }
    if (length % 2 === 0) parity = -parity;
  }
  return parity;
}

function toMatrix(a: Dense): Matrix {
  const matrix = new Matrix(a.rows, a.cols);
  for (let i = 0; i < a.rows; i++) {
    for (let j = 0; j < a.cols; j++) matrix.set(i, j, a.data[i * a.cols + j]!);
  }
  return matrix;
}

function fromMatrix(matrix: Matrix): Dense {
  const out = zeros(matrix.rows, matrix.columns);
  for (let i = 0; i < matrix.rows; i++) {
    for (let j = 0; j < matrix.columns; j++) out.data[i * matrix.columns + j] = matrix.get(i, j);
  }
  return out;
}
