import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { dataFile } from '../../src/io/data-files.js';
import { readWord2vecText } from '../../src/io/word2vec.js';
import { makeApp, post } from '../helpers.js';

const file = dataFile('googlenews-w2v-8000x300.txt.gz');
if (file === null) console.warn('Skipping the GoogleNews spectrum test: googlenews-w2v-8000x300.txt.gz is not in ../shared/data.');

/** σ1…σ5 of the 8000×300 matrix from LAPACK through numpy, and its numerical rank at numpy's default tolerance. */
const REFERENCE = [66.82525624, 37.64770485, 36.49965530, 33.29754329, 31.75232761];

describe.skipIf(file === null)('GoogleNews word2vec spectrum', () => {
  let app: FastifyInstance;
  let matrix: { shape: number[]; dtype: string; data: string };

  beforeAll(async () => {
    app = await makeApp({ computeTimeoutMs: 120_000 });
    const { words, dimensions, vectors } = await readWord2vecText(file!);
    matrix = { shape: [words.length, dimensions], dtype: 'float64', data: Buffer.from(vectors.buffer).toString('base64') };
  });
  afterAll(async () => app.close());

  it('has rank 300 and σ1…σ5 within 1e-8 of LAPACK', async () => {
    const { status, body } = await post(app, '/v1/analysis/rank', { matrix });
    expect(status).toBe(200);
    expect(body.shape).toEqual([8000, 300]);
    expect(body.rank).toBe(300);
    REFERENCE.forEach((sigma, i) => expect(Math.abs(body.singularValues[i] - sigma) / sigma).toBeLessThan(1e-8));
    expect(body.singularValues[299]).toBeCloseTo(5.4833851, 6);
  });
});
