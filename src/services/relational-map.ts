/**
 * Linear relational embedding on a stored collection: fit o ≈ W·s + b from (subject, object) id pairs, then rank
 * candidate objects for held-out subjects, next to the store's mean-offset relation vector on the same split.
 *
 * Conventions: embeddings are scaled to unit length first (`normalize`, default true, as the mean offset does).
 * The split is a seeded permutation: round(n·testFraction) pairs (at least one when testFraction > 0) are held out.
 * The affine prediction s·M + b is searched with the collection's metric, leaving out the subject. The mean-offset
 * baseline is POST /relations with the training pairs, which ranks by cosine to ŝ + offset. A held-out pair counts for
 * top-1 when the first hit is its object; ids compare exactly.
 */

import type { Dense } from '../compute/dense.js';
import { permutation, seededUniform } from '../compute/seeded-random.js';
import { DomainError } from '../errors.js';
import type { EmbeddingStore, Hit } from './embedding-store.js';
import type { LinalgDeps } from './linalg.js';

export interface RelationFitRequest {
  pairs: Array<{ subject: string; object: string }>;
  ridge?: number;
  /** Target of the ridge penalty: "zero" (default) or "identity" (towards the mean offset). */
  shrinkTo?: 'zero' | 'identity';
  testFraction?: number;
  seed?: number;
  normalize?: boolean;
  k?: number;
  exact?: boolean;
  filter?: unknown;
  /** Further subjects to rank candidates for with the fitted map (no expected object). */
  subjects?: string[];
  returnMap?: boolean;
}

interface Ranked {
  subject: string;
  expected?: string;
  affine: Array<Pick<Hit, 'id' | 'similarity'>>;
  meanOffset?: Array<Pick<Hit, 'id' | 'similarity'>>;
}

export async function fitRelationService(deps: LinalgDeps, store: EmbeddingStore, name: string, body: RelationFitRequest) {
  const ridge = body.ridge ?? 0;
  const shrinkTo = body.shrinkTo ?? 'zero';
  const testFraction = body.testFraction ?? 0.2;
  const seed = body.seed ?? 0;
  const normalize = body.normalize ?? true;
  const k = body.k ?? 5;
  const exact = body.exact ?? false;

  const ids = [...body.pairs.flatMap((pair) => [pair.subject, pair.object]), ...(body.subjects ?? [])];
  const { record, embeddings } = await store.embeddingsById(name, ids);
  const vectorOf = (id: string, path: string): number[] => {
    const vector = embeddings.get(id);
    if (!vector) throw new DomainError('DOCUMENT_NOT_FOUND', { collection: name, id, path });
    return normalize ? unit(vector, path) : vector;
  };
  const subjects = body.pairs.map((pair, i) => vectorOf(pair.subject, `/pairs/${i}/subject`));
  const objects = body.pairs.map((pair, i) => vectorOf(pair.object, `/pairs/${i}/object`));
  const extra = (body.subjects ?? []).map((id, i) => vectorOf(id, `/subjects/${i}`));

  const { train, test } = splitPairs(body.pairs.length, testFraction, seed);
  if (train.length < 2) {
    throw new DomainError('INVALID_PARAMETER', { path: '/pairs', value: body.pairs.length, reason: `the split leaves ${train.length} fitting pair(s); an affine map needs at least two` });
  }
  const fit = await deps.pool.run('affineMapFit', { s: rowsOf(train.map((i) => subjects[i]!)), o: rowsOf(train.map((i) => objects[i]!)), ridge, shrinkTo });

  const predict = (s: number[]): number[] => {
    const out = Array.from(fit.bias);
    for (let j = 0; j < s.length; j++) for (let c = 0; c < out.length; c++) out[c]! += s[j]! * fit.map.data[j * fit.map.cols + c]!;
    return out;
  };
  const searchFor = async (subject: string, vector: number[]) => {
    const reply = await store.search(name, { vector: predict(vector), k: k + 1, exact, filter: body.filter });
    return reply.hits.filter((hit) => hit.id !== subject).slice(0, k).map(short);
  };

  const trainPairs = train.map((i) => body.pairs[i]!);
  const heldOut: Ranked[] = [];
  for (const i of test) {
    const pair = body.pairs[i]!;
    const offset = await store.relations(name, { pairs: trainPairs, subject: pair.subject, k, exact, filter: body.filter });
    heldOut.push({ subject: pair.subject, expected: pair.object, affine: await searchFor(pair.subject, subjects[i]!), meanOffset: offset.candidates!.hits.map(short) });
  }
  const candidates: Ranked[] = [];
  for (const [i, id] of (body.subjects ?? []).entries()) candidates.push({ subject: id, affine: await searchFor(id, extra[i]!) });

  return {
    collection: name,
    metric: record.metric,
    pairs: body.pairs.length,
    normalize,
    ridge,
    shrinkTo,
    rank: fit.rank,
    trainResidual: fit.relativeResidual,
    split: { seed, testFraction, trainSize: train.length, testSize: test.length },
    accuracy: test.length === 0 ? null : { queries: test.length, affine: accuracy(heldOut, 'affine', k), meanOffset: accuracy(heldOut, 'meanOffset', k) },
    heldOut,
    ...(candidates.length === 0 ? {} : { candidates }),
    ...(body.returnMap ? { map: { w: transposeRows(fit.map), b: Array.from(fit.bias) } } : {}),
  };
}

function accuracy(results: Ranked[], method: 'affine' | 'meanOffset', k: number) {
  let top1 = 0;
  let topK = 0;
  for (const result of results) {
    const hits = result[method] ?? [];
    if (hits[0]?.id === result.expected) top1++;
    if (hits.some((hit) => hit.id === result.expected)) topK++;
  }
  return { top1: top1 / results.length, [`top${k}`]: topK / results.length };
}

function short(hit: Hit): Pick<Hit, 'id' | 'similarity'> {
  return { id: hit.id, similarity: hit.similarity };
}

function unit(vector: number[], path: string): number[] {
  let sum = 0;
  for (const x of vector) sum += x * x;
  if (sum === 0) throw new DomainError('ZERO_NORM_VECTOR', { path, reason: 'it has no direction to scale to unit length (send normalize: false)' });
  const norm = Math.sqrt(sum);
  return vector.map((x) => x / norm);
}

function rowsOf(rows: number[][]): Dense {
  const d = rows[0]!.length;
  const out: Dense = { rows: rows.length, cols: d, data: new Float64Array(rows.length * d) };
  rows.forEach((row, i) => out.data.set(row, i * d));
  return out;
}

/** Returns W = Mᵀ as rows, so that the reply's map reads o = W·s + b. */
function transposeRows(m: Dense): number[][] {
  return Array.from({ length: m.cols }, (_, c) => Array.from({ length: m.rows }, (_, r) => m.data[r * m.cols + c]!));
}

/** Splits n pairs by a seeded permutation, holding out the last round(n·testFraction) (at least one when testFraction > 0). */
function splitPairs(n: number, testFraction: number, seed: number): { train: number[]; test: number[] } {
  const order = Array.from(permutation(n, seededUniform(seed)));
  const testSize = testFraction === 0 ? 0 : Math.max(1, Math.round(n * testFraction));
  return { train: order.slice(0, n - testSize).sort((a, b) => a - b), test: order.slice(n - testSize).sort((a, b) => a - b) };
}
