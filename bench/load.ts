/**
 * Load drill: LOAD_SECONDS (default 60) of mixed traffic from autocannon against the service started as a child
 * process on loopback, LOAD_CONNECTIONS (default 16) connections, with API keys on and the embedding store on a
 * fresh database of the local PostgreSQL (DRILL_POSTGRES_URL). Reports errors (non-2xx and socket errors),
 * latency p50/p99 and requests/s to docs/reliability.md, section `load`.
 *
 *   npm run drill:load
 */

import autocannon from 'autocannon';

import { DRILL_ADMIN_KEY, freshDrillDatabase, sendJson } from './drill-database.js';
import { machineLine, writeReportSection } from './report.js';
import { startService } from './server-process.js';

function matrix(rows: number, cols: number, seed: number): number[][] {
  let state = seed;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648 - 0.5;
  };
  return Array.from({ length: rows }, () => Array.from({ length: cols }, next));
}

const json = { 'content-type': 'application/json' };

/** Documents in the searched collection, and their dimensions. */
const STORE_DOCUMENTS = 5000;
const STORE_DIMENSIONS = 128;

/** The mix: cheap probes, small and medium decompositions, a GraphQL query, store searches. Each request is one of these in turn. */
const MIX = [
  { name: 'health', method: 'GET' as const, path: '/health/live' },
  { name: 'svd 16×16', method: 'POST' as const, path: '/v1/decompositions/svd', headers: json, body: JSON.stringify({ matrix: matrix(16, 16, 1) }) },
  { name: 'rank 64×32', method: 'POST' as const, path: '/v1/analysis/rank', headers: json, body: JSON.stringify({ matrix: matrix(64, 32, 2) }) },
  { name: 'qr 32×8', method: 'POST' as const, path: '/v1/decompositions/qr', headers: json, body: JSON.stringify({ matrix: matrix(32, 8, 3), pivoting: true }) },
  { name: 'gram-schmidt 8×16', method: 'POST' as const, path: '/v1/orthogonalization/gram-schmidt', headers: json, body: JSON.stringify({ vectors: matrix(8, 16, 4), layout: 'rows' }) },
  { name: 'graphql det', method: 'POST' as const, path: '/graphql', headers: json, body: JSON.stringify({ query: '{ det(matrix: [[2, 1], [1, 3]]) { det } }' }) },
  { name: `search k=10 (HNSW, ${STORE_DOCUMENTS}×${STORE_DIMENSIONS})`, method: 'POST' as const, path: '/v1/collections/load/search', headers: json, body: JSON.stringify({ vector: matrix(1, STORE_DIMENSIONS, 5)[0], k: 10 }) },
  { name: 'filtered search k=10', method: 'POST' as const, path: '/v1/collections/load/search', headers: json, body: JSON.stringify({ vector: matrix(1, STORE_DIMENSIONS, 6)[0], k: 10, filter: { group: 3 } }) },
];

/** Creates the searched collection and a key with compute and read scopes; returns the key. */
async function prepareStore(url: string): Promise<string> {
  const created = await sendJson(url, DRILL_ADMIN_KEY, 'POST', '/v1/admin/keys', { name: 'load drill', tenant: 'drill', scopes: ['compute', 'embeddings:read', 'embeddings:write'] });
  const key = created.body.key as string;
  await sendJson(url, key, 'POST', '/v1/collections', { name: 'load', dimensions: STORE_DIMENSIONS });
  const rows = matrix(STORE_DOCUMENTS, STORE_DIMENSIONS, 7);
  for (let start = 0; start < STORE_DOCUMENTS; start += 1000) {
    const documents = rows.slice(start, start + 1000).map((embedding, i) => ({ id: `doc-${start + i}`, embedding, metadata: { group: (start + i) % 10 } }));
    const reply = await sendJson(url, key, 'POST', '/v1/collections/load/documents', { documents });
    if (reply.status !== 200) throw new Error(`loading the collection failed: ${JSON.stringify(reply.body)}`);
  }
  return key;
}

async function main(): Promise<void> {
  const seconds = Number(process.env.LOAD_SECONDS ?? 60);
  const connections = Number(process.env.LOAD_CONNECTIONS ?? 16);
  const databaseUrl = await freshDrillDatabase('vectorspace_load_drill');
  const service = await startService({ RATE_LIMIT_PER_MINUTE: '0', DATABASE_URL: databaseUrl, ADMIN_API_KEY: DRILL_ADMIN_KEY });
  try {
    const key = await prepareStore(service.url);
    const result = await autocannon({
      url: service.url,
      connections,
      duration: seconds,
      requests: MIX.map(({ method, path, headers, body }) => ({ method, path, headers: { ...headers, authorization: `Bearer ${key}` }, body })),
    });

    const non2xx = result.non2xx;
    const report = [
      '## Mixed load',
      '',
      `${machineLine()} Script: \`npm run drill:load\` (bench/load.ts, autocannon on loopback).`,
      '',
      `${seconds} s, ${connections} connections, API keys on (every request authenticated, store reads audited), embedding store on`,
      `PostgreSQL 15 + pgvector on the same machine; requests cycling through: ${MIX.map((entry) => entry.name).join(', ')}.`,
      '',
      '| requests | requests/s | p50 latency | p99 latency | non-2xx | socket errors | timeouts | crashes |',
      '| --- | --- | --- | --- | --- | --- | --- | --- |',
      `| ${result.requests.total} | ${result.requests.average.toFixed(0)} | ${result.latency.p50} ms | ${result.latency.p99} ms | ${non2xx} | ${result.errors} | ${result.timeouts} | ${service.exits.length} |`,
    ].join('\n');
    writeReportSection('docs/reliability.md', 'load', report, '# Reliability drills');
    console.log(report);
    if (non2xx > 0 || result.errors > 0 || service.exits.length > 0) process.exitCode = 1;
  } finally {
    await service.stop();
  }
}

await main();
