/**
 * The operations the worker pool can run, by name. Each takes an engine and plain, structured-cloneable arguments
 * (Dense matrices and numbers), so the same table serves the worker threads and direct calls in tests.
 */

import type { Dense } from './dense.js';
import type { LinalgEngine } from './engine.js';
import { det } from './det.js';
import { type Symmetrize, eigh } from './eigh.js';
import { type GramSchmidtOptions, gramSchmidt } from './gram-schmidt.js';
import { lstsq } from './lstsq.js';
import { type NormOrder, cond, matrixNorm } from './norms.js';
import { pinv } from './pinv.js';
import { type QrOptions, qr } from './qr.js';
import { fundamentalSubspaces, nullspace, rank } from './subspaces.js';
import { type SvdOptions, svd } from './svd.js';
import type { ToleranceOptions } from './tolerance.js';
import type { NdArray32, Dense32 } from './arrays32.js';
import { type AttentionOptions, scaledDotProductAttention } from './attention.js';
import { type MultiHeadAttentionInput, multiHeadAttention } from './multi-head-attention.js';
import { type LoraAdapter, type LoraLayout, type LoraScaling, mergeLora, unmergeLora } from './lora.js';
import { type CombineAdapter, type CombineOptions, combineAdapters } from './lora-combine.js';
import { analyzeDense, analyzeFactors } from './lora-analyze.js';
import { loadTfjs, tfjsMemory } from './tfjs-backend.js';

interface LoraMergeArgs {
  weight: Dense32;
  layout: LoraLayout;
  scaling: LoraScaling;
  adapters: LoraAdapter[];
  weightPath: string;
}

export const operations = {
  svd: (engine: LinalgEngine, args: { a: Dense } & SvdOptions) => svd(engine, args.a, args),
  qr: (engine: LinalgEngine, args: { a: Dense } & QrOptions) => qr(engine, args.a, args),
  eigh: (engine: LinalgEngine, args: { a: Dense; symmetrize: Symmetrize }) => eigh(engine, args.a, args.symmetrize),
  rank: (engine: LinalgEngine, args: { a: Dense } & ToleranceOptions) => rank(engine, args.a, args),
  nullspace: (engine: LinalgEngine, args: { a: Dense } & ToleranceOptions) => nullspace(engine, args.a, args),
  subspaces: (engine: LinalgEngine, args: { a: Dense } & ToleranceOptions) => fundamentalSubspaces(engine, args.a, args),
  gramSchmidt: (_engine: LinalgEngine, args: { a: Dense } & GramSchmidtOptions) => gramSchmidt(args.a, args),
  lstsq: (engine: LinalgEngine, args: { a: Dense; b: Dense } & ToleranceOptions) => lstsq(engine, args.a, args.b, args),
  pinv: (engine: LinalgEngine, args: { a: Dense } & ToleranceOptions) => pinv(engine, args.a, args),
  det: (engine: LinalgEngine, args: { a: Dense }) => det(engine, args.a),
  cond: (engine: LinalgEngine, args: { a: Dense; order: NormOrder }) => cond(engine, args.a, args.order),
  norm: (engine: LinalgEngine, args: { a: Dense; order: NormOrder }) => ({ norm: matrixNorm(engine, args.a, args.order) }),
  attention: async (_engine: LinalgEngine, args: { q: NdArray32; k: NdArray32; v: NdArray32; options: AttentionOptions }) => {
    const { tf, backend } = await loadTfjs();
    return { ...scaledDotProductAttention(tf, args.q, args.k, args.v, args.options), backend };
  },
  multiHeadAttention: async (_engine: LinalgEngine, args: MultiHeadAttentionInput) => {
    const { tf, backend } = await loadTfjs();
    return { ...multiHeadAttention(tf, args), backend };
  },
  loraMerge: async (_engine: LinalgEngine, args: LoraMergeArgs) => {
    const { tf, backend } = await loadTfjs();
    return { ...mergeLora(tf, args.weight, args.layout, args.scaling, args.adapters, args.weightPath), backend };
  },
  loraUnmerge: async (_engine: LinalgEngine, args: LoraMergeArgs) => {
    const { tf, backend } = await loadTfjs();
    return { ...unmergeLora(tf, args.weight, args.layout, args.scaling, args.adapters, args.weightPath), backend };
  },
  loraCombine: (engine: LinalgEngine, args: { adapters: CombineAdapter[]; options: CombineOptions }) => combineAdapters(engine, args.adapters, args.options),
  loraAnalyzeFactors: (engine: LinalgEngine, args: { a: Dense; b: Dense; scale: number; rank?: number }) => analyzeFactors(engine, args.b, args.a, args.scale, args.rank),
  loraAnalyzeDense: (engine: LinalgEngine, args: { delta: Dense; rank: number }) => analyzeDense(engine, args.delta, args.rank),
  /** The TensorFlow.js backend of the worker that runs it, initialising TensorFlow.js there if needed. */
  tfjsBackend: async (_engine: LinalgEngine, _args: Record<string, never>) => {
    const { backend, skipped } = await loadTfjs();
    return { backend, skipped };
  },
  /** Live TensorFlow.js tensors of the worker that runs it; tests check that requests release their tensors. */
  tfjsMemory: (_engine: LinalgEngine, _args: Record<string, never>) => tfjsMemory(),
  /** Busy-waits for `ms` milliseconds; lets tests and drills hold a worker without depending on input sizes. */
  sleep: (_engine: LinalgEngine, args: { ms: number }) => {
    const until = Date.now() + args.ms;
    while (Date.now() < until) {
      // Spin: a worker stuck in compute is what the time limit must handle.
    }
    return { slept: args.ms };
  },
};

export type OperationName = keyof typeof operations;
export type OperationArgs<N extends OperationName> = Parameters<(typeof operations)[N]>[1];
export type OperationResult<N extends OperationName> = ReturnType<(typeof operations)[N]>;
