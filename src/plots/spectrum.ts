/**
 * Renders a singular-value spectrum as a standalone SVG: σ_i against i, on a log scale by default, with the
 * numerical-rank tolerance drawn as a dashed line when given.
 */

import { escapeXml, formatTick } from './svg.js';

export interface SpectrumOptions {
  title?: string;
  /** Log scale for σ (default). Zero values are drawn on the axis floor. */
  logScale?: boolean;
  /** Draws a horizontal line at this value (e.g. the rank tolerance). */
  tolerance?: number;
  width?: number;
  height?: number;
}

const MARGIN = { top: 36, right: 20, bottom: 44, left: 64 };

export function renderSpectrumSvg(values: readonly number[], options: SpectrumOptions = {}): string {
  const width = options.width ?? 640;
  const height = options.height ?? 360;
  const logScale = options.logScale ?? true;
  const plotWidth = width - MARGIN.left - MARGIN.right;
  const plotHeight = height - MARGIN.top - MARGIN.bottom;

  const positive = values.filter((value) => value > 0);
  const maxValue = Math.max(...values, Number.MIN_VALUE);
  // The log axis spans the positive values. The tolerance widens it only when some value is near or below it, so
  // a full-rank spectrum is not squeezed against a tolerance 15 decades down.
  const smallestPositive = positive.length > 0 ? Math.min(...positive) : maxValue / 10;
  const tolerance = options.tolerance !== undefined && options.tolerance > 0 ? options.tolerance : undefined;
  const showTolerance = tolerance !== undefined && (!logScale || values.some((value) => value <= 10 * tolerance));
  let minValue = logScale ? Math.min(smallestPositive, showTolerance ? tolerance! : Infinity) / 2 : 0;
  if (logScale && !(minValue < maxValue)) minValue = maxValue / 10;

  const toY = (value: number): number => {
    if (logScale) {
      const clamped = Math.max(value, minValue);
      const span = Math.log10(maxValue) - Math.log10(minValue) || 1;
      return MARGIN.top + plotHeight * (1 - (Math.log10(clamped) - Math.log10(minValue)) / span);
    }
    return MARGIN.top + plotHeight * (1 - value / maxValue);
  };
  const toX = (index: number): number => MARGIN.left + (values.length <= 1 ? plotWidth / 2 : (plotWidth * index) / (values.length - 1));

  const points = values.map((value, i) => `${toX(i).toFixed(2)},${toY(value).toFixed(2)}`);
  const markers = values.length <= 200 ? values.map((value, i) => `<circle cx="${toX(i).toFixed(2)}" cy="${toY(value).toFixed(2)}" r="2.5"/>`).join('') : '';

  const ticks = [maxValue, logScale ? Math.sqrt(maxValue * minValue) : maxValue / 2, minValue];
  const tickLabels = ticks
    .map((tick) => `<text x="${MARGIN.left - 6}" y="${toY(tick).toFixed(2)}" text-anchor="end" dominant-baseline="middle">${formatTick(tick)}</text>`)
    .join('');
  const toleranceLine =
    showTolerance
      ? `<line class="tolerance" x1="${MARGIN.left}" x2="${width - MARGIN.right}" y1="${toY(tolerance!).toFixed(2)}" y2="${toY(tolerance!).toFixed(2)}" stroke="#c0392b" stroke-dasharray="5,4"/>`
      : '';

  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11" role="img" aria-label="Singular value spectrum">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="${width / 2}" y="20" text-anchor="middle" font-size="14">${escapeXml(options.title ?? `Singular values (${values.length})`)}</text>`,
    `<line x1="${MARGIN.left}" y1="${MARGIN.top}" x2="${MARGIN.left}" y2="${MARGIN.top + plotHeight}" stroke="#333"/>`,
    `<line x1="${MARGIN.left}" y1="${MARGIN.top + plotHeight}" x2="${width - MARGIN.right}" y2="${MARGIN.top + plotHeight}" stroke="#333"/>`,
    tickLabels,
    `<text x="${width / 2}" y="${height - 10}" text-anchor="middle">index i${logScale ? ' (σ on a log scale)' : ''}</text>`,
    toleranceLine,
    `<polyline class="spectrum" fill="none" stroke="#2c6fbb" stroke-width="1.5" points="${points.join(' ')}"/>`,
    `<g fill="#2c6fbb">${markers}</g>`,
    '</svg>',
  ].join('');
}
