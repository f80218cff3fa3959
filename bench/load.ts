/**
 * Load drill: LOAD_SECONDS (default 60) of mixed traffic from autocannon against the service started as a child
 * process on loopback, LOAD_CONNECTIONS (default 16) connections. Reports errors (non-2xx and socket errors),
 * latency p50/p99 and requests/s to docs/reliability.md, section `load`.
 *
 *   npm run drill:load
 */

import autocannon from 'autocannon';

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

/** The mix: cheap probes, small and medium decompositions, a GraphQL query. Each request is one of these in turn. */
const MIX = [
  { name: 'health', method: 'GET' as const, path: '/health/live' },
  { name: 'svd 16×16', method: 'POST' as const, path: '/v1/decompositions/svd', headers: json, body: JSON.stringify({ matrix: matrix(16, 16, 1) }) },
  { name: 'rank 64×32', method: 'POST' as const, path: '/v1/analysis/rank', headers: json, body: JSON.stringify({ matrix: matrix(64, 32, 2) }) },
  { name: 'qr 32×8', method: 'POST' as const, path: '/v1/decompositions/qr', headers: json, body: JSON.stringify({ matrix: matrix(32, 8, 3), pivoting: true }) },
  { name: 'gram-schmidt 8×16', method: 'POST' as const, path: '/v1/orthogonalization/gram-schmidt', headers: json, body: JSON.stringify({ vectors: matrix(8, 16, 4), layout: 'rows' }) },
  { name: 'graphql det', method: 'POST' as const, path: '/graphql', headers: json, body: JSON.stringify({ query: '{ det(matrix: [[2, 1], [1, 3]]) { det } }' }) },
];

async function main(): Promise<void> {
  const seconds = Number(process.env.LOAD_SECONDS ?? 60);
  const connections = Number(process.env.LOAD_CONNECTIONS ?? 16);
  const service = await startService({ RATE_LIMIT_PER_MINUTE: '0' });
  try {
    const result = await autocannon({
      url: service.url,
      connections,
      duration: seconds,
      requests: MIX.map(({ method, path, headers, body }) => ({ method, path, headers, body })),
    });

    const non2xx = result.non2xx;
    const report = [
      '## Mixed load',
      '',
      `${machineLine()} Script: \`npm run drill:load\` (bench/load.ts, autocannon on loopback).`,
      '',
      `${seconds} s, ${connections} connections, requests cycling through: ${MIX.map((entry) => entry.name).join(', ')}.`,
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
