/**
 * Linear relational probes on a stored collection: is a relation linearly readable from v_o − v_s? A logistic
 * regression σ(wᵀ(v_o − v_s) + b) is trained with TensorFlow.js on the worker pool (src/compute/relational-probe.ts)
 * from positive (subject, object) pairs and sampled negatives, and scored on held-out pairs.
 *
 * Conventions: embeddings are scaled to unit length first (`normalize`, default true). The pairs are split by a
 * seeded permutation (round(n·testFraction) held out, at least one when testFraction > 0). Each subject gets
 * `negativesPerPair` negatives (subject, o′). With `negatives: "pairs"` (default) o′ is drawn, seeded, from the
 * objects of the other pairs. With `"collection"` it is drawn from a seeded sample of `negativeSampleSize` documents
 * of the collection. Neither forms a listed positive pair or uses the subject itself. With `"reversed"` the negative
 * is the pair reversed, (object, subject), one per pair. Held-out subjects get their negatives the same way, so the held-out accuracy covers
 * subjects the probe never saw.
 *
 * A limit of the probe worth knowing: wᵀ(v_o − v_s) is additive in s and o, so it cannot model which object goes
 * with which subject. With "pairs" negatives that use every object equally often, the positive and negative
 * differences have the same mean, the gradient at w = 0 vanishes, and the probe stays at chance by construction.
 * "collection" negatives test whether o is the right kind of word for the relation; "reversed" whether the
 * relation has a direction.
 */

import type { Dense32 } from '../compute/arrays32.js';
import type { ProbeSet } from '../compute/relational-probe.js';
import { deriveSeed, permutation, seededUniform } from '../compute/seeded-random.js';
import { DomainError } from '../errors.js';
import type { EmbeddingStore } from './embedding-store.js';
import type { LinalgDeps } from './linalg.js';

export interface ProbeRequest {
  pairs: Array<{ subject: string; object: string }>;
  negatives?: 'pairs' | 'collection' | 'reversed';
  negativesPerPair?: number;
  negativeSampleSize?: number;
  testFraction?: number;
  seed?: number;
  normalize?: boolean;
  epochs?: number;
  learningRate?: number;
  l2?: number;
  /** Leave the weight vector out of the reply (it has one entry per dimension). Default false. */
  omitWeights?: boolean;
}

export const PROBE_DEFAULTS = { negatives: 'pairs', negativesPerPair: 1, negativeSampleSize: 2000, testFraction: 0.25, seed: 0, epochs: 300, learningRate: 0.05, l2: 0.001 } as const;

export async function relationalProbeService(deps: LinalgDeps, store: EmbeddingStore, name: string, body: ProbeRequest) {
  const negatives = body.negatives ?? PROBE_DEFAULTS.negatives;
  const perPair = body.negativesPerPair ?? PROBE_DEFAULTS.negativesPerPair;
  const testFraction = body.testFraction ?? PROBE_DEFAULTS.testFraction;
  const seed = body.seed ?? PROBE_DEFAULTS.seed;
  const normalize = body.normalize ?? true;
  const options = { epochs: body.epochs ?? PROBE_DEFAULTS.epochs, learningRate: body.learningRate ?? PROBE_DEFAULTS.learningRate, l2: body.l2 ?? PROBE_DEFAULTS.l2 };

  const ids = body.pairs.flatMap((pair) => [pair.subject, pair.object]);
  const { record, embeddings } = await store.embeddingsById(name, ids);
  const vectors = new Map<string, Float32Array>();
  body.pairs.forEach((pair, i) => {
    for (const [id, path] of [
      [pair.subject, `/pairs/${i}/subject`],
      [pair.object, `/pairs/${i}/object`],
    ] as const) {
      const vector = embeddings.get(id);
      if (!vector) throw new DomainError('DOCUMENT_NOT_FOUND', { collection: name, id, path });
      vectors.set(id, toFloat32(vector, normalize, path));
    }
  });

  let pool: string[];
  if (negatives === 'reversed') {
    pool = [];
  } else if (negatives === 'pairs') {
    pool = [...new Set(body.pairs.map((pair) => pair.object))];
  } else {
    const sample = await store.embeddingSample(name, { limit: body.negativeSampleSize ?? PROBE_DEFAULTS.negativeSampleSize, seed: deriveSeed(seed, 1) });
    sample.ids.forEach((id, i) => vectors.set(id, toFloat32(sample.embeddings[i]!, normalize, '/negatives')));
    pool = sample.ids;
  }

  const positives = new Set(body.pairs.map((pair) => `${pair.subject}\u0000${pair.object}`));
  const order = Array.from(permutation(body.pairs.length, seededUniform(seed)));
  const testSize = testFraction === 0 ? 0 : Math.min(body.pairs.length - 1, Math.max(1, Math.round(body.pairs.length * testFraction)));
  const testIndices = order.slice(0, testSize).sort((a, b) => a - b);
  const trainIndices = order.slice(testSize).sort((a, b) => a - b);

  const uniform = seededUniform(deriveSeed(seed, 2));
  const build = (indices: number[]): ProbeSet => {
    const rows: Float32Array[] = [];
    const labels: number[] = [];
    for (const i of indices) {
      const { subject, object } = body.pairs[i]!;
      rows.push(difference(vectors.get(object)!, vectors.get(subject)!));
      labels.push(1);
      if (negatives === 'reversed') {
        rows.push(difference(vectors.get(subject)!, vectors.get(object)!));
        labels.push(0);
        continue;
      }
      const candidates = pool.filter((id) => id !== subject && !positives.has(`${subject}\u0000${id}`));
      if (candidates.length < perPair) {
        throw new DomainError('INVALID_PARAMETER', { path: '/negativesPerPair', value: perPair, reason: `subject ${JSON.stringify(subject)} has only ${candidates.length} possible negatives` });
      }
      for (const j of pick(candidates.length, perPair, uniform)) {
        rows.push(difference(vectors.get(candidates[j]!)!, vectors.get(subject)!));
        labels.push(0);
      }
    }
    return { x: stack(rows, record.dimensions), y: Float32Array.from(labels) };
  };
  const train = build(trainIndices);
  const test = testIndices.length > 0 ? build(testIndices) : undefined;

  const result = await deps.pool.run('relationalProbe', { train, test, options });
  return {
    collection: name,
    pairs: body.pairs.length,
    negatives: negatives === 'reversed' ? { source: negatives, perPair: 1 } : { source: negatives, perPair, poolSize: pool.length },
    normalize,
    training: { ...options, optimizer: 'adam, full batch', examples: train.y.length, loss: finite(result.trainLoss), accuracy: result.trainAccuracy },
    heldOut:
      test === undefined
        ? null
        : { pairs: testIndices.length, examples: test.y.length, loss: finite(result.testLoss), accuracy: result.testAccuracy, confusion: result.testConfusion, subjects: testIndices.map((i) => body.pairs[i]!.subject) },
    split: { seed, testFraction },
    bias: finite(result.bias),
    weightNorm: Math.sqrt(result.weights.reduce((sum, x) => sum + x * x, 0)),
    ...(body.omitWeights ? {} : { weights: Array.from(result.weights, finite) }),
    backend: result.backend,
  };
}

function finite(value: number | null): number | null {
  return value === null || !Number.isFinite(value) ? null : value;
}

function toFloat32(vector: readonly number[], normalize: boolean, path: string): Float32Array {
  if (!normalize) return Float32Array.from(vector);
  let sum = 0;
  for (const x of vector) sum += x * x;
  if (sum === 0) throw new DomainError('ZERO_NORM_VECTOR', { path, reason: 'it has no direction to scale to unit length (send normalize: false)' });
  const norm = Math.sqrt(sum);
  return Float32Array.from(vector, (x) => x / norm);
}

function difference(object: Float32Array, subject: Float32Array): Float32Array {
  return object.map((x, i) => x - subject[i]!);
}

function stack(rows: Float32Array[], d: number): Dense32 {
  const data = new Float32Array(rows.length * d);
  rows.forEach((row, i) => data.set(row, i * d));
  return { rows: rows.length, cols: d, data };
}

/** Draws `count` distinct indices below n by a partial Fisher–Yates shuffle. */
function pick(n: number, count: number, uniform: () => number): number[] {
  const indices = Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(uniform() * (n - i));
    [indices[i], indices[j]] = [indices[j]!, indices[i]!];
  }
  return indices.slice(0, count);
}
