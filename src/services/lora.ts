/**
 * LoRA and DoRA use cases: merge, unmerge, combine and analyze. The services parse the wire-format inputs, run
 * the compute on the worker pool, and echo the conventions applied (layout, scaling flavour and scale, DoRA norm
 * axis, compute dtype).
 */

import type { Dense32 } from '../compute/arrays32.js';
import type { Dense } from '../compute/dense.js';
import type { DoraNormAxis, LoraAdapter, LoraLayout, LoraScaling } from '../compute/lora.js';
import { loraScale } from '../compute/lora.js';
import type { CombineMethod, MajoritySignMethod } from '../compute/lora-combine.js';
import { DomainError } from '../errors.js';
import type { LinalgDeps } from './linalg.js';
import { type Dtype, type WireFormat, encodeMatrix, encodeVector, parseMatrix } from './matrix-wire.js';
import { encodeBinary32, toFloat32 } from './tensor-wire.js';

export const LAYOUT_CONVENTION: Record<LoraLayout, string> = {
  out_in: 'weight is out×in (torch.nn.Linear); ΔW = s·B·A',
  in_out: 'weight is in×out (GPT-2 Conv1D, fan_in_fan_out); ΔW is added transposed, (s·B·A)ᵀ',
};

export const NORM_AXIS_CONVENTION: Record<DoraNormAxis, string> = {
  output: 'one norm per output feature: a row of the out×in weight (PEFT)',
  input: 'one norm per input feature: a column of the out×in weight',
};

interface DoraBody {
  magnitude: unknown;
  normAxis?: DoraNormAxis;
  weightNorm?: unknown;
}

interface AdapterBody {
  A: unknown;
  B: unknown;
  alpha: number;
  dora?: DoraBody;
}

interface MergeBody {
  weight: unknown;
  A?: unknown;
  B?: unknown;
  alpha?: number;
  dora?: DoraBody;
  adapters?: AdapterBody[];
  scaling?: LoraScaling;
  layout?: LoraLayout;
  format?: WireFormat;
}

function matrix32(deps: LinalgDeps, value: unknown, path: string): { matrix: Dense32; format: WireFormat } {
  const parsed = parseMatrix(value, path, { maxElements: deps.maxMatrixElements });
  return { matrix: { rows: parsed.matrix.rows, cols: parsed.matrix.cols, data: toFloat32(parsed.matrix.data, path) }, format: parsed.format };
}

function vector32(deps: LinalgDeps, value: unknown, path: string): Float32Array {
  const { matrix } = parseMatrix(value, path, { maxElements: deps.maxMatrixElements, allowVector: true });
  if (matrix.rows !== 1) throw new DomainError('INVALID_MATRIX', { path, value: `${matrix.rows}×${matrix.cols}`, reason: 'expected a vector: a flat array of numbers' });
  return toFloat32(matrix.data, path);
}

/** Parses the adapters of a merge or unmerge: the top-level A, B, alpha, dora, or the `adapters` list, not both. */
function parseAdapters(deps: LinalgDeps, body: MergeBody): { adapters: LoraAdapter[]; single: boolean } {
  const topLevel = body.A !== undefined || body.B !== undefined || body.alpha !== undefined || body.dora !== undefined;
  if (topLevel && body.adapters !== undefined) {
    throw new DomainError('INVALID_PARAMETER', { path: '/adapters', value: '[...]', reason: 'give either one adapter (A, B, alpha, dora) or the adapters list, not both' });
  }
  const single = body.adapters === undefined;
  const entries: { entry: Partial<AdapterBody>; path: string }[] = single ? [{ entry: body, path: '' }] : body.adapters!.map((entry, i) => ({ entry, path: `/adapters/${i}` }));
  if (entries.length === 0) throw new DomainError('INVALID_PARAMETER', { path: '/adapters', value: [], reason: 'give at least one adapter' });

  const adapters = entries.map(({ entry, path }) => {
    for (const name of ['A', 'B', 'alpha'] as const) {
      if (entry[name] === undefined) throw new DomainError('INVALID_REQUEST', { path: `${path}/${name}`, reason: `${name} is missing` });
    }
    const adapter: LoraAdapter = {
      a: matrix32(deps, entry.A, `${path}/A`).matrix,
      b: matrix32(deps, entry.B, `${path}/B`).matrix,
      alpha: entry.alpha!,
      path,
    };
    if (entry.dora !== undefined) {
      adapter.dora = {
        magnitude: vector32(deps, entry.dora.magnitude, `${path}/dora/magnitude`),
        normAxis: entry.dora.normAxis ?? 'output',
        ...(entry.dora.weightNorm === undefined ? {} : { weightNorm: vector32(deps, entry.dora.weightNorm, `${path}/dora/weightNorm`) }),
      };
    }
    return adapter;
  });
  return { adapters, single };
}

function encodeWeight(matrix: Dense32, format: WireFormat) {
  if (format === 'base64') return encodeBinary32(matrix.data, [matrix.rows, matrix.cols]);
  const rows: number[][] = [];
  for (let i = 0; i < matrix.rows; i++) rows.push(Array.from(matrix.data.subarray(i * matrix.cols, (i + 1) * matrix.cols)));
  return rows;
}

function encodeVector32(values: Float32Array, format: WireFormat) {
  return format === 'base64' ? encodeBinary32(values, [values.length]) : Array.from(values);
}

async function mergeOrUnmerge(deps: LinalgDeps, body: MergeBody, operation: 'loraMerge' | 'loraUnmerge') {
  const weight = matrix32(deps, body.weight, '/weight');
  const { adapters, single } = parseAdapters(deps, body);
  const layout = body.layout ?? 'out_in';
  const scaling = body.scaling ?? 'standard';

  const result = await deps.pool.run(operation, { weight: weight.matrix, layout, scaling, adapters, weightPath: '/weight' });

  const format = body.format ?? weight.format;
  const adapterEchoes = result.adapters.map((entry, i) => {
    const dora = adapters[i]!.dora;
    const weightNorm = 'weightNorm' in entry ? entry.weightNorm : undefined;
    return {
      rank: entry.rank,
      alpha: adapters[i]!.alpha,
      scale: entry.scale,
      ...(dora === undefined
        ? {}
        : { dora: { normAxis: dora.normAxis, normAxisRule: NORM_AXIS_CONVENTION[dora.normAxis], ...(weightNorm === undefined ? {} : { weightNorm: encodeVector32(weightNorm, format) }) } }),
    };
  });
  return {
    weight: encodeWeight(result.weight, format),
    shape: [result.weight.rows, result.weight.cols],
    layout,
    layoutRule: LAYOUT_CONVENTION[layout],
    scaling,
    scalingRule: scaling === 'standard' ? 's = alpha/r' : 's = alpha/√r (rsLoRA)',
    ...(single ? adapterEchoes[0]! : {}),
    adapters: adapterEchoes,
    computeDtype: 'float32',
    backend: result.backend,
  };
}

/** W' = W + s·B·A (LoRA) or m ⊙ (W + s·B·A)/‖W + s·B·A‖ (DoRA), in the weight's layout. */
export async function mergeService(deps: LinalgDeps, body: MergeBody) {
  return mergeOrUnmerge(deps, body, 'loraMerge');
}

/** Recovers W from a merged weight; DoRA needs dora.weightNorm from the merge reply. */
export async function unmergeService(deps: LinalgDeps, body: MergeBody) {
  return mergeOrUnmerge(deps, body, 'loraUnmerge');
}

interface CombineBody {
  method: CombineMethod;
  adapters: { A: unknown; B: unknown; alpha: number; weight?: number }[];
  scaling?: LoraScaling;
  rank?: number;
  density?: number;
  seed?: number;
  majoritySignMethod?: MajoritySignMethod;
  format?: WireFormat;
}

const EXACT_METHODS: readonly CombineMethod[] = ['cat', 'svd'];

export const LINEAR_WARNING =
  'method "linear" averages the factors (A = Σ √(wᵢsᵢ)·Aᵢ, B = Σ √(wᵢsᵢ)·Bᵢ), so B·A adds the cross terms Bᵢ·Aⱼ (i ≠ j) and is not Σ wᵢ·sᵢ·Bᵢ·Aᵢ; use "cat" or "svd" for the exact sum.';

function parse64(deps: LinalgDeps, value: unknown, path: string): { matrix: Dense; format: WireFormat; dtype: Dtype } {
  return parseMatrix(value, path, { maxElements: deps.maxMatrixElements });
}

export async function combineService(deps: LinalgDeps, body: CombineBody) {
  if (body.adapters.length === 0) throw new DomainError('INVALID_PARAMETER', { path: '/adapters', value: [], reason: 'give at least one adapter' });
  const parsed = body.adapters.map((adapter, i) => ({ a: parse64(deps, adapter.A, `/adapters/${i}/A`), b: parse64(deps, adapter.B, `/adapters/${i}/B`), adapter }));
  const scaling = body.scaling ?? 'standard';
  const seed = body.seed ?? 0;
  const majoritySignMethod = body.majoritySignMethod ?? 'total';

  const result = await deps.pool.run('loraCombine', {
    adapters: parsed.map(({ a, b, adapter }) => ({ a: a.matrix, b: b.matrix, alpha: adapter.alpha, weight: adapter.weight ?? 1 })),
    options: { method: body.method, scaling, rank: body.rank, density: body.density, seed, majoritySignMethod },
  });

  const format = body.format ?? parsed[0]!.a.format;
  const dtype = parsed[0]!.a.dtype;
  const usesDensity = body.method !== 'cat' && body.method !== 'svd' && body.method !== 'linear';
  return {
    method: body.method,
    A: encodeMatrix(result.a, format, dtype),
    B: encodeMatrix(result.b, format, dtype),
    rank: result.rank,
    alpha: result.alpha,
    scale: 1,
    scaling,
    resultRule: `the combined factors carry every scale and weight: load them with alpha = ${scaling === 'rslora' ? '√r' : 'r'} (scale 1)`,
    adapters: parsed.map(({ a, adapter }, i) => ({ rank: a.matrix.rows, alpha: adapter.alpha, weight: adapter.weight ?? 1, scale: result.scales[i]! })),
    exact: EXACT_METHODS.includes(body.method) && (body.method === 'cat' || result.truncationError === 0),
    deltaError: result.deltaError,
    ...(result.truncationError === undefined ? {} : { truncationError: result.truncationError, singularValues: Array.from(result.singularValues!) }),
    ...(body.method === 'linear' ? { warning: LINEAR_WARNING } : {}),
    ...(usesDensity ? { density: body.density, ...(body.method.startsWith('dare') ? { seed } : {}) } : {}),
    ...(body.method === 'ties' || body.method === 'dare_ties' ? { majoritySignMethod } : {}),
    computeDtype: 'float64',
  };
}

interface AnalyzeBody {
  A?: unknown;
  B?: unknown;
  alpha?: number;
  scaling?: LoraScaling;
  delta?: unknown;
  rank?: number;
}

export async function analyzeService(deps: LinalgDeps, body: AnalyzeBody) {
  const factors = body.A !== undefined || body.B !== undefined;
  if (factors === (body.delta !== undefined)) {
    throw new DomainError('INVALID_PARAMETER', { path: '/delta', value: body.delta === undefined ? null : '[...]', reason: 'give either the factors A and B (with alpha) or a dense delta, exactly one of them' });
  }

  if (body.delta !== undefined) {
    const delta = parse64(deps, body.delta, '/delta').matrix;
    const rank = body.rank ?? Math.min(delta.rows, delta.cols);
    const result = await deps.pool.run('loraAnalyzeDense', { delta: delta, rank });
    return { ...analysisReply(result), source: 'delta', computeDtype: 'float64' };
  }

  for (const name of ['A', 'B', 'alpha'] as const) {
    if (body[name] === undefined) throw new DomainError('INVALID_REQUEST', { path: `/${name}`, reason: `${name} is missing` });
  }
  const a = parse64(deps, body.A, '/A').matrix;
  const b = parse64(deps, body.B, '/B').matrix;
  if (b.cols !== a.rows) {
    throw new DomainError('SHAPE_MISMATCH', { path: '/B', reason: `B is ${b.rows}×${b.cols} and A is ${a.rows}×${a.cols}; B must be out×r and A r×in with the same r`, shapeA: [a.rows, a.cols], shapeB: [b.rows, b.cols] });
  }
  const scaling = body.scaling ?? 'standard';
  const scale = loraScale(body.alpha!, a.rows, scaling);
  const result = await deps.pool.run('loraAnalyzeFactors', { a, b, scale, rank: body.rank });
  return { ...analysisReply(result), source: 'factors', scaling, scale, computeDtype: 'float64' };
}

function analysisReply(result: {
  shape: [number, number];
  singularValues: Float64Array;
  effectiveRank: number;
  numericalRank: number;
  rank: number;
  energyTopRank: number;
  cumulativeEnergy: number[];
  frobeniusNorm: number;
  parameters: { dense: number; lowRank: number; ratio: number };
}) {
  return {
    shape: result.shape,
    singularValues: encodeVector(result.singularValues, 'json', 'float64'),
    effectiveRank: result.effectiveRank,
    effectiveRankRule: 'exp(H), H the Shannon entropy (nats) of σᵢ/Σσ',
    numericalRank: result.numericalRank,
    rank: result.rank,
    energyTopRank: result.energyTopRank,
    cumulativeEnergy: result.cumulativeEnergy,
    frobeniusNorm: result.frobeniusNorm,
    parameters: result.parameters,
  };
}
