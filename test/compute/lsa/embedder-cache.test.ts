import { describe, expect, it } from 'vitest';

import { embedTexts } from '../../../src/compute/lsa/embed.js';
import { embedWithCachedModel } from '../../../src/compute/lsa/embedder-cache.js';
import { fitLsa } from '../../../src/compute/lsa/fit.js';
import { jsEngine } from '../../../src/compute/js-engine.js';

const corpus = ['Chest pain with heart murmur.', 'Heart murmur and palpitations.', 'Knee fracture with a cast.', 'Cast and crutches for the knee.'];

describe('worker embedder cache', () => {
  const model = fitLsa(jsEngine, corpus, { dimensions: 2 }).model;
  const texts = ['heart murmur', 'knee cast'];

  it('asks for the model once, then embeds by id', () => {
    expect(embedWithCachedModel({ embedderId: 'a', texts, cacheSize: 2 })).toEqual({ missing: true });

    const first = embedWithCachedModel({ embedderId: 'a', texts, model, cacheSize: 2 });
    const second = embedWithCachedModel({ embedderId: 'a', texts, cacheSize: 2 });
    const expected = embedTexts(model, texts);
    expect(first).toEqual({ embeddings: expected });
    expect(second).toEqual({ embeddings: expected });
  });

  it('drops the least recently used model', () => {
    embedWithCachedModel({ embedderId: 'x', texts, model, cacheSize: 2 });
    embedWithCachedModel({ embedderId: 'y', texts, model, cacheSize: 2 });
    // Using x makes y the least recently used, so adding z drops y.
    embedWithCachedModel({ embedderId: 'x', texts, cacheSize: 2 });
    embedWithCachedModel({ embedderId: 'z', texts, model, cacheSize: 2 });

    expect(embedWithCachedModel({ embedderId: 'y', texts, cacheSize: 2 })).toEqual({ missing: true });
    expect(embedWithCachedModel({ embedderId: 'x', texts, cacheSize: 2 })).toHaveProperty('embeddings');
    expect(embedWithCachedModel({ embedderId: 'z', texts, cacheSize: 2 })).toHaveProperty('embeddings');
  });
});
