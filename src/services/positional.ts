/**
 * Positional-encoding use cases: generate sinusoidal encodings or random Fourier features for positions (or points)
 * and report how their Gram matrix depends on the position offset.
 */

import type { FourierVariant, OffsetStructure } from '../compute/positional.js';
import { DomainError } from '../errors.js';
import type { LinalgDeps } from './linalg.js';
import { type WireFormat, encodeMatrix, encodeVector } from './matrix-wire.js';
import { checkResultSize, parseInput, replyFormat } from './request-matrices.js';

interface PositionsInput {
  length?: number;
  positions?: number[];
}

export interface SinusoidalRequest extends PositionsInput {
  dimension: number;
  base?: number;
  includeGram?: boolean;
  format?: WireFormat;
}

export interface FourierRequest extends PositionsInput {
  points?: unknown;
  features: number;
  lengthScale?: number;
  variant?: FourierVariant;
  seed?: number;
  includeGram?: boolean;
  format?: WireFormat;
}

/** Returns positions 0…length − 1 or the posted integer positions, and rejects both or neither. */
function resolvePositions(body: PositionsInput, alternatives: string): number[] {
  const given = [body.length, body.positions].filter((value) => value !== undefined).length;
  if (given !== 1) throw new DomainError('INVALID_REQUEST', { path: '/length', reason: `give exactly one of ${alternatives}` });
  return body.positions ?? Array.from({ length: body.length! }, (_, i) => i);
}

function structureReply(structure: OffsetStructure) {
  return {
    innerProductByOffset: structure.byOffset,
    maxDeviationAtEqualOffset: structure.maxDeviation,
    maxErrorFromClosedForm: structure.maxErrorFromExpected,
  };
}

export async function sinusoidalService(deps: LinalgDeps, body: SinusoidalRequest) {
  const positions = resolvePositions(body, 'length or positions');
  checkResultSize(deps, positions.length * body.dimension + positions.length * positions.length, 'the encodings are n×d and the Gram matrix n×n; send fewer positions');
  const base = body.base ?? 10000;

  const result = await deps.pool.run('sinusoidal', { positions, dimension: body.dimension, base });
  const out = replyFormat(undefined, body.format);
  return {
    positions: positions.length,
    dimension: body.dimension,
    base,
    layout: 'row p is PE(p): sin(p·ω_i) at column 2i, cos(p·ω_i) at column 2i + 1, ω_i = base^(−2i/d)',
    encodings: encodeMatrix(result.encodings, out.format, out.dtype),
    frequencies: encodeVector(result.frequencies, out.format, out.dtype),
    closedForm: '⟨PE(p), PE(q)⟩ = Σ_i cos(ω_i·(q − p))',
    ...structureReply(result.structure),
    ...(body.includeGram ? { gram: encodeMatrix(result.gram, out.format, out.dtype) } : {}),
  };
}

export async function randomFourierService(deps: LinalgDeps, body: FourierRequest) {
  let positions: number[] | undefined;
  let parsed;
  if (body.points !== undefined) {
    if (body.length !== undefined || body.positions !== undefined) {
      throw new DomainError('INVALID_REQUEST', { path: '/points', reason: 'give exactly one of length, positions or points' });
    }
    parsed = parseInput(deps, body.points, '/points');
  } else {
    positions = resolvePositions(body, 'length, positions or points');
  }
  const x = parsed?.matrix ?? { rows: positions!.length, cols: 1, data: Float64Array.from(positions!) };
  checkResultSize(deps, x.rows * body.features + x.rows * x.rows, 'the features are n×D and the Gram matrix n×n; send fewer positions');

  const options = { features: body.features, lengthScale: body.lengthScale ?? 1, variant: body.variant ?? ('cos-sin' as const), seed: body.seed ?? 0 };
  const result = await deps.pool.run('randomFourier', { x, ...options, positions });
  const out = replyFormat(parsed, body.format);
  return {
    inputs: x.rows,
    inputDimension: x.cols,
    ...options,
    kernel: 'exp(−‖x − y‖² / (2·lengthScale²))',
    featureMatrix: encodeMatrix(result.features, out.format, out.dtype),
    frequencies: encodeMatrix(result.frequencies, out.format, out.dtype),
    ...(result.phases === undefined ? {} : { phases: encodeVector(result.phases, out.format, out.dtype) }),
    kernelError: result.kernelError,
    ...(result.structure === undefined ? {} : structureReply(result.structure)),
    ...(body.includeGram ? { gram: encodeMatrix(result.gram, out.format, out.dtype) } : {}),
  };
}
