/**
 * Renders an attention-weight matrix (queries × keys, rows summing to 1 or 0) as a standalone SVG heatmap: white
 * is 0, dark blue is the largest weight, with optional token labels on both axes.
 */

import { escapeXml, formatTick } from './svg.js';

export interface HeatmapOptions {
  title?: string;
  rowLabels?: readonly string[];
  columnLabels?: readonly string[];
  /** Side of one cell in pixels; default fits the matrix into about 480 px. */
  cellSize?: number;
}

export function renderHeatmapSvg(weights: readonly (readonly number[])[], options: HeatmapOptions = {}): string {
  const rows = weights.length;
  const cols = rows === 0 ? 0 : weights[0]!.length;
  const cell = options.cellSize ?? Math.max(2, Math.min(40, Math.floor(480 / Math.max(rows, cols, 1))));
  const labelSpace = options.rowLabels || options.columnLabels ? 70 : 10;
  const top = 30 + (options.columnLabels ? labelSpace : 0);
  const left = 10 + (options.rowLabels ? labelSpace : 0);
  const width = left + cols * cell + 70;
  const height = top + rows * cell + 20;

  let maxWeight = 0;
  for (const row of weights) for (const value of row) maxWeight = Math.max(maxWeight, value);
  const scale = maxWeight > 0 ? maxWeight : 1;

  const cells: string[] = [];
  weights.forEach((row, i) => {
    row.forEach((value, j) => {
      const shade = Math.round(255 * (1 - Math.max(0, value) / scale));
      const fill = `rgb(${shade},${Math.round(shade * 0.9 + 20)},255)`;
      cells.push(`<rect x="${left + j * cell}" y="${top + i * cell}" width="${cell}" height="${cell}" fill="${fill}"><title>q${i} → k${j}: ${formatTick(value)}</title></rect>`);
    });
  });

  const rowLabels = (options.rowLabels ?? [])
    .slice(0, rows)
    .map((label, i) => `<text x="${left - 4}" y="${top + i * cell + cell / 2}" text-anchor="end" dominant-baseline="middle">${escapeXml(label)}</text>`);
  const columnLabels = (options.columnLabels ?? [])
    .slice(0, cols)
    .map((label, j) => {
      const x = left + j * cell + cell / 2;
      return `<text x="${x}" y="${top - 4}" transform="rotate(-60 ${x} ${top - 4})">${escapeXml(label)}</text>`;
    });

  const legendX = left + cols * cell + 16;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="10" role="img" aria-label="Attention heatmap">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="10" y="18" font-size="13">${escapeXml(options.title ?? `Attention weights (${rows}×${cols})`)}</text>`,
    `<g class="cells">${cells.join('')}</g>`,
    rowLabels.join(''),
    columnLabels.join(''),
    `<text x="${legendX}" y="${top + 8}">max ${formatTick(maxWeight)}</text>`,
    `<text x="${legendX}" y="${top + rows * cell}">0</text>`,
    '</svg>',
  ].join('');
}
