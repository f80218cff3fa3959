import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Progress } from '../../src/compute/progress.js';
import { DomainError } from '../../src/errors.js';
import { ComputePool } from '../../src/services/compute-pool.js';
import { embedLsaService, fitLsaService, type LsaDeps } from '../../src/services/lsa.js';
import { decodeLsaModel, encodeLsaModel } from '../../src/services/lsa-model-codec.js';

const corpus = [
  'Chest pain with heart murmur and palpitations.',
  'Heart murmur, chest pain, echocardiogram ordered.',
  'Palpitations and chest pain; echocardiogram shows murmur.',
  'Knee fracture with cast and crutches.',
  'Fracture of the knee; cast applied, crutches given.',
  'Knee swelling after fracture, cast removed, crutches.',
];

async function rejection(promise: Promise<unknown>): Promise<DomainError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError');
}

describe('lsa service', () => {
  let deps: LsaDeps;
  beforeAll(() => {
    deps = { pool: new ComputePool({ threads: 1, timeoutMs: 30_000, engine: 'js' }), maxModelElements: 1_000_000, fitTimeoutMs: 60_000 };
  });
  afterAll(async () => deps.pool.close());

  it('fits in the worker pool and forwards progress', async () => {
    const reports: Progress[] = [];
    const summary = await fitLsaService(deps, { texts: corpus, dimensions: 2, seed: 3 }, (progress) => reports.push(progress));

    expect(summary.dimensions).toBe(2);
    expect(summary.documents).toBe(6);
    expect(summary.singularValues).toHaveLength(2);
    expect(summary.model.components.rows).toBe(summary.vocabularySize);
    expect(reports.at(0)!.stage).toBe('tfidf');
    expect(reports.at(-1)).toEqual({ stage: 'done', fraction: 1 });
    for (let i = 1; i < reports.length; i++) expect(reports[i]!.fraction).toBeGreaterThanOrEqual(reports[i - 1]!.fraction);
  });

  it('embeds the same after a JSON round trip', async () => {
    const { model } = await fitLsaService(deps, { texts: corpus, dimensions: 3 });
    const stored = JSON.parse(JSON.stringify(encodeLsaModel(model)));
    const restored = decodeLsaModel(stored, '/model');

    const direct = await embedLsaService(deps, model, { texts: ['heart murmur', 'knee cast'] });
    const roundTrip = await embedLsaService(deps, restored, { texts: ['heart murmur', 'knee cast'] });

    expect(roundTrip.rows).toBe(2);
    expect(roundTrip.cols).toBe(3);
    expect(roundTrip.data).toEqual(direct.data);
  });

  it('rejects a stored model of another version', async () => {
    const { model } = await fitLsaService(deps, { texts: corpus, dimensions: 2 });
    const stored = { ...encodeLsaModel(model), version: 2 };

    const error = await rejection(Promise.resolve().then(() => decodeLsaModel(stored, '/model')));
    expect(error.code).toBe('INVALID_MODEL');
    expect(error.params.path).toBe('/model/version');
  });

  it('rejects a stored model with inconsistent sizes', async () => {
    const { model } = await fitLsaService(deps, { texts: corpus, dimensions: 2 });
    const stored = { ...encodeLsaModel(model), vocabulary: model.vocabulary.slice(1) };

    const error = await rejection(Promise.resolve().then(() => decodeLsaModel(stored)));
    expect(error.code).toBe('INVALID_MODEL');
    expect(error.params.path).toBe('/idf');
  });

  it.each([
    ['no texts', { texts: [] }, 'INVALID_PARAMETER', '/texts'],
    ['a number as text', { texts: ['ok', 5] }, 'INVALID_PARAMETER', '/texts/1'],
    ['zero dimensions', { texts: corpus, dimensions: 0 }, 'INVALID_PARAMETER', '/dimensions'],
    ['dimensions above the rank bound', { texts: corpus, dimensions: 100 }, 'INVALID_PARAMETER', '/dimensions'],
    ['minDf above the text count', { texts: corpus, minDf: 7 }, 'INVALID_PARAMETER', '/minDf'],
    ['maxDf of zero', { texts: corpus, maxDf: 0 }, 'INVALID_PARAMETER', '/maxDf'],
    ['a negative seed', { texts: corpus, seed: -1 }, 'INVALID_PARAMETER', '/seed'],
    ['too many power iterations', { texts: corpus, powerIterations: 31 }, 'INVALID_PARAMETER', '/powerIterations'],
  ])('rejects %s', async (_label, body, code, path) => {
    const error = await rejection(fitLsaService(deps, body as never));

    expect(error.code).toBe(code);
    expect(error.params.path).toBe(path);
  });

  it('rejects stop-word-only texts from the worker', async () => {
    const error = await rejection(fitLsaService(deps, { texts: ['the and of', 'she was not'] }));

    expect(error.code).toBe('EMPTY_VOCABULARY');
    expect(error.status).toBe(422);
  });

  it('rejects a model above the element limit', async () => {
    const error = await rejection(fitLsaService({ ...deps, maxModelElements: 5 }, { texts: corpus, dimensions: 2 }));

    expect(error.code).toBe('RESULT_TOO_LARGE');
  });
});
