/**
 * Use cases of the low-rank methods that followed LoRA: AdaLoRA-style rank allocation, QLoRA NF4 quantisation, and
 * LoRA-Null / InfLoRA-style projection of an adapter away from a protected input subspace.
 */

import type { Importance, LayerUpdate } from '../compute/adalora.js';
import type { AdapterUpdate, ProtectedInput } from '../compute/lora-null.js';
import { NF4_LEVELS } from '../compute/nf4.js';
import { DomainError } from '../errors.js';
import type { LinalgDeps } from './linalg.js';
import { type ParsedMatrix, type WireFormat, encodeMatrix } from './matrix-wire.js';
import { parseInput, replyFormat } from './request-matrices.js';

interface UpdateInput {
  deltaW?: unknown;
  a?: unknown;
  b?: unknown;
}

/** Parses an update given as deltaW or as factors a and b (exactly one form); `prefix` is its JSON pointer. */
function parseUpdate(deps: LinalgDeps, input: UpdateInput, prefix: string): { update: LayerUpdate; first: ParsedMatrix } {
  const hasMatrix = input.deltaW !== undefined;
  const hasFactors = input.a !== undefined || input.b !== undefined;
  if (hasMatrix === hasFactors) {
    throw new DomainError('INVALID_REQUEST', { path: `${prefix}/deltaW`, reason: 'give the update either as deltaW or as the factors a and b' });
  }
  if (hasMatrix) {
    const parsed = parseInput(deps, input.deltaW, `${prefix}/deltaW`);
    return { update: { deltaW: parsed.matrix }, first: parsed };
  }
  if (input.a === undefined || input.b === undefined) {
    throw new DomainError('INVALID_REQUEST', { path: `${prefix}/${input.a === undefined ? 'a' : 'b'}`, reason: 'the factor form needs both a (r×in) and b (out×r)' });
  }
  const b = parseInput(deps, input.b, `${prefix}/b`);
  const a = parseInput(deps, input.a, `${prefix}/a`);
  return { update: { a: a.matrix, b: b.matrix }, first: b };
}

export interface AllocateRequest {
  layers: (UpdateInput & { name?: string })[];
  budget: number;
  importance?: Importance;
  minRank?: number;
  returnFactors?: boolean;
  format?: WireFormat;
}

export async function adaloraAllocateService(deps: LinalgDeps, body: AllocateRequest) {
  const parsedLayers = body.layers.map((layer, index) => parseUpdate(deps, layer, `/layers/${index}`));
  const options = { budget: body.budget, importance: body.importance ?? ('magnitude' as const), minRank: body.minRank ?? 0, returnFactors: body.returnFactors ?? false };
  const result = await deps.pool.run('adaloraAllocate', { layers: parsedLayers.map(({ update }) => update), ...options });

  const out = replyFormat(parsedLayers[0]?.first, body.format);
  return {
    budget: options.budget,
    importance: options.importance,
    minRank: options.minRank,
    allocated: result.allocated,
    unusedBudget: result.unusedBudget,
    energyKept: result.energyKept,
    threshold: result.threshold,
    layers: result.layers.map((layer, index) => ({
      name: body.layers[index]!.name ?? `layer${index}`,
      shape: layer.shape,
      rank: layer.rank,
      numericalRank: layer.numericalRank,
      energyKept: layer.energyKept,
      truncationError: layer.truncationError,
      singularValues: Array.from(layer.singularValues),
      ...(layer.factors === undefined ? {} : { b: encodeMatrix(layer.factors.b, out.format, out.dtype), a: encodeMatrix(layer.factors.a, out.format, out.dtype) }),
    })),
  };
}

export interface Nf4Request {
  weight?: unknown;
  blockSize?: number;
  lora?: { a: unknown; b: unknown; scaling?: number };
  codes?: number[];
  absmax?: number[];
  shape?: [number, number];
  format?: WireFormat;
}

const NF4_DEFAULT_BLOCK_SIZE = 64;

export async function nf4Service(deps: LinalgDeps, body: Nf4Request) {
  const blockSize = body.blockSize ?? NF4_DEFAULT_BLOCK_SIZE;
  if ((body.weight === undefined) === (body.codes === undefined)) {
    throw new DomainError('INVALID_REQUEST', { path: '/weight', reason: 'give weight (to quantise) or codes with absmax and shape (to de-quantise)' });
  }
  if (body.codes !== undefined) return nf4DequantizeOnly(deps, body, blockSize);

  const weight = parseInput(deps, body.weight, '/weight');
  const lora =
    body.lora === undefined
      ? undefined
      : { b: parseInput(deps, body.lora.b, '/lora/b').matrix, a: parseInput(deps, body.lora.a, '/lora/a').matrix, scaling: body.lora.scaling ?? 1 };
  const result = await deps.pool.run('nf4Quantize', { w: weight.matrix, blockSize, lora });

  const out = replyFormat(weight, body.format);
  return {
    shape: [weight.matrix.rows, weight.matrix.cols],
    blockSize,
    blocks: result.quantized.absmax.length,
    layout: 'row-major values; block b covers values b·blockSize … (b + 1)·blockSize − 1',
    codes: Array.from(result.quantized.codes),
    absmax: Array.from(result.quantized.absmax),
    levels: NF4_LEVELS,
    bitsPerValue: 4 + 32 / blockSize,
    dequantized: encodeMatrix(result.dequantized, out.format, out.dtype),
    error: result.error,
    ...(result.merge === undefined ? {} : { merge: { scaling: lora!.scaling, ...result.merge } }),
  };
}

async function nf4DequantizeOnly(deps: LinalgDeps, body: Nf4Request, blockSize: number) {
  if (body.absmax === undefined || body.shape === undefined) {
    throw new DomainError('INVALID_REQUEST', { path: body.absmax === undefined ? '/absmax' : '/shape', reason: 'de-quantisation needs codes, absmax and shape' });
  }
  if (body.lora !== undefined) {
    throw new DomainError('INVALID_REQUEST', { path: '/lora', reason: 'the merge error needs the float weight; send weight instead of codes' });
  }
  const [rows, cols] = body.shape;
  if (rows * cols > deps.maxMatrixElements) throw new DomainError('MATRIX_TOO_LARGE', { path: '/shape', elements: rows * cols, limit: deps.maxMatrixElements });

  const quantized = { rows, cols, blockSize, codes: Uint8Array.from(body.codes!), absmax: Float64Array.from(body.absmax) };
  const result = await deps.pool.run('nf4Dequantize', { quantized });
  const out = replyFormat(undefined, body.format);
  return { shape: [rows, cols], blockSize, dequantized: encodeMatrix(result.dequantized, out.format, out.dtype) };
}

export interface ProjectRequest extends UpdateInput {
  activations?: unknown;
  rank?: number;
  energy?: number;
  basis?: unknown;
  format?: WireFormat;
}

export async function nullSpaceProjectService(deps: LinalgDeps, body: ProjectRequest) {
  const { update, first } = parseUpdate(deps, body, '');
  if ((body.activations === undefined) === (body.basis === undefined)) {
    throw new DomainError('INVALID_REQUEST', { path: '/activations', reason: 'give the protected subspace either as activations (one input vector per row) or as basis (columns)' });
  }
  if (body.basis !== undefined && (body.rank !== undefined || body.energy !== undefined)) {
    throw new DomainError('INVALID_REQUEST', { path: body.rank !== undefined ? '/rank' : '/energy', reason: 'rank and energy select a subspace of the activations; a posted basis is used whole' });
  }

  const input: ProtectedInput =
    body.basis !== undefined
      ? { basis: parseInput(deps, body.basis, '/basis').matrix }
      : { activations: parseInput(deps, body.activations, '/activations').matrix, rank: body.rank, energy: body.energy };
  const result = await deps.pool.run('loraNullProject', { update: update as AdapterUpdate, input });

  const out = replyFormat(first, body.format);
  const projected = 'deltaW' in result.projected ? { deltaW: encodeMatrix(result.projected.deltaW, out.format, out.dtype) } : { a: encodeMatrix(result.projected.a, out.format, out.dtype) };
  return {
    projection: 'ΔW′ = ΔW·(I − U·Uᵀ); for factors A′ = A·(I − U·Uᵀ) and B is unchanged',
    subspace: {
      source: body.basis !== undefined ? 'basis' : 'activations',
      dimension: result.dimension,
      energyCaptured: result.energyCaptured,
      basis: encodeMatrix(result.basis, out.format, out.dtype),
      layout: 'columns',
    },
    interference: {
      measure: body.basis !== undefined ? '‖ΔW·U‖_F / ‖U‖_F' : '‖ΔW·Xᵀ‖_F / ‖X‖_F',
      before: result.interferenceBefore,
      after: result.interferenceAfter,
    },
    updateKept: result.updateKept,
    ...projected,
  };
}
