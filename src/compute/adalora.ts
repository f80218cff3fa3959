/**
 * AdaLoRA-style rank allocation: given the updates ΔW_l of several layers and a total rank budget, keep the
 * singular triplets with the highest importance across all layers, so that layers whose update carries more energy
 * get more rank.
 *
 * AdaLoRA (Zhang et al., ICLR 2023) parameterises ΔW = P·Λ·Q during training and prunes triplets by a smoothed
 * sensitivity score |w·∂L/∂w|. Only the updates are posted here, with no gradients, so the importance of a triplet
 * is its singular value. `magnitude` ranks σ_i across layers directly. `relative` ranks σ_i² / ‖ΔW_l‖²_F, the share
 * of its layer's energy, so that layers of different scale compete on equal terms.
 *
 * Each layer is ΔW: out×in, given whole or as LoRA factors ΔW = B·A with B: out×r and A: r×in (the PEFT
 * convention). Factors are never multiplied out: with B = Q_B·R_B and Aᵀ = Q_A·R_A (reduced QR), the singular values
 * of ΔW are those of the small core R_B·R_Aᵀ.
 */

import { DomainError } from '../errors.js';
import { type Dense, matmul, scaleColumns, transpose } from './dense.js';
import type { LinalgEngine } from './engine.js';
import { countAbove, resolveTolerance } from './tolerance.js';

export type LayerUpdate = { deltaW: Dense } | { a: Dense; b: Dense };
export type Importance = 'magnitude' | 'relative';

export interface AllocationOptions {
  budget: number;
  importance: Importance;
  /** Rank every layer keeps before the budget is shared out (capped by the layer's numerical rank). */
  minRank: number;
  /** Return the truncated factors B_l: out×r_l and A_l: r_l×in of each layer. */
  returnFactors: boolean;
}

export interface LayerAllocation {
  shape: [number, number];
  rank: number;
  /** Singular values above the numerical-rank tolerance σmax·max(out, in)·ε; only these can be allocated. */
  numericalRank: number;
  singularValues: Float64Array;
  /** Σ_{i<rank} σ_i² / Σ σ_i²; 1 for a zero update. */
  energyKept: number;
  /** ‖ΔW − ΔW_rank‖_F = √(Σ_{i≥rank} σ_i²), the Eckart–Young error. */
  truncationError: number;
  factors?: { b: Dense; a: Dense };
}

export interface AllocationResult {
  layers: LayerAllocation[];
  allocated: number;
  unusedBudget: number;
  /** Σ kept energy / Σ total energy over all layers. */
  energyKept: number;
  /** Importance of the last triplet kept beyond minRank, the pruning threshold; null when none was. */
  threshold: number | null;
}

interface Spectrum {
  shape: [number, number];
  s: Float64Array;
  u: Dense;
  v: Dense;
}

/** Allocates `budget` ranks across the layers by singular-value importance. */
export function allocateRanks(engine: LinalgEngine, layers: LayerUpdate[], options: AllocationOptions): AllocationResult {
  const spectra = layers.map((layer, index) => spectrumOf(engine, layer, index));
  const numericalRanks = spectra.map(({ s, shape }) => countAbove(s, resolveTolerance(s, shape[0], shape[1], {}).tolerance));
  const energies = spectra.map(({ s }) => s.reduce((sum, value) => sum + value * value, 0));

  const ranks = numericalRanks.map((available) => Math.min(options.minRank, available));
  const reserved = ranks.reduce((sum, rank) => sum + rank, 0);
  if (reserved > options.budget) {
    throw new DomainError('INVALID_PARAMETER', {
      path: '/budget',
      value: options.budget,
      reason: `minRank ${options.minRank} across ${layers.length} layers needs a budget of at least ${reserved}`,
    });
  }

  // Rank the remaining triplets by importance; within a layer σ descends, so every layer keeps a prefix.
  const candidates: { layer: number; index: number; score: number }[] = [];
  spectra.forEach(({ s }, layer) => {
    for (let index = ranks[layer]!; index < numericalRanks[layer]!; index++) {
      const score = options.importance === 'magnitude' ? s[index]! : (s[index]! * s[index]!) / energies[layer]!;
      candidates.push({ layer, index, score });
    }
  });
  candidates.sort((p, q) => q.score - p.score || p.layer - q.layer || p.index - q.index);

  const remaining = options.budget - reserved;
  const kept = candidates.slice(0, remaining);
  for (const candidate of kept) ranks[candidate.layer]!++;
  const threshold = kept.length > 0 ? kept[kept.length - 1]!.score : null;

  let keptEnergy = 0;
  let totalEnergy = 0;
  const allocations = spectra.map((spectrum, layer): LayerAllocation => {
    const rank = ranks[layer]!;
    const { s } = spectrum;
    let head = 0;
    for (let i = 0; i < rank; i++) head += s[i]! * s[i]!;
    const energy = energies[layer]!;
    keptEnergy += head;
    totalEnergy += energy;

    const allocation: LayerAllocation = {
      shape: spectrum.shape,
      rank,
      numericalRank: numericalRanks[layer]!,
      singularValues: s,
      energyKept: energy === 0 ? 1 : head / energy,
      truncationError: Math.sqrt(Math.max(0, tailEnergy(s, rank))),
    };
    if (options.returnFactors) allocation.factors = truncatedFactors(spectrum, rank);
    return allocation;
  });

  const allocated = ranks.reduce((sum, rank) => sum + rank, 0);
  return {
    layers: allocations,
    allocated,
    unusedBudget: options.budget - allocated,
    energyKept: totalEnergy === 0 ? 1 : keptEnergy / totalEnergy,
    threshold,
  };
}

function tailEnergy(s: Float64Array, rank: number): number {
  let tail = 0;
  for (let i = rank; i < s.length; i++) tail += s[i]! * s[i]!;
  return tail;
}

/** SVD of one layer's ΔW, from the matrix itself or from its LoRA factors without forming B·A. */
function spectrumOf(engine: LinalgEngine, layer: LayerUpdate, index: number): Spectrum {
  if ('deltaW' in layer) {
    const { s, u, v } = engine.svd(layer.deltaW, 'thin');
    return { shape: [layer.deltaW.rows, layer.deltaW.cols], s, u: u!, v: v! };
  }

  const { a, b } = layer;
  if (b.cols !== a.rows) {
    throw new DomainError('SHAPE_MISMATCH', { reason: `B is ${b.rows}×${b.cols} and A is ${a.rows}×${a.cols}; B's columns must equal A's rows (the LoRA rank)`, path: `/layers/${index}/a` });
  }
  const left = engine.qr(b, 'reduced', false);
  const right = engine.qr(transpose(a), 'reduced', false);
  const core = matmul(left.r, transpose(right.r));
  const { s, u, v } = engine.svd(core, 'thin');
  return { shape: [b.rows, a.cols], s, u: matmul(left.q, u!), v: matmul(right.q, v!) };
}

/** B_r = U_r·Σ_r (out×r) and A_r = V_rᵀ (r×in), so that B_r·A_r is the best rank-r approximation of ΔW. */
function truncatedFactors(spectrum: Spectrum, rank: number): { b: Dense; a: Dense } {
  const { u, v, s } = spectrum;
  const leading = (m: Dense) => {
    const out = { rows: m.rows, cols: rank, data: new Float64Array(m.rows * rank) };
    for (let i = 0; i < m.rows; i++) out.data.set(m.data.subarray(i * m.cols, i * m.cols + rank), i * rank);
    return out;
  };
  return { b: scaleColumns(leading(u), s.subarray(0, rank)), a: transpose(leading(v)) };
}

