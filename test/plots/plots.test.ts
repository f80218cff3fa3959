import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { renderHeatmapSvg } from '../../src/plots/heatmap.js';
import { renderSpectrumSvg } from '../../src/plots/spectrum.js';
import { makeApp } from '../helpers.js';

function points(svg: string): number {
  return svg.match(/points="([^"]*)"/)![1]!.trim().split(/\s+/).length;
}

describe('SVG renderers', () => {
  it('draws one point per singular value', () => {
    expect(points(renderSpectrumSvg([5, 2, 0.1]))).toBe(3);
  });

  it('draws the tolerance only where a value comes near it', () => {
    expect(renderSpectrumSvg([5, 2, 0.1], { tolerance: 1e-15 })).not.toContain('class="tolerance"');
    expect(renderSpectrumSvg([5, 2, 1e-16], { tolerance: 1e-15 })).toContain('class="tolerance"');
  });

  it('escapes titles and labels', () => {
    expect(renderSpectrumSvg([1], { title: '<b>&' })).toContain('&lt;b&gt;&amp;');
    expect(renderHeatmapSvg([[1]], { rowLabels: ['"q"'] })).toContain('&quot;q&quot;');
  });

  it('draws one cell per weight with its value', () => {
    const svg = renderHeatmapSvg([[1, 0], [0.25, 0.75]]);
    expect(svg.match(/<rect x=/g)).toHaveLength(4);
    expect(svg).toContain('<title>q1 → k1: 0.75</title>');
  });
});

describe('plot routes', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await makeApp();
  });
  afterAll(async () => app.close());

  it('renders a spectrum from a query string', async () => {
    const response = await app.inject({ method: 'GET', url: '/v1/plots/spectrum.svg?values=5,2,0.1' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('image/svg+xml; charset=utf-8');
    expect(points(response.body)).toBe(3);
  });

  it('renders the spectrum of a posted matrix with its rank', async () => {
    const response = await app.inject({ method: 'POST', url: '/v1/plots/spectrum.svg', payload: { matrix: [[1, 2], [2, 4]] } });
    expect(response.body).toContain('Singular values of a 2×2 matrix (rank 1)');
    expect(response.body).toContain('class="tolerance"');
  });

  it('rejects bad values with codes', async () => {
    const text = await app.inject({ method: 'GET', url: '/v1/plots/spectrum.svg?values=5,x' });
    expect(text.statusCode).toBe(400);
    expect(text.json()).toMatchObject({ code: 'NOT_A_NUMBER', path: '/values/1' });
    const negative = await app.inject({ method: 'POST', url: '/v1/plots/attention.svg', payload: { weights: [[0.5, -0.5]] } });
    expect(negative.statusCode).toBe(400);
    expect(negative.json()).toMatchObject({ code: 'INVALID_PARAMETER', path: '/weights/0/1' });
    const both = await app.inject({ method: 'POST', url: '/v1/plots/spectrum.svg', payload: { values: [1], matrix: [[1]] } });
    expect(both.json().code).toBe('INVALID_REQUEST');
  });
});
