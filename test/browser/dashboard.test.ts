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
    // Open the embedded database before serving: its start blocks the event loop for a moment, which the overload
    // guard would otherwise reject the page's first requests with 503.
    await app.store.database();
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

  it('searches and plots through GraphQL', async () => {
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

    // Three tokens attend causally: nine cells, and the first query attends only to the first key (weight exactly 1).
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

    // Similarity search over a small collection: the nearest notes to note-0 within Cardiology.
    const documents = Array.from({ length: 12 }, (_, i) => ({
      id: `note-${i}`,
      embedding: [1, i / 12, (i % 3) / 3 + 0.05],
      metadata: { specialty: i % 2 === 0 ? 'Cardiology' : 'Neurology' },
    }));
    expect((await app.inject({ method: 'POST', url: '/v1/collections', payload: { name: 'dashboard-notes', dimensions: 3 } })).statusCode).toBe(201);
    expect((await app.inject({ method: 'POST', url: '/v1/collections/dashboard-notes/documents', payload: { documents } })).statusCode).toBe(200);
    await page.reload();
    await page.waitForSelector('#collection option[value="dashboard-notes"]', { state: 'attached' });
    await page.selectOption('#collection', 'dashboard-notes');
    await page.fill('#search-id', 'note-0');
    await page.fill('#search-k', '3');
    await page.fill('#search-filter', '{"specialty": "Cardiology"}');
    await page.click('#search-run');
    await page.waitForSelector('#search-results:not([hidden]) tbody tr');
    expect(await page.textContent('#search-status')).toMatch(/^3 hits \((hnsw|exact)\)$/);
    const ids = await page.locator('#search-results tbody tr td:nth-child(2)').allTextContents();
    expect(ids).toHaveLength(3);
    for (const id of ids) expect(Number(id.slice(5)) % 2).toBe(0);
    expect(ids).not.toContain('note-0');
    await page.waitForSelector('#spectrum-plot svg polyline.spectrum');

    mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(failures).toEqual([]);
  });

  it('sends the key entered in the header', async () => {
    const adminApiKey = 'dashboard-test-admin-key-0123456789abcdef';
    const secured = await makeApp({ authMode: 'on', adminApiKey });
    const securedUrl = await secured.listen({ host: '127.0.0.1', port: 0 });
    const page = await browser.newPage();
    try {
      await page.goto(securedUrl);
      await page.waitForFunction(() => document.getElementById('spectrum-status')?.classList.contains('error'));
      expect(await page.textContent('#spectrum-status')).toContain('AUTHENTICATION_REQUIRED');

      await page.fill('#api-key', adminApiKey);
      await page.click('#key-form button');
      await page.waitForFunction(() => document.getElementById('spectrum-status')?.textContent?.startsWith('rank 3'));
      await page.waitForSelector('#attention-plot svg g.cells rect');
    } finally {
      await page.close();
      await secured.close();
    }
  });
});
