/**
 * Linear-algebra use cases shared by the REST routes and the GraphQL resolvers. Each parses the wire-format
 * inputs, checks what it can before compute, runs the operation on the worker pool, and encodes the reply in the
 * request's format (or the one `format` names).
 */

import { type Dense, transpose } from '../compute/dense.js';
import type { Symmetrize } from '../compute/eigh.js';
import type { GramSchmidtMethod } from '../compute/gram-schmidt.js';
import type { NormOrder } from '../compute/norms.js';
import type { ResolvedTolerance, ToleranceOptions } from '../compute/tolerance.js';
import { DomainError } from '../errors.js';
import type { ComputePool } from './compute-pool.js';
import { type Dtype, type ParsedMatrix, type WireFormat, encodeMatrix, encodeVector, parseMatrix } from './matrix-wire.js';

export interface LinalgDeps {
  pool: ComputePool;
  maxMatrixElements: number;
}

type MatrixInput = unknown;

interface FormatOption {
  format?: WireFormat;
}

export const SVD_SIGN_RULE = 'In each column of U the entry of largest magnitude is positive; V follows U.';
export const EIGH_SIGN_RULE = 'In each eigenvector the entry of largest magnitude is positive.';

function parse(deps: LinalgDeps, value: MatrixInput, path: string, allowVector = false): ParsedMatrix {
  return parseMatrix(value, path, { maxElements: deps.maxMatrixElements, allowVector });
}

function outputOf(parsed: ParsedMatrix, requested: WireFormat | undefined): { format: WireFormat; dtype: Dtype } {
  return { format: requested ?? parsed.format, dtype: parsed.dtype };
}

/** Rejects a reply that would be larger than the input limit allows, before any compute is spent on it. */
function checkResultSize(deps: LinalgDeps, elements: number, hint: string): void {
  if (elements > deps.maxMatrixElements) throw new DomainError('RESULT_TOO_LARGE', { elements, limit: deps.maxMatrixElements, hint });
}

function toleranceReply(tolerance: ResolvedTolerance) {
  return { value: tolerance.tolerance, rule: tolerance.rule, rtol: tolerance.rtol, atol: tolerance.atol };
}

export async function svdService(deps: LinalgDeps, body: { matrix: MatrixInput; full?: boolean; rank?: number } & FormatOption) {
  const parsed = parse(deps, body.matrix, '/matrix');
  const { rows: m, cols: n } = parsed.matrix;
  const full = body.full ?? false;
  if (full && body.rank !== undefined) {
    throw new DomainError('INVALID_PARAMETER', { path: '/rank', value: body.rank, reason: 'truncation to rank k returns reduced factors; omit full or set it to false' });
  }
  if (full) checkResultSize(deps, Math.max(m * m, n * n), 'ask for the reduced SVD (full: false)');

  const result = await deps.pool.run('svd', { a: parsed.matrix, full, rank: body.rank });
  const out = outputOf(parsed, body.format);
  return {
    shape: [m, n],
    full,
    u: encodeMatrix(result.u, out.format, out.dtype),
    s: encodeVector(result.s, out.format, out.dtype),
    v: encodeMatrix(result.v, out.format, out.dtype),
    ...(body.rank === undefined ? {} : { rank: body.rank, truncationError: result.truncationError }),
    reconstructionError: result.reconstructionError,
    orthogonalityError: { u: result.orthogonalityErrorU, v: result.orthogonalityErrorV },
    signRule: SVD_SIGN_RULE,
    computeDtype: 'float64',
  };
}

export async function qrService(deps: LinalgDeps, body: { matrix: MatrixInput; mode?: 'reduced' | 'complete'; pivoting?: boolean } & FormatOption) {
  const parsed = parse(deps, body.matrix, '/matrix');
  const mode = body.mode ?? 'reduced';
  const pivoting = body.pivoting ?? false;
  if (mode === 'complete') checkResultSize(deps, parsed.matrix.rows * parsed.matrix.rows, 'ask for the reduced QR (mode: "reduced")');

  const result = await deps.pool.run('qr', { a: parsed.matrix, mode, pivoting });
  const out = outputOf(parsed, body.format);
  return {
    shape: [parsed.matrix.rows, parsed.matrix.cols],
    mode,
    pivoting,
    q: encodeMatrix(result.q, out.format, out.dtype),
    r: encodeMatrix(result.r, out.format, out.dtype),
    permutation: result.permutation,
    reconstructionError: result.reconstructionError,
    orthogonalityError: result.orthogonalityError,
    computeDtype: 'float64',
  };
}

export async function eighService(deps: LinalgDeps, body: { matrix: MatrixInput; symmetrize?: Symmetrize } & FormatOption) {
  const parsed = parse(deps, body.matrix, '/matrix');
  const result = await deps.pool.run('eigh', { a: parsed.matrix, symmetrize: body.symmetrize ?? 'none' });
  const out = outputOf(parsed, body.format);
  return {
    shape: [parsed.matrix.rows, parsed.matrix.cols],
    eigenvalues: encodeVector(result.values, out.format, out.dtype),
    eigenvectors: encodeMatrix(result.vectors, out.format, out.dtype),
    order: 'ascending',
    symmetrize: result.symmetrize,
    maxAsymmetry: result.maxAsymmetry,
    residual: result.residual,
    orthogonalityError: result.orthogonalityError,
    signRule: EIGH_SIGN_RULE,
    computeDtype: 'float64',
  };
}

export async function rankService(deps: LinalgDeps, body: { matrix: MatrixInput } & ToleranceOptions) {
  const parsed = parse(deps, body.matrix, '/matrix', true);
  const result = await deps.pool.run('rank', { a: parsed.matrix, rtol: body.rtol, atol: body.atol });
  return {
    shape: [parsed.matrix.rows, parsed.matrix.cols],
    rank: result.rank,
    tolerance: toleranceReply(result.tolerance),
    singularValues: Array.from(result.singularValues),
  };
}

export async function nullspaceService(deps: LinalgDeps, body: { matrix: MatrixInput } & ToleranceOptions & FormatOption) {
  const parsed = parse(deps, body.matrix, '/matrix');
  checkResultSize(deps, parsed.matrix.cols * parsed.matrix.cols, 'the null space basis is n×(n − rank)');
  const result = await deps.pool.run('nullspace', { a: parsed.matrix, rtol: body.rtol, atol: body.atol });
  const out = outputOf(parsed, body.format);
  return {
    shape: [parsed.matrix.rows, parsed.matrix.cols],
    rank: result.rank,
    nullity: result.basis.cols,
    basis: encodeMatrix(result.basis, out.format, out.dtype),
    layout: 'columns',
    tolerance: toleranceReply(result.tolerance),
    singularValues: Array.from(result.singularValues),
    residual: result.residual,
    orthogonalityError: result.orthogonalityError,
  };
}

export async function subspacesService(deps: LinalgDeps, body: { matrix: MatrixInput } & ToleranceOptions & FormatOption) {
  const parsed = parse(deps, body.matrix, '/matrix');
  const { rows: m, cols: n } = parsed.matrix;
  checkResultSize(deps, m * m + n * n, 'the four bases together hold m² + n² numbers');
  const result = await deps.pool.run('subspaces', { a: parsed.matrix, rtol: body.rtol, atol: body.atol });
  const out = outputOf(parsed, body.format);
  const basis = (matrix: Dense) => ({ dimension: matrix.cols, ambientDimension: matrix.rows, basis: encodeMatrix(matrix, out.format, out.dtype) });
  return {
    shape: [m, n],
    rank: result.rank,
    layout: 'columns',
    columnSpace: basis(result.columnSpace),
    rowSpace: basis(result.rowSpace),
    nullspace: basis(result.nullspace),
    leftNullspace: basis(result.leftNullspace),
    rankNullity: result.checks,
    tolerance: toleranceReply(result.tolerance),
    singularValues: Array.from(result.singularValues),
    nullspaceResidual: result.nullspaceResidual,
    leftNullspaceResidual: result.leftNullspaceResidual,
    orthogonalityError: result.orthogonalityError,
  };
}

export async function gramSchmidtService(
  deps: LinalgDeps,
  body: { vectors: MatrixInput; layout: 'rows' | 'columns'; method?: GramSchmidtMethod; rtol?: number; dropDependent?: boolean } & FormatOption,
) {
  const parsed = parse(deps, body.vectors, '/vectors');
  const asColumns = body.layout === 'columns' ? parsed.matrix : transpose(parsed.matrix);
  const method = body.method ?? 'reorthogonalized';

  let result;
  try {
    result = await deps.pool.run('gramSchmidt', { a: asColumns, method, rtol: body.rtol, dropDependent: body.dropDependent ?? false });
  } catch (error) {
    // The compute layer names the vector by index; point the path at it in the caller's layout.
    if (error instanceof DomainError && error.code === 'LINEARLY_DEPENDENT') {
      const index = error.params.index as number;
      const path = body.layout === 'rows' ? `/vectors/${index}` : `/vectors (column ${index})`;
      throw new DomainError('LINEARLY_DEPENDENT', { ...error.params, path });
    }
    throw error;
  }

  const out = outputOf(parsed, body.format);
  const q = body.layout === 'columns' ? result.q : transpose(result.q);
  return {
    layout: body.layout,
    method,
    basis: encodeMatrix(q, out.format, out.dtype),
    r: encodeMatrix(result.r, out.format, out.dtype),
    kept: result.kept,
    dropped: result.dropped,
    rank: result.kept.length,
    rtol: result.rtol,
    orthogonalityError: result.orthogonalityError,
    reconstructionError: result.reconstructionError,
  };
}

export async function lstsqService(deps: LinalgDeps, body: { matrix: MatrixInput; b: MatrixInput } & ToleranceOptions & FormatOption) {
  const parsedA = parse(deps, body.matrix, '/matrix');
  const parsedB = parse(deps, body.b, '/b', true);
  // A vector b (a flat array, or binary shape [m]) is one right-hand side, and the solution comes back as a vector.
  const asVector = (Array.isArray(body.b) && !Array.isArray(body.b[0])) || isBinaryVector(body.b);
  const b = asVector ? transpose(parsedB.matrix) : parsedB.matrix;

  const result = await deps.pool.run('lstsq', { a: parsedA.matrix, b, rtol: body.rtol, atol: body.atol });
  const out = outputOf(parsedA, body.format);
  return {
    shape: [parsedA.matrix.rows, parsedA.matrix.cols],
    solution: asVector ? encodeVector(result.solution.data, out.format, out.dtype) : encodeMatrix(result.solution, out.format, out.dtype),
    residuals: result.residuals,
    rank: result.rank,
    singularValues: Array.from(result.singularValues),
    tolerance: toleranceReply(result.tolerance),
  };
}

export async function pinvService(deps: LinalgDeps, body: { matrix: MatrixInput } & ToleranceOptions & FormatOption) {
  const parsed = parse(deps, body.matrix, '/matrix');
  const result = await deps.pool.run('pinv', { a: parsed.matrix, rtol: body.rtol, atol: body.atol });
  const out = outputOf(parsed, body.format);
  return {
    shape: [parsed.matrix.rows, parsed.matrix.cols],
    pinv: encodeMatrix(result.pinv, out.format, out.dtype),
    rank: result.rank,
    singularValues: Array.from(result.singularValues),
    tolerance: toleranceReply(result.tolerance),
    penroseError: result.penroseError,
  };
}

export async function detService(deps: LinalgDeps, body: { matrix: MatrixInput }) {
  const parsed = parse(deps, body.matrix, '/matrix');
  const result = await deps.pool.run('det', { a: parsed.matrix });
  return { shape: [parsed.matrix.rows, parsed.matrix.cols], ...result };
}

export type OrdInput = 'fro' | 'nuc' | 'inf' | 1 | 2;

function normOrder(ord: OrdInput): NormOrder {
  return typeof ord === 'number' ? (String(ord) as NormOrder) : ord;
}

export async function condService(deps: LinalgDeps, body: { matrix: MatrixInput; ord?: OrdInput }) {
  const parsed = parse(deps, body.matrix, '/matrix');
  const ord = body.ord ?? 2;
  const result = await deps.pool.run('cond', { a: parsed.matrix, order: normOrder(ord) });
  return {
    shape: [parsed.matrix.rows, parsed.matrix.cols],
    ord,
    cond: result.cond,
    singular: result.singular,
    rank: result.rank,
    singularValues: Array.from(result.singularValues),
  };
}

export async function normService(deps: LinalgDeps, body: { matrix: MatrixInput; ord?: OrdInput }) {
  const parsed = parse(deps, body.matrix, '/matrix');
  const ord = body.ord ?? 'fro';
  const result = await deps.pool.run('norm', { a: parsed.matrix, order: normOrder(ord) });
  return { shape: [parsed.matrix.rows, parsed.matrix.cols], ord, norm: result.norm, overflow: result.norm === null };
}

function isBinaryVector(value: unknown): boolean {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && Array.isArray((value as { shape?: unknown }).shape) && (value as { shape: unknown[] }).shape.length === 1;
}
