/**
 * Sends the 8000×300 GoogleNews word2vec matrix to a running Vectorspace over HTTP and prints its numerical rank,
 * σ1…σ5 and the time each request took.
 *
 *   npm start &                      # in another terminal
 *   npm run example:spectrum         # SERVICE_URL=http://127.0.0.1:8080 by default
 */

import { dataFile } from '../src/io/data-files.js';
import { readWord2vecText } from '../src/io/word2vec.js';

/** σ1…σ5 of the matrix from LAPACK through numpy (float64, not centred). */
const REFERENCE = [66.82525624, 37.64770485, 36.49965530, 33.29754329, 31.75232761];

async function postJson(url: string, body: unknown): Promise<{ reply: Record<string, unknown>; ms: number }> {
  const started = performance.now();
  // API_KEY: a key with the compute scope, needed unless the service runs with AUTH_MODE=off.
  const headers: Record<string, string> = { 'content-type': 'application/json', ...(process.env.API_KEY ? { authorization: `Bearer ${process.env.API_KEY}` } : {}) };
  const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body) });
  const reply = (await response.json()) as Record<string, unknown>;
  const ms = performance.now() - started;
  if (!response.ok) throw new Error(`${url} returned ${response.status}: ${String(reply.message)}`);
  return { reply, ms };
}

async function main(): Promise<void> {
  const file = dataFile('googlenews-w2v-8000x300.txt.gz');
  if (file === null) {
    console.error('googlenews-w2v-8000x300.txt.gz not found in ../shared/data (or VECTORSPACE_DATA_DIR); nothing to do.');
    process.exit(1);
  }
  const service = process.env.SERVICE_URL ?? 'http://127.0.0.1:8080';

  const { words, dimensions, vectors } = await readWord2vecText(file);
  const matrix = { shape: [words.length, dimensions], dtype: 'float64', data: Buffer.from(vectors.buffer).toString('base64') };
  console.log(`Read ${words.length}×${dimensions} from ${file}`);

  const rank = await postJson(`${service}/v1/analysis/rank`, { matrix });
  const svd = await postJson(`${service}/v1/decompositions/svd`, { matrix, format: 'json' });

  const sigma = (svd.reply.s as number[]).slice(0, 5);
  const worst = Math.max(...sigma.map((value, i) => Math.abs(value - REFERENCE[i]!) / REFERENCE[i]!));
  console.log(`rank            ${String(rank.reply.rank)} (tolerance ${(rank.reply.tolerance as { value: number }).value.toExponential(3)})`);
  console.log(`σ1…σ5           ${sigma.map((value) => value.toFixed(8)).join(', ')}`);
  console.log(`reference       ${REFERENCE.map((value) => value.toFixed(8)).join(', ')}`);
  console.log(`max rel. diff.  ${worst.toExponential(2)} ${worst <= 1e-8 ? '(within 1e-8)' : '(NOT within 1e-8)'}`);
  console.log(`rank request    ${rank.ms.toFixed(0)} ms`);
  console.log(`svd request     ${svd.ms.toFixed(0)} ms (reduced U, s, V as JSON)`);
  if (worst > 1e-8) process.exit(2);
}

await main();
