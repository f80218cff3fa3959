/**
 * A per-thread cache of LSA embedders by stored embedder id, so that a worker receives a model once instead of with
 * every embedding request (V of a 20,000-term, 256-dimension model is 41 MB of float64).
 *
 * Protocol: the caller first sends only the id. A worker without that model replies `{ missing: true }`, and the
 * caller sends the request again with the model, which the receiving worker then keeps. Stored embedders are never
 * changed after they are written, so an id always names the same model.
 */

import type { Dense } from '../dense.js';
import { createLsaEmbedder } from './embed.js';
import type { LsaModel } from './model.js';

export interface CachedEmbedArgs {
  embedderId: string;
  texts: string[];
  /** Present on the second try, after a `{ missing: true }` reply. */
  model?: LsaModel;
  /** Models this thread keeps; the least recently used one is dropped beyond it. */
  cacheSize: number;
}

export type CachedEmbedResult = { embeddings: Dense } | { missing: true };

/** Embedders of this thread, least recently used first (a Map iterates in insertion order). */
const embedders = new Map<string, (texts: readonly string[]) => Dense>();

export function embedWithCachedModel(args: CachedEmbedArgs): CachedEmbedResult {
  let embed = embedders.get(args.embedderId);
  if (embed) {
    embedders.delete(args.embedderId);
  } else {
    if (!args.model) return { missing: true };
    embed = createLsaEmbedder(args.model);
  }
  embedders.set(args.embedderId, embed);

  while (embedders.size > Math.max(1, args.cacheSize)) {
    const oldest = embedders.keys().next().value as string;
    embedders.delete(oldest);
  }
  return { embeddings: embed(args.texts) };
}
