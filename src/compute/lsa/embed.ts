/**
 * Embedding texts with a fitted LSA model: tokenize with the model's settings, weight by its idf into an
 * l2-normalised TF-IDF row x, and return Vᵀ·x (see model.ts for why no Σ⁻¹ is applied). A text with no vocabulary
 * term embeds to the zero vector, whose cosine similarity is undefined, so callers that rank by cosine must skip it.
 */

import { type Dense, zeros } from '../dense.js';
import type { LsaModel } from './model.js';
import { tfidfRow } from './tfidf.js';
import { tokenize } from './tokenizer.js';
import { vocabularyIndex } from './vocabulary.js';

/** Returns a function that embeds texts into a texts×k matrix, reusing one vocabulary index across calls. */
export function createLsaEmbedder(model: LsaModel): (texts: readonly string[]) => Dense {
  const index = vocabularyIndex(model.vocabulary);
  const { components } = model;
  const k = components.cols;

  return (texts) => {
    const out = zeros(texts.length, k);
    for (let i = 0; i < texts.length; i++) {
      const row = tfidfRow(tokenize(texts[i]!, model.tokenizer), index, model.idf);
      const outOffset = i * k;
      for (let p = 0; p < row.indices.length; p++) {
        const weight = row.data[p]!;
        const componentOffset = row.indices[p]! * k;
        for (let c = 0; c < k; c++) out.data[outOffset + c]! += weight * components.data[componentOffset + c]!;
      }
    }
    return out;
  };
}

export function embedTexts(model: LsaModel, texts: readonly string[]): Dense {
  return createLsaEmbedder(model)(texts);
}
