/**
 * Combining several LoRA adapters of one layer into one, in float64 on the factors (never the out×in product).
 *
 * Adapter i has A: r×in, B: out×r, scale sᵢ (alpha/r or alpha/√r) and weight wᵢ. The exact combined update is
 * ΔW = Σ wᵢ·sᵢ·Bᵢ·Aᵢ. Methods:
 * - "cat": exact; B = [w₁s₁B₁ | w₂s₂B₂ | …], A = [A₁; A₂; …], rank Σ rᵢ.
 * - "svd": exact ΔW truncated to a target rank k by its SVD (B = U_k·Σ_k, A = V_kᵀ, as PEFT), with the truncation
 *   error ‖ΔW − B·A‖_F = √(Σ_{j>k} σⱼ²).
 * - "linear": PEFT's factor-space average A = Σ √(wᵢsᵢ)·Aᵢ, B = Σ √(wᵢsᵢ)·Bᵢ. B·A contains the cross terms
 *   √(wᵢsᵢwⱼsⱼ)·Bᵢ·Aⱼ (i ≠ j), so it is not ΔW unless there is one adapter.
 * - "ties", "dare_linear", "dare_ties", "magnitude_prune": PEFT's task-arithmetic merges (peft.utils.merge_utils),
 *   applied to the A factors and the B factors separately with weights √(wᵢsᵢ). magnitude_prune keeps the
 *   ⌊density·n⌋ entries of largest magnitude of each factor, the lower index first on ties. DARE keeps each entry
 *   with probability `density` and rescales the kept ones by 1/density. TIES prunes by magnitude and elects a sign
 *   per entry from the sum of the pruned factors ("total") or of their signs ("frequency"). It then averages the
 *   weighted entries that agree with that sign.
 * The factor-space methods need adapters of equal rank and weights with wᵢ·sᵢ ≥ 0.
 *
 * The result carries its scale in its factors: it is an adapter with s = 1 (alpha = r for "standard" scaling,
 * alpha = √r for "rslora").
 */

import { DomainError } from '../errors.js';
import { type Dense, leadingColumns, scale, scaleColumns, transpose } from './dense.js';
import type { LinalgEngine } from './engine.js';
import { type LoraScaling, loraScale } from './lora.js';
import { concatenateFactors, productDifferenceNorm, productFrobeniusNorm, productSvd } from './lora-factors.js';
// mulberry32: the same seed gives the same DARE masks on every platform.
import { seededUniform } from './seeded-random.js';

export type CombineMethod = 'cat' | 'svd' | 'linear' | 'ties' | 'dare_linear' | 'dare_ties' | 'magnitude_prune';
export type MajoritySignMethod = 'total' | 'frequency';

export const COMBINE_METHODS = ['cat', 'svd', 'linear', 'ties', 'dare_linear', 'dare_ties', 'magnitude_prune'] as const;

export interface CombineAdapter {
  a: Dense;
  b: Dense;
  alpha: number;
  weight: number;
}

export interface CombineOptions {
  method: CombineMethod;
  scaling: LoraScaling;
  /** Target rank of "svd"; default the largest adapter rank. */
  rank?: number;
  /** Fraction of entries kept by the pruning methods, in (0, 1]. */
  density?: number;
  /** Seed of the DARE random masks. */
  seed: number;
  majoritySignMethod: MajoritySignMethod;
}

export interface CombineResult {
  a: Dense;
  b: Dense;
  rank: number;
  /** alpha that gives the result scale 1 under the requested scaling. */
  alpha: number;
  /** Per input adapter, the scale sᵢ applied. */
  scales: number[];
  /** ‖B·A − ΔW‖_F against the exact ΔW = Σ wᵢ·sᵢ·Bᵢ·Aᵢ, absolute and relative to ‖ΔW‖_F. */
  deltaError: { absolute: number; relative: number };
  /** "svd": the Eckart–Young truncation error and the singular values of ΔW. */
  truncationError?: number;
  singularValues?: Float64Array;
}

const FACTOR_SPACE_METHODS: readonly CombineMethod[] = ['linear', 'ties', 'dare_linear', 'dare_ties', 'magnitude_prune'];

export function combineAdapters(engine: LinalgEngine, adapters: CombineAdapter[], options: CombineOptions): CombineResult {
  checkShapes(adapters, options.method);
  const scales = adapters.map((adapter) => loraScale(adapter.alpha, adapter.a.rows, options.scaling));
  const exact = concatenateFactors(adapters.map((adapter, i) => ({ b: scale(adapter.b, adapter.weight * scales[i]!), a: adapter.a })));

  let combined: { a: Dense; b: Dense };
  let truncation: Pick<CombineResult, 'truncationError' | 'singularValues'> = {};
  if (options.method === 'cat') {
    combined = exact;
  } else if (options.method === 'svd') {
    const result = truncatedSvd(engine, exact, options.rank ?? Math.max(...adapters.map((adapter) => adapter.a.rows)), adapters[0]!);
    combined = result.factors;
    truncation = { truncationError: result.truncationError, singularValues: result.singularValues };
  } else {
    combined = factorSpaceMerge(adapters, scales, options);
  }

  const reference = productFrobeniusNorm(engine, exact.b, exact.a);
  const absolute = productDifferenceNorm(engine, combined, exact);
  const rank = combined.a.rows;
  return {
    a: combined.a,
    b: combined.b,
    rank,
    alpha: options.scaling === 'rslora' ? Math.sqrt(rank) : rank,
    scales,
    deltaError: { absolute, relative: reference === 0 ? absolute : absolute / reference },
    ...truncation,
  };
}

function checkShapes(adapters: CombineAdapter[], method: CombineMethod): void {
  const first = adapters[0]!;
  const out = first.b.rows;
  const inFeatures = first.a.cols;
  adapters.forEach((adapter, i) => {
    const { a, b } = adapter;
    const mismatch = (path: string, reason: string) => new DomainError('SHAPE_MISMATCH', { path, reason, shapeA: [a.rows, a.cols], shapeB: [b.rows, b.cols] });
    if (b.cols !== a.rows) throw mismatch(`/adapters/${i}/B`, `adapter ${i}: B is ${b.rows}×${b.cols} and A is ${a.rows}×${a.cols}; B must be out×r and A r×in with the same r`);
    if (b.rows !== out || a.cols !== inFeatures) {
      throw mismatch(`/adapters/${i}`, `adapter ${i} has ΔW = B·A of shape ${b.rows}×${a.cols}, but adapter 0 has ${out}×${inFeatures}; all adapters must belong to the same layer`);
    }
    if (FACTOR_SPACE_METHODS.includes(method) && a.rows !== first.a.rows) {
      throw mismatch(`/adapters/${i}/A`, `adapter ${i} has rank ${a.rows} but adapter 0 has rank ${first.a.rows}; method "${method}" adds factors entry by entry and needs equal ranks (use "cat" or "svd")`);
    }
  });
}

function truncatedSvd(engine: LinalgEngine, exact: { a: Dense; b: Dense }, target: number, first: CombineAdapter) {
  const maxRank = Math.min(first.b.rows, first.a.cols);
  if (!Number.isInteger(target) || target < 1 || target > maxRank) {
    throw new DomainError('INVALID_PARAMETER', { path: '/rank', value: target, reason: `the target rank must be an integer from 1 to min(out, in) = ${maxRank}` });
  }

  const { u, s, v } = productSvd(engine, exact.b, exact.a);
  const k = Math.min(target, s.length);
  let tail = 0;
  for (let j = k; j < s.length; j++) tail += s[j]! ** 2;

  const factors = { b: scaleColumns(leadingColumns(u, k), s.subarray(0, k)), a: transpose(leadingColumns(v, k)) };
  return { factors, truncationError: Math.sqrt(tail), singularValues: s };
}

function factorSpaceMerge(adapters: CombineAdapter[], scales: number[], options: CombineOptions): { a: Dense; b: Dense } {
  const weights = adapters.map((adapter, i) => {
    const product = adapter.weight * scales[i]!;
    if (product < 0) {
      throw new DomainError('INVALID_PARAMETER', {
        path: `/adapters/${i}/weight`,
        value: adapter.weight,
        reason: `method "${options.method}" scales both factors by √(weight·scale), so weight·scale must be ≥ 0 (it is ${product}); use "cat" or "svd" for negative weights`,
      });
    }
    return Math.sqrt(product);
  });
  if (options.method !== 'linear' && options.density === undefined) {
    throw new DomainError('INVALID_PARAMETER', { path: '/density', value: null, reason: `method "${options.method}" needs density, the fraction of entries kept, in (0, 1]` });
  }

  const random = seededUniform(options.seed);
  const mergeFactor = (factors: Float64Array[]) => mergeTaskTensors(factors, weights, options, random);
  const a = mergeFactor(adapters.map((adapter) => adapter.a.data));
  const b = mergeFactor(adapters.map((adapter) => adapter.b.data));
  const first = adapters[0]!;
  return { a: { rows: first.a.rows, cols: first.a.cols, data: a }, b: { rows: first.b.rows, cols: first.b.cols, data: b } };
}

/** PEFT's merge_utils on flat tensors t₁…tₙ with weights ωᵢ. The random stream is consumed A factors first, then B. */
function mergeTaskTensors(tensors: Float64Array[], weights: number[], options: CombineOptions, random: () => number): Float64Array {
  const density = options.density ?? 1;
  let pruned = tensors;
  if (options.method === 'ties' || options.method === 'magnitude_prune') pruned = tensors.map((t) => magnitudePrune(t, density));
  if (options.method === 'dare_linear' || options.method === 'dare_ties') pruned = tensors.map((t) => randomPrune(t, density, random));

  const length = tensors[0]!.length;
  const out = new Float64Array(length);
  if (options.method !== 'ties' && options.method !== 'dare_ties') {
    pruned.forEach((t, i) => {
      for (let j = 0; j < length; j++) out[j]! += weights[i]! * t[j]!;
    });
    return out;
  }

  // TIES: elect a sign per entry, then average the weighted entries that agree with it (disjoint merge).
  for (let j = 0; j < length; j++) {
    let election = 0;
    for (const t of pruned) election += options.majoritySignMethod === 'total' ? t[j]! : Math.sign(t[j]!);
    const majority = election >= 0 ? 1 : -1;
    let sum = 0;
    let count = 0;
    pruned.forEach((t, i) => {
      if (Math.sign(t[j]!) !== majority) return;
      sum += weights[i]! * t[j]!;
      count++;
    });
    out[j] = sum / Math.max(count, 1);
  }
  return out;
}

/** Keeps the ⌊density·n⌋ entries of largest magnitude (the lower index first on equal magnitudes). */
function magnitudePrune(values: Float64Array, density: number): Float64Array {
  if (density >= 1) return values;
  const keep = Math.floor(density * values.length);
  const order = Array.from(values.keys()).sort((i, j) => Math.abs(values[j]!) - Math.abs(values[i]!) || i - j);
  const out = new Float64Array(values.length);
  for (let rank = 0; rank < keep; rank++) out[order[rank]!] = values[order[rank]!]!;
  return out;
}

/** DARE: keeps each entry with probability `density` and rescales the kept ones by 1/density. */
function randomPrune(values: Float64Array, density: number, random: () => number): Float64Array {
  if (density >= 1) return values;
  const out = new Float64Array(values.length);
  for (let j = 0; j < values.length; j++) if (random() < density) out[j] = values[j]! / density;
  return out;
}
