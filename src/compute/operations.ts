/**
 * The operations the worker pool can run, by name. Each takes an engine and plain, structured-cloneable arguments
 * (Dense matrices and numbers), so the same table serves the worker threads and direct calls in tests. Long
 * operations also take an optional progress reporter as a third argument, which the worker connects to the caller.
 */

import type { Dense } from './dense.js';
import type { LinalgEngine } from './engine.js';
import { det } from './det.js';
import { type Symmetrize, eigh } from './eigh.js';
import { type GramSchmidtOptions, gramSchmidt } from './gram-schmidt.js';
import { lstsq } from './lstsq.js';
import { type NormOrder, cond, matrixNorm } from './norms.js';
import { type LsaFitOptions, fitLsa } from './lsa/fit.js';
import { embedTexts } from './lsa/embed.js';
import { type CachedEmbedArgs, embedWithCachedModel } from './lsa/embedder-cache.js';
import type { LsaModel } from './lsa/model.js';
import { pinv } from './pinv.js';
import type { ProgressReporter } from './progress.js';
import { type QrOptions, qr } from './qr.js';
import { fundamentalSubspaces, nullspace, rank } from './subspaces.js';
import { type SvdOptions, svd } from './svd.js';
import type { ToleranceOptions } from './tolerance.js';
import { coordinatesInBasis, dimension, extractBasis, independence } from './bases.js';
import { type ChangeOfBasisOptions, changeOfBasis } from './change-of-basis.js';
import { cosineSimilarity } from './cosine-similarity.js';
import { innerProducts } from './inner-products.js';
import { type AllcloseOptions, linearityOfMatrix, linearityOfSamples } from './linearity.js';
import { compose, inverse } from './linear-maps.js';
import { type PcaOptions, pca } from './pca.js';
import { principalAngles } from './principal-angles.js';
import { membership, projection } from './span.js';
import { directSum, sumAndIntersection } from './subspace-sum.js';
import { superposition } from './superposition.js';
import { type AllocationOptions, type LayerUpdate, allocateRanks } from './adalora.js';
import { fitAffineMap, type ShrinkTarget } from './affine-map.js';
import { type AlignmentOptions, applyAlignment, fitAlignment } from './alignment.js';
import { type KMeansOptions, kmeans, kmeansSelectK } from './kmeans.js';
import { type AdapterUpdate, type ProtectedInput, projectAdapter } from './lora-null.js';
import { type Nf4Quantized, checkQuantized, dequantizeNf4, mergeError, quantizationError, quantizeNf4 } from './nf4.js';
import { type FourierVariant, analyzeFourier, analyzeSinusoidal } from './positional.js';
import type { NdArray32, Dense32 } from './arrays32.js';
import { type AttentionOptions, scaledDotProductAttention } from './attention.js';
import { type MultiHeadAttentionInput, multiHeadAttention } from './multi-head-attention.js';
import { type LoraAdapter, type LoraLayout, type LoraScaling, mergeLora, unmergeLora } from './lora.js';
import { type CombineAdapter, type CombineOptions, combineAdapters } from './lora-combine.js';
import { analyzeDense, analyzeFactors } from './lora-analyze.js';
import { type ProbeOptions, type ProbeSet, trainProbe } from './relational-probe.js';
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
  independence: (engine: LinalgEngine, args: { a: Dense } & ToleranceOptions) => independence(engine, args.a, args),
  basis: (engine: LinalgEngine, args: { a: Dense } & ToleranceOptions) => extractBasis(engine, args.a, args),
  coordinates: (engine: LinalgEngine, args: { basis: Dense; vectors: Dense; residualRtol?: number } & ToleranceOptions) =>
    coordinatesInBasis(engine, args.basis, args.vectors, args),
  dimension: (engine: LinalgEngine, args: { a: Dense } & ToleranceOptions) => dimension(engine, args.a, args),
  membership: (engine: LinalgEngine, args: { u: Dense; vectors: Dense; residualRtol?: number } & ToleranceOptions) => membership(engine, args.u, args.vectors, args),
  projection: (engine: LinalgEngine, args: { u: Dense; vectors: Dense; includeProjector?: boolean } & ToleranceOptions) =>
    projection(engine, args.u, args.vectors, args),
  subspaceSum: (engine: LinalgEngine, args: { u: Dense; w: Dense } & ToleranceOptions) => sumAndIntersection(engine, args.u, args.w, args),
  directSum: (engine: LinalgEngine, args: { u: Dense; w: Dense; vectors?: Dense; residualRtol?: number } & ToleranceOptions) =>
    directSum(engine, args.u, args.w, args.vectors, args),
  principalAngles: (engine: LinalgEngine, args: { u: Dense; w: Dense } & ToleranceOptions) => principalAngles(engine, args.u, args.w, args),
  changeOfBasis: (engine: LinalgEngine, args: { from: Dense; to: Dense } & ChangeOfBasisOptions) => changeOfBasis(engine, args.from, args.to, args),
  compose: (_engine: LinalgEngine, args: { maps: Dense[] }) => ({ matrix: compose(args.maps) }),
  inverse: (engine: LinalgEngine, args: { a: Dense } & ToleranceOptions) => inverse(engine, args.a, args),
  linearityOfMatrix: (_engine: LinalgEngine, args: { a: Dense; probes?: number; seed?: number } & AllcloseOptions) => linearityOfMatrix(args.a, args),
  linearityOfSamples: (engine: LinalgEngine, args: { inputs: Dense; outputs: Dense } & AllcloseOptions) =>
    linearityOfSamples(engine, args.inputs, args.outputs, args),
  innerProducts: (_engine: LinalgEngine, args: { x: Float64Array; y: Float64Array; weights?: Float64Array }) => innerProducts(args.x, args.y, args.weights),
  cosineSimilarity: (_engine: LinalgEngine, args: { vectors: Dense; top: number; includeMatrix: boolean }) => cosineSimilarity(args.vectors, args),
  superposition: (_engine: LinalgEngine, args: { features: Dense; sparsity?: number; includeGram: boolean }) => superposition(args.features, args),
  pca: (engine: LinalgEngine, args: { data: Dense } & PcaOptions) => pca(engine, args.data, args),
  kmeans: (_engine: LinalgEngine, args: { x: Dense; k: number } & KMeansOptions) => kmeans(args.x, args.k, args),
  kmeansSelectK: (_engine: LinalgEngine, args: { x: Dense; kRange: [number, number] } & KMeansOptions) => kmeansSelectK(args.x, args.kRange, args),
  alignmentFit: (engine: LinalgEngine, args: { x: Dense; y: Dense } & AlignmentOptions) => fitAlignment(engine, args.x, args.y, args),
  affineMapFit: (engine: LinalgEngine, args: { s: Dense; o: Dense; ridge: number; shrinkTo: ShrinkTarget }) => fitAffineMap(engine, args.s, args.o, args.ridge, args.shrinkTo),
  alignmentApply: (_engine: LinalgEngine, args: { map: Dense; vectors: Dense }) => ({ mapped: applyAlignment(args.map, args.vectors) }),
  adaloraAllocate: (engine: LinalgEngine, args: { layers: LayerUpdate[] } & AllocationOptions) => allocateRanks(engine, args.layers, args),
  nf4Quantize: (_engine: LinalgEngine, args: { w: Dense; blockSize: number; lora?: { b: Dense; a: Dense; scaling: number } }) => {
    const quantized = quantizeNf4(args.w, args.blockSize);
    const dequantized = dequantizeNf4(quantized);
    const merge = args.lora === undefined ? undefined : mergeError(args.w, dequantized, args.lora.b, args.lora.a, args.lora.scaling, args.blockSize);
    return { quantized, dequantized, error: quantizationError(args.w, dequantized), merge };
  },
  nf4Dequantize: (_engine: LinalgEngine, args: { quantized: Nf4Quantized }) => {
    checkQuantized(args.quantized);
    return { dequantized: dequantizeNf4(args.quantized) };
  },
  loraNullProject: (engine: LinalgEngine, args: { update: AdapterUpdate; input: ProtectedInput }) => projectAdapter(engine, args.update, args.input),
  sinusoidal: (_engine: LinalgEngine, args: { positions: number[]; dimension: number; base: number }) => analyzeSinusoidal(args.positions, args.dimension, args.base),
  randomFourier: (
    _engine: LinalgEngine,
    args: { x: Dense; features: number; lengthScale: number; variant: FourierVariant; seed: number; positions?: number[] },
  ) => analyzeFourier(args.x, args.features, args.lengthScale, args.variant, args.seed, args.positions),
  attention: async (_engine: LinalgEngine, args: { q: NdArray32; k: NdArray32; v: NdArray32; options: AttentionOptions }) => {
    const { tf, backend } = await loadTfjs();
    return { ...scaledDotProductAttention(tf, args.q, args.k, args.v, args.options), backend };
  },
  multiHeadAttention: async (_engine: LinalgEngine, args: MultiHeadAttentionInput) => {
    const { tf, backend } = await loadTfjs();
    return { ...multiHeadAttention(tf, args), backend };
  },
  relationalProbe: async (_engine: LinalgEngine, args: { train: ProbeSet; test?: ProbeSet; options: ProbeOptions }) => {
    const { tf, backend } = await loadTfjs();
    return { ...trainProbe(tf, args.train, args.test, args.options), backend };
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
  fitLsa: (engine: LinalgEngine, args: { texts: string[] } & LsaFitOptions, report?: ProgressReporter) => fitLsa(engine, args.texts, args, report),
  embedLsa: (_engine: LinalgEngine, args: { model: LsaModel; texts: string[] }) => ({ embeddings: embedTexts(args.model, args.texts) }),
  /** Embeds with a stored embedder kept in this worker; see lsa/embedder-cache.ts for the two-step protocol. */
  embedLsaCached: (_engine: LinalgEngine, args: CachedEmbedArgs) => embedWithCachedModel(args),
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
