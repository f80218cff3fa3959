/**
 * Database outage drill: the service runs on the local PostgreSQL 15 cluster under steady mixed load (upserts,
 * searches, compute). After a baseline, the drill stops PostgreSQL with `pg_ctlcluster --skip-systemctl-redirect
 * 15 main stop` (fast shutdown), keeps the load on for OUTAGE_SECONDS (default 10), starts it again, and keeps
 * the load on until the service has recovered and 5 s more. PostgreSQL is started again whatever happens.
 *
 * It reports: compute replies during the outage (all must succeed), database replies during the outage (503
 * DATABASE_UNAVAILABLE and their latency: no hang), /health/ready during the outage (must fail), the time from
 * PostgreSQL accepting connections to the first successful database request (must be ≤ 5 s), and the acknowledged
 * upserts missing after the restart (must be 0). Results go to docs/reliability.md, section `outage`.
 *
 * Run as a user allowed to stop the cluster (root or postgres), on a machine where nothing else needs PostgreSQL
 * for a minute:   npm run drill:outage
 */

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

import pg from 'pg';

import { DRILL_ADMIN_KEY, freshDrillDatabase, sendJson } from './drill-database.js';
import { machineLine, writeReportSection } from './report.js';
import { startService } from './server-process.js';

const run = promisify(execFile);
const CLUSTER = ['--skip-systemctl-redirect', '15', 'main'];
const DIMENSIONS = 16;

interface Sample {
  /** ms since the drill's start. */
  at: number;
  kind: 'upsert' | 'search' | 'compute';
  status: number;
  code: string | undefined;
  ms: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function cluster(action: 'stop' | 'start'): Promise<void> {
  await run('pg_ctlcluster', [...CLUSTER, action]);
}

async function clusterOnline(): Promise<boolean> {
  try {
    await run('pg_ctlcluster', [...CLUSTER, 'status']);
    return true;
  } catch {
    return false;
  }
}

function vector(seed: number): number[] {
  return Array.from({ length: DIMENSIONS }, (_, i) => Math.sin(seed * 12.9898 + i * 78.233));
}

async function main(): Promise<void> {
  const outageSeconds = Number(process.env.OUTAGE_SECONDS ?? 10);
  const concurrency = Number(process.env.OUTAGE_CONNECTIONS ?? 8);
  const databaseUrl = await freshDrillDatabase('vectorspace_outage_drill');
  const service = await startService({
    DATABASE_URL: databaseUrl,
    ADMIN_API_KEY: DRILL_ADMIN_KEY,
    RATE_LIMIT_PER_MINUTE: '0',
    DATABASE_CONNECT_TIMEOUT_MS: '1000',
    MAX_EVENT_LOOP_DELAY_MS: '5000',
    WORKER_THREADS: '2',
  });
  let stopped = false;

  try {
    const created = await sendJson(service.url, DRILL_ADMIN_KEY, 'POST', '/v1/admin/keys', { name: 'outage drill', tenant: 'drill', scopes: ['compute', 'embeddings:read', 'embeddings:write'] });
    const key = created.body.key as string;
    await sendJson(service.url, key, 'POST', '/v1/collections', { name: 'outage', dimensions: DIMENSIONS });
    await sendJson(service.url, key, 'POST', '/v1/collections/outage/documents', { documents: Array.from({ length: 200 }, (_, i) => ({ id: `seed-${i}`, embedding: vector(i) })) });

    const started = performance.now();
    const now = () => performance.now() - started;
    const samples: Sample[] = [];
    const acknowledged = new Set<string>(Array.from({ length: 200 }, (_, i) => `seed-${i}`));
    const readiness: Array<{ at: number; status: number }> = [];
    let running = true;
    let next = 0;

    const worker = async (id: number) => {
      for (let turn = 0; running; turn++) {
        const kind = (['upsert', 'search', 'compute'] as const)[(id + turn) % 3]!;
        const begin = now();
        let status = 0;
        let code: string | undefined;
        try {
          if (kind === 'upsert') {
            const docId = `doc-${next++}`;
            const reply = await sendJson(service.url, key, 'POST', '/v1/collections/outage/documents', { documents: [{ id: docId, embedding: vector(next + 1000) }] });
            status = reply.status;
            code = reply.body?.code;
            if (status === 200) acknowledged.add(docId);
          } else if (kind === 'search') {
            const reply = await sendJson(service.url, key, 'POST', '/v1/collections/outage/search', { vector: vector(turn), k: 5 });
            status = reply.status;
            code = reply.body?.code;
          } else {
            const reply = await sendJson(service.url, key, 'POST', '/v1/analysis/det', { matrix: [[2, 1, 0], [1, 3, 1], [0, 1, 4]] });
            status = reply.status;
            code = reply.body?.code;
          }
        } catch {
          status = 0;
        }
        samples.push({ at: begin, kind, status, code, ms: now() - begin });
      }
    };
    const probe = async () => {
      while (running) {
        const response = await fetch(`${service.url}/health/ready`).catch(() => undefined);
        readiness.push({ at: now(), status: response?.status ?? 0 });
        await response?.arrayBuffer();
        await sleep(200);
      }
    };
    const load = [...Array.from({ length: concurrency }, (_, i) => worker(i)), probe()];

    await sleep(5000);
    await cluster('stop');
    stopped = true;
    const stoppedAt = now();
    await sleep(outageSeconds * 1000);
    // PostgreSQL accepts connections before pg_ctlcluster returns, so the outage ends when the start is issued and
    // recovery is counted from when it returns.
    const startIssuedAt = now();
    await cluster('start');
    stopped = false;
    const startedAt = now();

    // Recovered: a database request that began after the start succeeded. Then 5 s more of load.
    const deadline = startedAt + 60_000;
    let recoveredAt: number | undefined;
    while (now() < deadline && recoveredAt === undefined) {
      recoveredAt = samples.find((sample) => sample.kind !== 'compute' && sample.at >= startIssuedAt && sample.status === 200)?.at;
      await sleep(50);
    }
    await sleep(5000);
    running = false;
    await Promise.all(load);
    if (recoveredAt !== undefined) recoveredAt = Math.min(...samples.filter((sample) => sample.kind !== 'compute' && sample.at >= startIssuedAt && sample.status === 200).map((sample) => sample.at + sample.ms));
    const readyAt = readiness.find((entry) => entry.at >= startIssuedAt && entry.status === 200)?.at;

    // Every acknowledged upsert must be in the table after the restart.
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    const { rows: registry } = await client.query<{ id: number }>("SELECT id FROM collections WHERE name = 'outage'");
    const { rows: stored } = await client.query<{ external_id: string }>(`SELECT external_id FROM documents_${Number(registry[0]!.id)}`);
    await client.end();
    const present = new Set(stored.map((row) => row.external_id));
    const lost = [...acknowledged].filter((id) => !present.has(id));

    const during = samples.filter((sample) => sample.at >= stoppedAt && sample.at + sample.ms <= startIssuedAt);
    const computeDuring = during.filter((sample) => sample.kind === 'compute');
    const databaseDuring = during.filter((sample) => sample.kind !== 'compute');
    const unavailable = databaseDuring.filter((sample) => sample.status === 503 && sample.code === 'DATABASE_UNAVAILABLE').length;
    const readyDuring = readiness.filter((entry) => entry.at >= stoppedAt + 1000 && entry.at <= startIssuedAt);
    // Negative: the service served a database request before pg_ctlcluster start had returned.
    const recoverySeconds = recoveredAt === undefined ? Number.POSITIVE_INFINITY : (recoveredAt - startedAt) / 1000;
    const computeOk = computeDuring.filter((sample) => sample.status === 200).length;
    const other = databaseDuring.filter((sample) => !(sample.status === 503 && sample.code === 'DATABASE_UNAVAILABLE'));
    const fmt = (ms: number) => `${Math.round(ms)} ms`;

    const passed =
      computeOk === computeDuring.length && computeDuring.length > 0 && recoverySeconds <= 5 && lost.length === 0 && service.exits.length === 0 && readyDuring.every((entry) => entry.status === 503);
    const report = [
      '## Database outage',
      '',
      `${machineLine()} Script: \`npm run drill:outage\` (bench/outage.ts): PostgreSQL 15 on the same machine, stopped with`,
      `\`pg_ctlcluster --skip-systemctl-redirect 15 main stop\` (fast shutdown) for ${outageSeconds} s under load from ${concurrency} concurrent clients`,
      '(upserts of one document, searches k = 5 on 16 dimensions, 3×3 determinants, in turn), DATABASE_CONNECT_TIMEOUT_MS=1000.',
      '',
      '| during the outage | requests | result | p50 latency | p99 latency | max latency |',
      '| --- | --- | --- | --- | --- | --- |',
      `| compute (det) | ${computeDuring.length} | ${computeOk} × 200 | ${fmt(percentile(computeDuring.map((s) => s.ms), 50))} | ${fmt(percentile(computeDuring.map((s) => s.ms), 99))} | ${fmt(Math.max(...computeDuring.map((s) => s.ms)))} |`,
      `| database (upsert, search) | ${databaseDuring.length} | ${unavailable} × 503 DATABASE_UNAVAILABLE${other.length > 0 ? `, ${other.length} other (${[...new Set(other.map((s) => `${s.status} ${s.code ?? ''}`.trim()))].join(', ')})` : ''} | ${fmt(percentile(databaseDuring.map((s) => s.ms), 50))} | ${fmt(percentile(databaseDuring.map((s) => s.ms), 99))} | ${fmt(Math.max(...databaseDuring.map((s) => s.ms)))} |`,
      `| /health/ready (from 1 s after the stop) | ${readyDuring.length} | ${readyDuring.filter((entry) => entry.status === 503).length} × 503 | | | |`,
      '',
      `- Recovery: \`pg_ctlcluster start\` took ${((startedAt - startIssuedAt) / 1000).toFixed(2)} s (PostgreSQL accepts connections before it returns). The first successful database request ended ${recoverySeconds.toFixed(2)} s after it returned (negative: before), and /health/ready answered 200 again ${readyAt === undefined ? 'never' : `${((readyAt - startedAt) / 1000).toFixed(2)} s`} after it returned.`,
      `- Acknowledged upserts: ${acknowledged.size} (200 seed documents included); rows in the table after the restart: ${present.size}; acknowledged but missing: **${lost.length}**.`,
      `- Requests in the whole drill: ${samples.length}; crashes: **${service.exits.length}**.`,
      `- Verdict: ${passed ? '**passed**' : '**failed**'} (compute all 200, readiness 503 throughout, recovery ≤ 5 s, nothing lost, no crash).`,
    ].join('\n');
    writeReportSection('docs/reliability.md', 'outage', report, '# Reliability drills');
    console.log(report);
    if (!passed) process.exitCode = 1;
  } finally {
    if (stopped || !(await clusterOnline())) {
      await cluster('start').catch((error: unknown) => console.error(`Starting PostgreSQL again failed: ${String(error)}. Run: pg_ctlcluster --skip-systemctl-redirect 15 main start`));
    }
    await service.stop();
  }
}

await main();
