/**
 * LoRA-Null / InfLoRA-style projection of an adapter away from a protected input subspace, so that the update
 * leaves the layer's response to those inputs unchanged.
 *
 * With an orthonormal basis U: n×k of the protected subspace of the layer's input space (n = in), the projection
 * is ΔW' = ΔW·(I − U·Uᵀ). Then ΔW'·x = 0 for every x in span(U). Given as LoRA factors ΔW = B·A (B: out×r,
 * A: r×in), only A is projected, A' = A·(I − U·Uᵀ), as InfLoRA constrains A. LoRA-Null likewise builds A from the
 * null space of the activations.
 *
 * The protected subspace comes from posted activations X: m×n (one input vector per row), or from a posted basis.
 * From activations it is spanned by leading right singular vectors of X. By default these are all of them above the
 * numerical-rank tolerance σmax·max(m, n)·ε, which gives the exact null-space projection. `rank` keeps the first
 * `rank` of them, and `energy` the fewest whose Σσ² reaches that fraction (the threshold rule of gradient projection
 * memory).
 *
 * Interference is ‖ΔW·Xᵀ‖_F / ‖X‖_F over the activations, or ‖ΔW·U‖_F / ‖U‖_F = ‖ΔW·U‖_F / √k for a posted basis.
 */

import { DomainError } from '../errors.js';
import { type Dense, frobeniusNorm, leadingColumns, matmul, matmulTransposeA, subtract, transpose } from './dense.js';
import type { LinalgEngine } from './engine.js';
import { countAbove, resolveTolerance } from './tolerance.js';

export type AdapterUpdate = { deltaW: Dense } | { a: Dense; b: Dense };
export type ProtectedInput = { activations: Dense; rank?: number; energy?: number } | { basis: Dense };

export interface ProjectionResult {
  /** The projected ΔW' (whole-matrix input) or A' (factor input). */
  projected: { deltaW: Dense } | { a: Dense };
  /** Orthonormal basis of the protected subspace, as columns: in×k. */
  basis: Dense;
  dimension: number;
  /** From activations: Σ_{i<k} σ_i² / Σ σ_i² of X, the share of its energy the subspace holds; null for a basis. */
  energyCaptured: number | null;
  interferenceBefore: number;
  interferenceAfter: number;
  /** ‖ΔW'‖_F / ‖ΔW‖_F, the share of the update that survives; null when ΔW = 0. */
  updateKept: number | null;
}

export function projectAdapter(engine: LinalgEngine, update: AdapterUpdate, input: ProtectedInput): ProjectionResult {
  const inputDimension = 'deltaW' in update ? update.deltaW.cols : checkedFactors(update);
  const { basis, energyCaptured, probe } = protectedBasis(engine, input, inputDimension);

  // Work on the matrix that gets projected: ΔW itself, or A (ΔW = B·A, and B is left alone).
  const target = 'deltaW' in update ? update.deltaW : update.a;
  const projectedTarget = subtract(target, matmul(matmul(target, basis), transpose(basis)));

  const responseNorm = (m: Dense) => ('deltaW' in update ? frobeniusNorm(matmul(m, probe)) : frobeniusNorm(matmul(update.b, matmul(m, probe))));
  const probeNorm = frobeniusNorm(probe);
  const before = updateNorm(update, target);
  const after = updateNorm(update, projectedTarget);

  return {
    projected: 'deltaW' in update ? { deltaW: projectedTarget } : { a: projectedTarget },
    basis,
    dimension: basis.cols,
    energyCaptured,
    interferenceBefore: probeNorm === 0 ? 0 : responseNorm(target) / probeNorm,
    interferenceAfter: probeNorm === 0 ? 0 : responseNorm(projectedTarget) / probeNorm,
    updateKept: before === 0 ? null : after / before,
  };
}

function checkedFactors(update: { a: Dense; b: Dense }): number {
  if (update.b.cols !== update.a.rows) {
    throw new DomainError('SHAPE_MISMATCH', { reason: `B is ${update.b.rows}×${update.b.cols} and A is ${update.a.rows}×${update.a.cols}; B's columns must equal A's rows (the LoRA rank)`, path: '/a' });
  }
  return update.a.cols;
}

/** ‖ΔW‖_F, for factors as ‖B·A‖_F² = Σ (BᵀB) ∘ (A·Aᵀ), which needs only r×r products. */
function updateNorm(update: AdapterUpdate, target: Dense): number {
  if ('deltaW' in update) return frobeniusNorm(target);
  const left = matmulTransposeA(update.b, update.b);
  const right = matmul(target, transpose(target));
  let sum = 0;
  for (let i = 0; i < left.data.length; i++) sum += left.data[i]! * right.data[i]!;
  return Math.sqrt(Math.max(0, sum));
}

/** Builds the protected basis U (in×k) and the probe matrix P (in×m) whose columns measure interference. */
function protectedBasis(engine: LinalgEngine, input: ProtectedInput, inputDimension: number): { basis: Dense; energyCaptured: number | null; probe: Dense } {
  if ('basis' in input) {
    if (input.basis.rows !== inputDimension) {
      throw new DomainError('SHAPE_MISMATCH', { reason: `the basis has ${input.basis.rows} rows, but the adapter's input dimension is ${inputDimension}`, path: '/basis' });
    }
    // Orthonormalise the posted columns through the SVD, dropping dependent directions.
    const { s, u } = engine.svd(input.basis, 'thin');
    const k = countAbove(s, resolveTolerance(s, input.basis.rows, input.basis.cols, {}).tolerance);
    const basis = leadingColumns(u!, k);
    return { basis, energyCaptured: null, probe: basis };
  }

  const x = input.activations;
  if (x.cols !== inputDimension) {
    throw new DomainError('SHAPE_MISMATCH', { reason: `activations have ${x.cols} columns, but the adapter's input dimension is ${inputDimension}`, path: '/activations' });
  }
  const { s, v } = engine.svd(x, 'thin');
  const numericalRank = countAbove(s, resolveTolerance(s, x.rows, x.cols, {}).tolerance);
  const k = subspaceDimension(s, numericalRank, input);

  let total = 0;
  let head = 0;
  s.forEach((value, i) => {
    total += value * value;
    if (i < k) head += value * value;
  });
  return { basis: leadingColumns(v!, k), energyCaptured: total === 0 ? 1 : head / total, probe: transpose(x) };
}

function subspaceDimension(s: Float64Array, numericalRank: number, input: { rank?: number; energy?: number }): number {
  if (input.rank !== undefined && input.energy !== undefined) {
    throw new DomainError('INVALID_PARAMETER', { path: '/energy', value: input.energy, reason: 'give either rank or energy, not both' });
  }
  if (input.rank !== undefined) {
    if (input.rank > numericalRank) {
      throw new DomainError('INVALID_PARAMETER', { path: '/rank', value: input.rank, reason: `the activations have numerical rank ${numericalRank}, so rank must be at most that` });
    }
    return input.rank;
  }
  if (input.energy !== undefined) {
    let total = 0;
    for (const value of s) total += value * value;
    let head = 0;
    for (let k = 0; k < numericalRank; k++) {
      head += s[k]! * s[k]!;
      if (head >= input.energy * total) return k + 1;
    }
  }
  return numericalRank;
}
