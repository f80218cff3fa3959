/**
 * Plot use cases shared by REST (/v1/plots/*.svg) and GraphQL: validate the input, compute what the picture needs
 * (singular values of a posted matrix), and render the SVG.
 */

import { DomainError } from '../errors.js';
import { renderHeatmapSvg } from '../plots/heatmap.js';
import { renderSpectrumSvg } from '../plots/spectrum.js';
import type { LinalgDeps } from './linalg.js';
import { parseMatrix } from './matrix-wire.js';

export interface SpectrumPlotInput {
  matrix?: unknown;
  values?: unknown;
  logScale?: boolean;
  title?: string;
}

/** Renders the spectrum of `values` (σ, descending) or of the singular values of `matrix`, with its rank tolerance. */
export async function spectrumPlotService(deps: LinalgDeps, input: SpectrumPlotInput): Promise<string> {
  if ((input.matrix === undefined) === (input.values === undefined)) {
    throw new DomainError('INVALID_REQUEST', { path: '/', reason: 'give exactly one of matrix or values' });
  }

  if (input.values !== undefined) {
    const values = checkedValues(input.values, '/values');
    return renderSpectrumSvg(values, { logScale: input.logScale, title: input.title });
  }

  const parsed = parseMatrix(input.matrix, '/matrix', { maxElements: deps.maxMatrixElements, allowVector: true });
  const rank = await deps.pool.run('rank', { a: parsed.matrix });
  const title = input.title ?? `Singular values of a ${parsed.matrix.rows}×${parsed.matrix.cols} matrix (rank ${rank.rank})`;
  return renderSpectrumSvg(Array.from(rank.singularValues), { logScale: input.logScale, title, tolerance: rank.tolerance.tolerance });
}

export interface AttentionPlotInput {
  weights: unknown;
  rowLabels?: string[];
  columnLabels?: string[];
  title?: string;
}

/** Renders attention weights (queries × keys, non-negative) as a heatmap. */
export function attentionPlotService(deps: LinalgDeps, input: AttentionPlotInput): string {
  const parsed = parseMatrix(input.weights, '/weights', { maxElements: Math.min(deps.maxMatrixElements, 512 * 512) });
  const { rows, cols, data } = parsed.matrix;
  const negative = data.findIndex((value) => value < 0);
  if (negative >= 0) {
    throw new DomainError('INVALID_PARAMETER', { path: `/weights/${Math.floor(negative / cols)}/${negative % cols}`, value: data[negative], reason: 'attention weights must be non-negative' });
  }
  const matrix = Array.from({ length: rows }, (_, i) => Array.from(data.subarray(i * cols, (i + 1) * cols)));
  return renderHeatmapSvg(matrix, { rowLabels: input.rowLabels, columnLabels: input.columnLabels, title: input.title });
}

function checkedValues(values: unknown, path: string): number[] {
  if (!Array.isArray(values) || values.length === 0) throw new DomainError('INVALID_PARAMETER', { path, value: values, reason: 'expected a non-empty array of singular values' });
  values.forEach((value, i) => {
    if (typeof value !== 'number') throw new DomainError('NOT_A_NUMBER', { path: `${path}/${i}`, value });
    if (!Number.isFinite(value)) throw new DomainError('NON_FINITE_VALUE', { path: `${path}/${i}`, value: String(value) });
    if (value < 0) throw new DomainError('INVALID_PARAMETER', { path: `${path}/${i}`, value, reason: 'singular values are non-negative' });
  });
  return values as number[];
}
