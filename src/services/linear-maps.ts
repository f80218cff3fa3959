/**
 * Linear-map use cases shared by REST and GraphQL: composition, inverse with condition number and verdict, kernel
 * and image bases, and numerical linearity checks. A map ℝⁿ → ℝᵐ is an m×n matrix acting on column vectors.
 */

import type { Dense } from '../compute/dense.js';
import type { ToleranceOptions } from '../compute/tolerance.js';
import { DomainError } from '../errors.js';
import type { LinalgDeps } from './linalg.js';
import { type WireFormat, encodeMatrix, parseMatrix } from './matrix-wire.js';
import { toleranceReply } from './vector-sets.js';

export async function composeService(deps: LinalgDeps, body: { maps: unknown[]; format?: WireFormat }) {
  const parsed = body.maps.map((value, i) => parseMatrix(value, `/maps/${i}`, { maxElements: deps.maxMatrixElements }));
  const maps = parsed.map((entry) => entry.matrix);
  for (let i = 1; i < maps.length; i++) {
    const previous = maps[i - 1]!;
    const next = maps[i]!;
    if (next.cols !== previous.rows) {
      throw new DomainError('SHAPE_MISMATCH', {
        path: `/maps/${i}`,
        reason: `map ${i - 1} is ${previous.rows}×${previous.cols} and returns vectors of length ${previous.rows}, but map ${i} is ${next.rows}×${next.cols} and takes vectors of length ${next.cols}`,
        shapes: { [`maps/${i - 1}`]: [previous.rows, previous.cols], [`maps/${i}`]: [next.rows, next.cols] },
      });
    }
  }

  const result = await deps.pool.run('compose', { maps });
  const first = parsed[0]!;
  return {
    matrix: encodeMatrix(result.matrix, body.format ?? first.format, first.dtype),
    shape: [result.matrix.rows, result.matrix.cols],
    order: 'maps[0] is applied first: the result is maps[q−1]·…·maps[0]',
  };
}

export async function inverseService(deps: LinalgDeps, body: { matrix: unknown; format?: WireFormat } & ToleranceOptions) {
  const parsed = parseMatrix(body.matrix, '/matrix', { maxElements: deps.maxMatrixElements });
  const result = await deps.pool.run('inverse', { a: parsed.matrix, rtol: body.rtol, atol: body.atol });
  const format = body.format ?? parsed.format;
  return {
    shape: [parsed.matrix.rows, parsed.matrix.cols],
    verdict: result.verdict,
    inverse: result.inverse === null ? null : encodeMatrix(result.inverse, format, parsed.dtype),
    condition: result.condition,
    digitsLost: result.digitsLost,
    rank: result.rank,
    inverseError: result.inverseError,
    tolerance: toleranceReply(result.tolerance),
    singularValues: Array.from(result.singularValues),
  };
}

export async function kernelImageService(deps: LinalgDeps, body: { matrix: unknown; format?: WireFormat } & ToleranceOptions) {
  const parsed = parseMatrix(body.matrix, '/matrix', { maxElements: deps.maxMatrixElements });
  const { rows: m, cols: n } = parsed.matrix;
  if (m * m + n * n > deps.maxMatrixElements) {
    throw new DomainError('RESULT_TOO_LARGE', { elements: m * m + n * n, limit: deps.maxMatrixElements, hint: 'the full SVD behind the kernel and image needs m² + n² numbers' });
  }
  const result = await deps.pool.run('subspaces', { a: parsed.matrix, rtol: body.rtol, atol: body.atol });
  const format = body.format ?? parsed.format;
  const basis = (matrix: Dense) => ({ dimension: matrix.cols, basis: encodeMatrix(matrix, format, parsed.dtype) });
  return {
    shape: [m, n],
    rank: result.rank,
    layout: 'columns',
    kernel: { ...basis(result.nullspace), ambientDimension: n, residual: result.nullspaceResidual },
    image: { ...basis(result.columnSpace), ambientDimension: m },
    rankNullity: { rank: result.rank, nullity: result.nullspace.cols, domainDimension: n, holds: result.rank + result.nullspace.cols === n },
    tolerance: toleranceReply(result.tolerance),
    singularValues: Array.from(result.singularValues),
  };
}

export async function linearityService(
  deps: LinalgDeps,
  body: { matrix?: unknown; inputs?: unknown; outputs?: unknown; rtol?: number; atol?: number; probes?: number; seed?: number; format?: WireFormat },
) {
  const bySamples = body.inputs !== undefined || body.outputs !== undefined;
  if (body.matrix !== undefined && bySamples) {
    throw new DomainError('INVALID_PARAMETER', { path: '/matrix', value: 'matrix and inputs/outputs', reason: 'give the map either as a matrix or as sample inputs and outputs, not both' });
  }

  if (!bySamples) {
    if (body.matrix === undefined) throw new DomainError('INVALID_REQUEST', { path: '/matrix', reason: 'give either matrix, or inputs and outputs' });
    const parsed = parseMatrix(body.matrix, '/matrix', { maxElements: deps.maxMatrixElements });
    const result = await deps.pool.run('linearityOfMatrix', { a: parsed.matrix, rtol: body.rtol, atol: body.atol, probes: body.probes, seed: body.seed });
    return { given: 'matrix', ...result };
  }

  if (body.inputs === undefined) throw new DomainError('INVALID_REQUEST', { path: '/inputs', reason: 'outputs were given without inputs' });
  if (body.outputs === undefined) throw new DomainError('INVALID_REQUEST', { path: '/outputs', reason: 'inputs were given without outputs' });
  const inputs = parseMatrix(body.inputs, '/inputs', { maxElements: deps.maxMatrixElements });
  const outputs = parseMatrix(body.outputs, '/outputs', { maxElements: deps.maxMatrixElements });
  if (inputs.matrix.rows !== outputs.matrix.rows) {
    throw new DomainError('SHAPE_MISMATCH', {
      path: '/outputs',
      reason: `inputs (shape [${inputs.matrix.rows}, ${inputs.matrix.cols}]) has ${inputs.matrix.rows} samples, but outputs (shape [${outputs.matrix.rows}, ${outputs.matrix.cols}]) has ${outputs.matrix.rows}; send one output row per input row`,
      shapes: { inputs: [inputs.matrix.rows, inputs.matrix.cols], outputs: [outputs.matrix.rows, outputs.matrix.cols] },
    });
  }

  const result = await deps.pool.run('linearityOfSamples', { inputs: inputs.matrix, outputs: outputs.matrix, rtol: body.rtol, atol: body.atol });
  const format = body.format ?? inputs.format;
  return {
    given: 'samples',
    verdict: result.verdict,
    relationsTested: result.relationsTested,
    inputRank: result.inputRank,
    inputTolerance: toleranceReply(result.inputTolerance),
    matrix: encodeMatrix(result.matrix, format, inputs.dtype),
    linearFit: result.linearFit,
    affineFit: {
      holds: result.affineFit.holds,
      maxViolation: result.affineFit.maxViolation,
      worstSample: result.affineFit.worstSample,
      relativeResidual: result.affineFit.relativeResidual,
      matrix: encodeMatrix(result.affineFit.matrix, format, inputs.dtype),
      intercept: Array.from(result.affineFit.intercept),
    },
    rtol: result.rtol,
    atol: result.atol,
  };
}
