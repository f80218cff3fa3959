/**
 * Cross-modal alignment: a linear map W from a source space to a target space, fitted on paired vectors so that
 * X·W ≈ Y. Row i of X: n×p (source) and row i of Y: n×q (target) describe the same item.
 *
 * Methods:
 * - `procrustes`: orthogonal Procrustes (Schönemann, 1966). Needs p = q. With XᵀY = U·Σ·Vᵀ (the cross-covariance of
 *   the training pairs, uncentred), W = U·Vᵀ minimises ‖X·W − Y‖_F over orthogonal W. With allowReflection false,
 *   the last column of U changes sign when det(U·Vᵀ) < 0, which gives the best rotation (Kabsch, 1976).
 * - `linear`: least squares with a ridge penalty, min ‖X·W − Y‖²_F + λ‖W‖²_F. From X = U·S·Vᵀ, W = V·diag(s/(s² + λ))·Uᵀ·Y.
 *   With λ = 0 this is the minimum-norm least-squares map, singular values ≤ σmax·max(n, p)·ε counting as zero.
 *
 * Vectors are used as given: neither centred nor normalised. The pairs are split once, seeded: a random
 * permutation puts round(n·testFraction) pairs in the held-out set (at least one when testFraction > 0), the rest
 * fit the map. Retrieval on the held-out set ranks, for each mapped source vector, all held-out target vectors
 * by cosine similarity. Top-k counts a hit when fewer than k other targets score at least as high as the true one,
 * so ties count against the query.
 */

import { DomainError } from '../errors.js';
import { type Dense, frobeniusNorm, matmul, matmulTransposeA, orthogonalityError, scaleColumns, subtract, transpose, zeros } from './dense.js';
import type { LinalgEngine } from './engine.js';
import { permutation, seededUniform } from './seeded-random.js';
import { countAbove, resolveTolerance } from './tolerance.js';

export type AlignmentMethod = 'procrustes' | 'linear';

export interface AlignmentOptions {
  method: AlignmentMethod;
  /** Ridge penalty λ ≥ 0 of the linear method; must be 0 for procrustes. */
  ridge: number;
  allowReflection: boolean;
  testFraction: number;
  seed: number;
}

export interface Residual {
  /** ‖X·W − Y‖_F over the set. */
  absolute: number;
  /** ‖X·W − Y‖_F / ‖Y‖_F, or the absolute value when Y is zero. */
  relative: number;
}

export interface Retrieval {
  top1: number;
  top5: number;
  /** Held-out pairs, each one query with the held-out targets as candidates. */
  queries: number;
  similarity: 'cosine';
}

export interface AlignmentResult {
  map: Dense;
  split: { seed: number; testFraction: number; trainSize: number; testSize: number; testIndices: number[] };
  trainResidual: Residual;
  testResidual: Residual | null;
  retrieval: Retrieval | null;
  /** Procrustes: singular values of XᵀY. Linear: singular values of the training X. */
  singularValues: Float64Array;
  /** Linear only: singular values of X above the tolerance (λ = 0) or all nonzero ones (λ > 0). */
  rank?: number;
  /** Procrustes only: max |WᵀW − I|. */
  orthogonalityError?: number;
  /** Procrustes only: whether det W = −1. */
  reflection?: boolean;
}

/** Fits the map on a seeded training split of the pairs and evaluates it on the held-out split. */
export function fitAlignment(engine: LinalgEngine, x: Dense, y: Dense, options: AlignmentOptions): AlignmentResult {
  checkPairs(x, y, options);

  const split = splitPairs(x.rows, options.testFraction, options.seed);
  const xTrain = selectRows(x, split.train);
  const yTrain = selectRows(y, split.train);

  const fitted = options.method === 'procrustes' ? procrustes(engine, xTrain, yTrain, options.allowReflection) : ridgeMap(engine, xTrain, yTrain, options.ridge);

  let testResidual: Residual | null = null;
  let retrieval: Retrieval | null = null;
  if (split.test.length > 0) {
    const xTest = selectRows(x, split.test);
    const yTest = selectRows(y, split.test);
    const mapped = matmul(xTest, fitted.map);
    testResidual = residual(mapped, yTest);
    retrieval = retrievalAccuracy(mapped, yTest);
  }

  return {
    ...fitted,
    split: {
      seed: options.seed,
      testFraction: options.testFraction,
      trainSize: split.train.length,
      testSize: split.test.length,
      testIndices: Array.from(split.test),
    },
    trainResidual: residual(matmul(xTrain, fitted.map), yTrain),
    testResidual,
    retrieval,
  };
}

/** Returns X·W, each row of X mapped into the target space. */
export function applyAlignment(map: Dense, vectors: Dense): Dense {
  if (vectors.cols !== map.rows) {
    throw new DomainError('SHAPE_MISMATCH', { reason: `the map is ${map.rows}×${map.cols}, so vectors need ${map.rows} columns, but they have ${vectors.cols}`, path: '/vectors' });
  }
  return matmul(vectors, map);
}

function checkPairs(x: Dense, y: Dense, options: AlignmentOptions): void {
  if (x.rows !== y.rows) {
    throw new DomainError('SHAPE_MISMATCH', { reason: `source has ${x.rows} vectors and target has ${y.rows}; pairs need one of each`, path: '/target' });
  }
  if (options.method === 'procrustes' && x.cols !== y.cols) {
    throw new DomainError('SHAPE_MISMATCH', {
      reason: `an orthogonal map needs equal dimensions, but source vectors have ${x.cols} and target vectors ${y.cols}; use method "linear"`,
      path: '/target',
    });
  }
  if (options.method === 'procrustes' && options.ridge !== 0) {
    throw new DomainError('INVALID_PARAMETER', { path: '/ridge', value: options.ridge, reason: 'the ridge penalty applies to method "linear" only' });
  }
  if (options.testFraction > 0 && x.rows < 2) {
    throw new DomainError('INVALID_PARAMETER', { path: '/testFraction', value: options.testFraction, reason: 'a held-out split needs at least two pairs; send more pairs or testFraction 0' });
  }
}

function splitPairs(n: number, testFraction: number, seed: number): { train: Int32Array; test: Int32Array } {
  if (testFraction === 0) return { train: Int32Array.from({ length: n }, (_, i) => i), test: new Int32Array(0) };

  const testSize = Math.min(n - 1, Math.max(1, Math.round(n * testFraction)));
  const order = permutation(n, seededUniform(seed));
  const test = Int32Array.from(order.subarray(0, testSize)).sort();
  const train = Int32Array.from(order.subarray(testSize)).sort();
  return { train, test };
}

function selectRows(a: Dense, indices: Int32Array): Dense {
  const out = zeros(indices.length, a.cols);
  indices.forEach((row, i) => out.data.set(a.data.subarray(row * a.cols, (row + 1) * a.cols), i * a.cols));
  return out;
}

function procrustes(engine: LinalgEngine, x: Dense, y: Dense, allowReflection: boolean) {
  const crossCovariance = matmulTransposeA(x, y);
  const { s, u, v } = engine.svd(crossCovariance, 'full');
  let map = matmul(u!, transpose(v!));

  const reflection = engine.slogdet(map).sign < 0;
  if (reflection && !allowReflection) {
    const flip = new Float64Array(u!.cols).fill(1);
    flip[flip.length - 1] = -1;
    map = matmul(scaleColumns(u!, flip), transpose(v!));
  }

  return {
    map,
    singularValues: s,
    orthogonalityError: orthogonalityError(map),
    reflection: reflection && allowReflection,
  };
}

function ridgeMap(engine: LinalgEngine, x: Dense, y: Dense, ridge: number) {
  const { s, u, v } = engine.svd(x, 'thin');
  const tolerance = resolveTolerance(s, x.rows, x.cols, {}).tolerance;
  const rank = ridge === 0 ? countAbove(s, tolerance) : countAbove(s, 0);
  const shrink = Float64Array.from(s, (value, i) => (i < rank ? value / (value * value + ridge) : 0));

  // W = V·diag(shrink)·(Uᵀ·Y), right to left so that no p×n matrix is formed.
  const projected = matmulTransposeA(u!, y);
  const scaled = transpose(scaleColumns(transpose(projected), shrink));
  return { map: matmul(v!, scaled), singularValues: s, rank };
}

function residual(predicted: Dense, target: Dense): Residual {
  const absolute = frobeniusNorm(subtract(predicted, target));
  const reference = frobeniusNorm(target);
  return { absolute, relative: reference === 0 ? absolute : absolute / reference };
}

function retrievalAccuracy(mapped: Dense, targets: Dense): Retrieval {
  const n = mapped.rows;
  const d = mapped.cols;
  const queries = rowNorms(mapped);
  const candidates = rowNorms(targets);

  let top1 = 0;
  let top5 = 0;
  for (let i = 0; i < n; i++) {
    const similarity = (j: number) => cosine(mapped.data, i * d, targets.data, j * d, d, queries[i]!, candidates[j]!);
    const truth = similarity(i);
    let atLeastAsHigh = 0;
    for (let j = 0; j < n; j++) if (j !== i && similarity(j) >= truth) atLeastAsHigh++;
    if (atLeastAsHigh < 1) top1++;
    if (atLeastAsHigh < 5) top5++;
  }
  return { top1: top1 / n, top5: top5 / n, queries: n, similarity: 'cosine' };
}

function rowNorms(a: Dense): Float64Array {
  const norms = new Float64Array(a.rows);
  for (let i = 0; i < a.rows; i++) norms[i] = frobeniusNorm({ rows: 1, cols: a.cols, data: a.data.subarray(i * a.cols, (i + 1) * a.cols) });
  return norms;
}

/** Cosine similarity, taken as 0 when either vector is zero. */
function cosine(a: Float64Array, aOffset: number, b: Float64Array, bOffset: number, d: number, normA: number, normB: number): number {
  if (normA === 0 || normB === 0) return 0;
  let dot = 0;
  for (let j = 0; j < d; j++) dot += a[aOffset + j]! * b[bOffset + j]!;
  return dot / (normA * normB);
}
