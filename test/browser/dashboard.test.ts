import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';

import type { FastifyInstance } from 'fastify';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Callbacks passed to waitForFunction run in the page, where `document` exists.
declare const document: { getElementById(id: string): { textContent: string | null; classList: { contains(name: string): boolean } } | null };

import { projectRoot } from '../../src/io/project-root.js';
import { makeApp } from '../helpers.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
if (!available) console.warn(`Skipping the dashboard browser test: no Chromium at ${CHROMIUM} (apt-get install chromium).`);

/** Where the test leaves its screenshot; the folder is ignored by git. */
export const SCREENSHOT = path.join(projectRoot(), 'screenshots', 'dashboard.png');

describe.skipIf(!available)('dashboard in headless Chromium', () => {
  let app: FastifyInstance;
  let browser: Browser;
  let baseUrl: string;

  beforeAll(async () => {
    app = await makeApp();
    baseUrl = await app.listen({ host: '127.0.0.1', port: 0 });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('plots a spectrum and attention through GraphQL', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const failures: string[] = [];
    page.on('pageerror', (error) => failures.push(error.message));

    await page.goto(baseUrl);
    await page.waitForSelector('#spectrum-plot svg polyline.spectrum');
    await page.waitForSelector('#attention-plot svg g.cells rect');

    // The default matrix has full column rank 3: three points on the spectrum line.
    const points = await page.getAttribute('#spectrum-plot svg polyline.spectrum', 'points');
    expect(points!.trim().split(/\s+/)).toHaveLength(3);
    expect(await page.textContent('#spectrum-status')).toMatch(/^rank 3; σ = /);

    // Three tokens attend causally: nine cells, and the first query sees only the first key (weight exactly 1).
    expect(await page.locator('#attention-plot svg g.cells rect').count()).toBe(9);
    expect(await page.textContent('#attention-status')).toBe('3×3 weights, scale 0.7071, causal topLeft');
    expect(await page.textContent('#attention-plot svg g.cells rect:first-child title')).toBe('q0 → k0: 1');

    await page.fill('#spectrum-matrix', '[[1, 2], [2, 4]]');
    await page.click('#spectrum-run');
    await page.waitForFunction(() => document.getElementById('spectrum-status')?.textContent?.startsWith('rank 1'));
    await page.fill('#spectrum-matrix', '[[1, 2], [3]]');
    await page.click('#spectrum-run');
    await page.waitForFunction(() => document.getElementById('spectrum-status')?.classList.contains('error'));
    expect(await page.textContent('#spectrum-status')).toContain('RAGGED_MATRIX');

    mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(failures).toEqual([]);
  });
});
