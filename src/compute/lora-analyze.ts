/**
 * Spectrum of a LoRA update ΔW = s·B·A (out×in), float64, from the factors (lora-factors.ts) or from a dense ΔW.
 *
 * - singular values of ΔW, descending;
 * - effective rank exp(H(p)), H the Shannon entropy of pᵢ = σᵢ / Σσ: 1 for a rank-1 update, k for k equal
 *   singular values;
 * - energy captured by the top r singular values, Σ_{i≤r} σᵢ² / Σ σᵢ², and the cumulative energy for every k;
 * - numerical rank: singular values above σmax·max(out, in)·ε (numpy's matrix_rank default);
 * - parameter counts: the dense update has out·in parameters, a rank-r adapter r·(out + in).
 */

import { type Dense, EPSILON, scale } from './dense.js';
import type { LinalgEngine } from './engine.js';
import { productSvd } from './lora-factors.js';
import { singularValues } from './svd.js';

export interface LoraAnalysis {
  shape: [number, number];
  singularValues: Float64Array;
  effectiveRank: number;
  numericalRank: number;
  rank: number;
  energyTopRank: number;
  cumulativeEnergy: number[];
  frobeniusNorm: number;
  parameters: { dense: number; lowRank: number; ratio: number };
}

/** Analyses ΔW = s·B·A, with `rank` the r of the energy figure and the parameter count (default A's rows). */
export function analyzeFactors(engine: LinalgEngine, b: Dense, a: Dense, factorScale: number, rank = a.rows): LoraAnalysis {
  const { s } = productSvd(engine, scale(b, factorScale), a);
  return summarise(s, b.rows, a.cols, rank);
}

/** Analyses a dense ΔW (out×in) with the rank r to compare against. */
export function analyzeDense(engine: LinalgEngine, delta: Dense, rank: number): LoraAnalysis {
  return summarise(singularValues(engine, delta), delta.rows, delta.cols, rank);
}

function summarise(s: Float64Array, out: number, inFeatures: number, rank: number): LoraAnalysis {
  const total = s.reduce((sum, value) => sum + value, 0);
  let entropy = 0;
  for (const value of s) {
    if (value <= 0) continue;
    const p = value / total;
    entropy -= p * Math.log(p);
  }

  const energies = Array.from(s, (value) => value * value);
  const energyTotal = energies.reduce((sum, value) => sum + value, 0);
  const cumulativeEnergy: number[] = [];
  let running = 0;
  for (const energy of energies) {
    running += energy;
    cumulativeEnergy.push(energyTotal === 0 ? 0 : running / energyTotal);
  }

  const threshold = (s[0] ?? 0) * Math.max(out, inFeatures) * EPSILON;
  const numericalRank = s.filter((value) => value > threshold).length;
  const dense = out * inFeatures;
  const lowRank = rank * (out + inFeatures);
  const topRank = Math.min(rank, cumulativeEnergy.length);

  return {
    shape: [out, inFeatures],
    singularValues: s,
    effectiveRank: total === 0 ? 0 : Math.exp(entropy),
    numericalRank,
    rank,
    energyTopRank: topRank === 0 ? 0 : cumulativeEnergy[topRank - 1]!,
    cumulativeEnergy,
    frobeniusNorm: Math.sqrt(energyTotal),
    parameters: { dense, lowRank, ratio: lowRank / dense },
  };
}
