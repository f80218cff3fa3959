/**
 * Attention use cases: parse the N-D inputs and masks, check sizes, run the float32 TensorFlow.js kernels on the
 * worker pool, and echo every convention that was applied (mask kind, causal alignment, scale, GQA head mapping).
 */

import { type Dense32, shapeSize, transpose32 } from '../compute/arrays32.js';
import type { AdditiveMask, CausalAlignment } from '../compute/attention-masks.js';
import type { Projection } from '../compute/multi-head-attention.js';
import { DomainError } from '../errors.js';
import type { LinalgDeps } from './linalg.js';
import { type WireFormat, parseMatrix } from './matrix-wire.js';
import { type MaskKind, encodeNdArray, parseMask, parseNdArray, toFloat32 } from './tensor-wire.js';

export const DEFAULT_ALIGNMENT: CausalAlignment = 'topLeft';

export const MASK_CONVENTION =
  'Mask kinds: "allow" true = the key takes part (PyTorch boolean attn_mask); "block" true = the key is masked ' +
  '(PyTorch key_padding_mask); "additive" values are added to the scaled scores, "-inf" masks.';

export const ALIGNMENT_CONVENTION: Record<CausalAlignment, string> = {
  topLeft: 'query i attends keys j ≤ i (PyTorch is_causal)',
  bottomRight: 'query i attends keys j ≤ i + S − L: queries are the last L positions (flash-attn ≥ 2.1, KV cache)',
};

/** Fully masked rows listed in a reply at most; the count is always exact. */
const MAX_LISTED_ROWS = 1000;

interface MaskEcho {
  kind: MaskKind;
  shape: number[];
}

interface CommonAttentionBody {
  mask?: unknown;
  causal?: boolean;
  alignment?: CausalAlignment;
  scale?: number;
  returnWeights?: boolean;
  format?: WireFormat;
}

function resolveCausal(body: CommonAttentionBody): CausalAlignment | null {
  if (body.causal !== true) {
    if (body.alignment !== undefined) {
      throw new DomainError('INVALID_PARAMETER', { path: '/alignment', value: body.alignment, reason: 'alignment applies only to the causal mask; set causal: true or omit alignment' });
    }
    return null;
  }
  return body.alignment ?? DEFAULT_ALIGNMENT;
}

function causalEcho(alignment: CausalAlignment | null) {
  return { causal: alignment !== null, alignment, ...(alignment === null ? {} : { alignmentRule: ALIGNMENT_CONVENTION[alignment] }) };
}

function fullyMaskedEcho(rows: number[][]) {
  return {
    fullyMaskedRows: rows.slice(0, MAX_LISTED_ROWS),
    fullyMaskedRowCount: rows.length,
    ...(rows.length > MAX_LISTED_ROWS ? { fullyMaskedRowsTruncated: true } : {}),
  };
}

/** Rejects a head whose L×S scores matrix exceeds the matrix limit, because the kernels hold it in memory. */
function checkScoresSize(deps: LinalgDeps, L: number, S: number): void {
  if (L * S > deps.maxMatrixElements) {
    throw new DomainError('RESULT_TOO_LARGE', { elements: L * S, limit: deps.maxMatrixElements, hint: `the scores of one head (L×S = ${L}×${S}) are too large; split the queries into chunks` });
  }
}

function checkWeightsSize(deps: LinalgDeps, elements: number): void {
  if (elements > deps.maxMatrixElements) {
    throw new DomainError('RESULT_TOO_LARGE', { elements, limit: deps.maxMatrixElements, hint: 'the weights [..., L, S] are too large to return; set returnWeights: false' });
  }
}

export async function scaledDotProductService(
  deps: LinalgDeps,
  body: CommonAttentionBody & { query: unknown; key: unknown; value: unknown },
) {
  const query = parseNdArray(body.query, '/query', deps.maxMatrixElements);
  const key = parseNdArray(body.key, '/key', deps.maxMatrixElements);
  const value = parseNdArray(body.value, '/value', deps.maxMatrixElements);
  const alignment = resolveCausal(body);
  const masks: AdditiveMask[] = [];
  let maskEcho: MaskEcho | null = null;
  if (body.mask !== undefined) {
    const mask = parseMask(body.mask, '/mask', deps.maxMatrixElements);
    masks.push(mask);
    maskEcho = { kind: mask.kind, shape: mask.shape };
  }
  const returnWeights = body.returnWeights ?? false;
  if (query.array.shape.length >= 2 && key.array.shape.length >= 2) {
    const S = key.array.shape[key.array.shape.length - 2]!;
    checkScoresSize(deps, query.array.shape[query.array.shape.length - 2]!, S);
    if (returnWeights) checkWeightsSize(deps, shapeSize(query.array.shape.slice(0, -1)) * S);
  }

  const result = await deps.pool.run('attention', {
    q: query.array,
    k: key.array,
    v: value.array,
    options: { scale: body.scale, causal: alignment, masks, returnWeights },
  });

  const format = body.format ?? query.format;
  const { shapes } = result;
  return {
    output: encodeNdArray(result.output, format),
    shape: result.output.shape,
    ...(result.weights === undefined ? {} : { weights: encodeNdArray(result.weights, format), weightsShape: result.weights.shape }),
    scale: result.scale,
    scaleRule: body.scale === undefined ? '1/√d (default)' : 'given',
    ...causalEcho(alignment),
    mask: maskEcho,
    maskConvention: MASK_CONVENTION,
    gqa:
      shapes.groupSize === 1
        ? null
        : { queryHeads: shapes.queryHeads, keyValueHeads: shapes.keyValueHeads, groupSize: shapes.groupSize, mapping: 'key/value head = floor(query head / groupSize)' },
    ...fullyMaskedEcho(result.fullyMaskedRows),
    computeDtype: 'float32',
    backend: result.backend,
  };
}

interface MultiHeadBody extends CommonAttentionBody {
  input: unknown;
  keyInput?: unknown;
  valueInput?: unknown;
  wQ: unknown;
  wK: unknown;
  wV: unknown;
  wO: unknown;
  bQ?: unknown;
  bK?: unknown;
  bV?: unknown;
  bO?: unknown;
  numHeads: number;
  numKeyValueHeads?: number;
  keyPaddingMask?: unknown;
  layout?: 'out_in' | 'in_out';
}

export async function multiHeadService(deps: LinalgDeps, body: MultiHeadBody) {
  const input = parseNdArray(body.input, '/input', deps.maxMatrixElements);
  // keyInput defaults to input (self-attention), and valueInput to keyInput.
  const keyInput = body.keyInput === undefined ? input : parseNdArray(body.keyInput, '/keyInput', deps.maxMatrixElements);
  const valueInput = body.valueInput === undefined ? keyInput : parseNdArray(body.valueInput, '/valueInput', deps.maxMatrixElements);
  const layout = body.layout ?? 'out_in';
  const projection = (weight: unknown, bias: unknown, name: string): Projection => ({
    weight: toDense32(deps, weight, `/${name}`, layout),
    bias: bias === undefined ? null : toVector32(deps, bias, `/${name.replace('w', 'b')}`),
    path: `/${name}`,
  });
  const wQ = projection(body.wQ, body.bQ, 'wQ');
  const wK = projection(body.wK, body.bK, 'wK');
  const wV = projection(body.wV, body.bV, 'wV');
  const wO = projection(body.wO, body.bO, 'wO');

  const alignment = resolveCausal(body);
  const masks: AdditiveMask[] = [];
  let maskEcho: MaskEcho | null = null;
  let paddingEcho: MaskEcho | null = null;
  if (body.mask !== undefined) {
    const mask = parseMask(body.mask, '/mask', deps.maxMatrixElements);
    masks.push(mask);
    maskEcho = { kind: mask.kind, shape: mask.shape };
  }
  if (body.keyPaddingMask !== undefined) {
    const padding = parseMask(body.keyPaddingMask, '/keyPaddingMask', deps.maxMatrixElements);
    masks.push(paddingAsScoresMask(padding, input.array.shape.length === 3));
    paddingEcho = { kind: padding.kind, shape: padding.shape };
  }

  const numKeyValueHeads = body.numKeyValueHeads ?? body.numHeads;
  const returnWeights = body.returnWeights ?? false;
  const rank = input.array.shape.length;
  const L = input.array.shape[rank - 2] ?? 0;
  const S = keyInput.array.shape[keyInput.array.shape.length - 2] ?? 0;
  checkScoresSize(deps, L, S);
  if (returnWeights) checkWeightsSize(deps, (rank === 3 ? input.array.shape[0]! : 1) * body.numHeads * L * S);

  const result = await deps.pool.run('multiHeadAttention', {
    query: input.array,
    key: keyInput.array,
    value: valueInput.array,
    wQ,
    wK,
    wV,
    wO,
    numHeads: body.numHeads,
    numKeyValueHeads,
    causal: alignment,
    masks,
    returnWeights,
    scale: body.scale,
  });

  const format = body.format ?? input.format;
  return {
    output: encodeNdArray(result.output, format),
    shape: result.output.shape,
    ...(result.weights === undefined ? {} : { weights: encodeNdArray(result.weights, format), weightsShape: result.weights.shape }),
    heads: result.heads,
    headAnalytics: 'Per head, averaged over the batch and the query rows that are not fully masked: entropy of the weights (nats), maxWeight (largest weight of a row), effectiveSpan = exp(entropy).',
    numHeads: body.numHeads,
    numKeyValueHeads,
    headDim: result.headDim,
    valueHeadDim: result.valueHeadDim,
    layout,
    scale: result.scale,
    scaleRule: body.scale === undefined ? '1/√d (default)' : 'given',
    ...causalEcho(alignment),
    mask: maskEcho,
    keyPaddingMask: paddingEcho,
    maskConvention: MASK_CONVENTION,
    ...fullyMaskedEcho(result.fullyMaskedRows),
    computeDtype: 'float32',
    backend: result.backend,
  };
}

/** Reshapes a key padding mask to broadcast over the scores: [S] stays as it is, [N, S] becomes [N, 1, 1, S]. */
function paddingAsScoresMask(padding: AdditiveMask, batched: boolean): AdditiveMask {
  const { shape } = padding;
  if (shape.length === 1) return padding;
  if (shape.length === 2 && batched) return { ...padding, shape: [shape[0]!, 1, 1, shape[1]!] };
  throw new DomainError('SHAPE_MISMATCH', {
    path: padding.path,
    reason: `the key padding mask has shape [${shape.join(', ')}]; expected [S]${batched ? ' or [N, S]' : ' (the input has no batch dimension)'}`,
  });
}

/** Parses a weight matrix as float32 out×in; an in_out weight is transposed to out×in. */
function toDense32(deps: LinalgDeps, value: unknown, path: string, layout: 'out_in' | 'in_out'): Dense32 {
  const { matrix } = parseMatrix(value, path, { maxElements: deps.maxMatrixElements });
  if (layout === 'out_in') return { rows: matrix.rows, cols: matrix.cols, data: toFloat32(matrix.data, path) };
  return transpose32({ rows: matrix.rows, cols: matrix.cols, data: toFloat32(matrix.data, path) });
}

function toVector32(deps: LinalgDeps, value: unknown, path: string): Float32Array {
  const { matrix } = parseMatrix(value, path, { maxElements: deps.maxMatrixElements, allowVector: true });
  if (matrix.rows !== 1) throw new DomainError('INVALID_MATRIX', { path, value: `${matrix.rows}×${matrix.cols}`, reason: 'a bias is a vector: a flat array of numbers' });
  return toFloat32(matrix.data, path);
}
