/**
 * Fuzz drill: sends malformed requests to every route of the OpenAPI document of a running service (started here
 * as a child process on loopback) and counts the replies by status class. A 5xx reply or a crash is a defect; the
 * drill exits non-zero when one occurs. Results go to docs/reliability.md, section `fuzz`.
 *
 *   npm run drill:fuzz            # FUZZ_REQUESTS (default 1500) requests, seeded by FUZZ_SEED (default 1)
 */

import { DRILL_ADMIN_KEY } from './drill-database.js';
import { machineLine, writeReportSection } from './report.js';
import { startService } from './server-process.js';
import { seededUniform } from '../src/compute/seeded-random.js';

interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  properties: string[];
}


const random = seededUniform(Number(process.env.FUZZ_SEED ?? 1));
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

/** Values that break naive parsers: wrong types, extremes, special strings, nesting. */
function junk(depth = 0): unknown {
  const kinds = [
    () => null,
    () => true,
    () => pick([0, -1, 1e308, -1e308, 5e-324, 2 ** 53 + 1, 1.5, -0, 1e9]),
    () => pick(['', 'NaN', 'Infinity', '-inf', '∞', 'x'.repeat(10_000), '{}', '\u0000', '😀', '<script>']),
    () => [],
    () => [[]],
    () => [[1, 2], [3]],
    () => [[1, 'a'], [2, 3]],
    () => [1, [2]],
    () => ({ shape: [2, 2], dtype: 'float64', data: 'AAAA' }),
    () => ({ shape: [1e9, 1e9], dtype: 'float64', data: '' }),
    () => ({ shape: [-1, 2], dtype: 'float32', data: 'AAAAAA==' }),
    () => ({ shape: 'x', dtype: 7, data: null }),
    () => Array.from({ length: 3 }, () => Array.from({ length: 3 }, () => pick([1, -2, 0, 1e-300, 1e300]))),
    () => (depth < 3 ? { [pick(['a', 'k', 'matrix', '__proto__', 'constructor'])]: junk(depth + 1) } : {}),
    () => (depth < 3 ? [junk(depth + 1), junk(depth + 1)] : []),
    () => nested(200),
  ];
  return pick(kinds)();
}

function nested(depth: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

function malformedBody(route: Route): { payload: string; contentType: string } {
  const variant = Math.floor(random() * 10);
  if (variant === 0) return { payload: pick(['', '{', '{"matrix": [[1, 2]', 'null', '[]', '"text"', '{"a":1}}', '\u0000']), contentType: 'application/json' };
  if (variant === 1) return { payload: 'matrix=1', contentType: pick(['text/plain', 'application/x-www-form-urlencoded', 'application/xml']) };
  if (variant === 2) return { payload: JSON.stringify(junk()), contentType: 'application/json' };

  const body: Record<string, unknown> = {};
  for (const property of route.properties) {
    if (random() < 0.7) body[property] = junk();
  }
  if (random() < 0.3) body[pick(['extra', 'rtoll', 'k', 'limit'])] = junk();
  return { payload: JSON.stringify(body), contentType: 'application/json' };
}

function fillPath(path: string): string {
  return path.replace(/\{[^}]+\}|:[A-Za-z]+/g, () => encodeURIComponent(pick(['x', 'missing-name', '%', 'a'.repeat(300), 'ü', '..', '0', 'null'])));
}

async function main(): Promise<void> {
  const total = Number(process.env.FUZZ_REQUESTS ?? 1500);
  // Requests carry the bootstrap admin key, which has every scope, so that the bodies reach validation; the store
  // runs on a throwaway in-memory PGlite.
  const service = await startService({ RATE_LIMIT_PER_MINUTE: '0', COMPUTE_TIMEOUT_MS: '10000', WORKER_THREADS: '2', ADMIN_API_KEY: DRILL_ADMIN_KEY, PGLITE_DATA_DIR: 'memory://' });
  try {
    const document = (await (await fetch(`${service.url}/docs/json`)).json()) as { paths: Record<string, Record<string, { requestBody?: { content?: Record<string, { schema?: { properties?: Record<string, unknown> } }> } }>> };
    const routes: Route[] = [];
    for (const [path, methods] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(methods)) {
        const schema = operation.requestBody?.content?.['application/json']?.schema;
        routes.push({ method: method.toUpperCase() as Route['method'], path, properties: Object.keys(schema?.properties ?? {}) });
      }
    }
    routes.push({ method: 'POST', path: '/graphql', properties: ['query', 'variables'] });

    const counts = new Map<string, number>();
    const serverErrors: string[] = [];
    const started = performance.now();
    for (let i = 0; i < total; i++) {
      const route = routes[i % routes.length]!;
      const url = `${service.url}${fillPath(route.path)}${route.method === 'GET' && random() < 0.5 ? `?values=${encodeURIComponent(String(junk()))}` : ''}`;
      const hasBody = route.method !== 'GET' && route.method !== 'DELETE';
      const { payload, contentType } = malformedBody(route);
      let status: number;
      try {
        const headers: Record<string, string> = { authorization: `Bearer ${DRILL_ADMIN_KEY}`, ...(hasBody ? { 'content-type': contentType } : {}) };
        const response = await fetch(url, { method: route.method, headers, body: hasBody ? payload : undefined });
        status = response.status;
        await response.arrayBuffer();
      } catch (error) {
        status = 0;
        serverErrors.push(`${route.method} ${route.path}: no reply (${(error as Error).message})`);
      }
      const statusClass = status === 0 ? 'no reply' : `${Math.floor(status / 100)}xx`;
      counts.set(statusClass, (counts.get(statusClass) ?? 0) + 1);
      if (status >= 500) serverErrors.push(`${route.method} ${route.path} → ${status}: ${payload.slice(0, 120)}`);
    }
    const seconds = (performance.now() - started) / 1000;

    const crashes = service.exits.length;
    const fiveHundreds = (counts.get('5xx') ?? 0) + (counts.get('no reply') ?? 0);
    const rows = [...counts.entries()].sort().map(([statusClass, count]) => `| ${statusClass} | ${count} |`);
    const report = [
      '## Fuzz drill',
      '',
      `${machineLine()} Script: \`npm run drill:fuzz\` (bench/fuzz.ts), seed ${process.env.FUZZ_SEED ?? 1}.`,
      '',
      `${total} malformed requests over ${routes.length} routes (every route of the OpenAPI document, and /graphql) in ${seconds.toFixed(1)} s:`,
      'invalid JSON, wrong content types, wrong types for every property, extremes, ragged and non-finite matrices, bad',
      'base64 shapes, deep nesting, unknown properties and odd path parameters.',
      '',
      '| reply | count |',
      '| --- | --- |',
      ...rows,
      '',
      `5xx replies: **${fiveHundreds}**. Crashes: **${crashes}**.`,
      ...(serverErrors.length > 0 ? ['', 'First 5xx replies:', '', ...serverErrors.slice(0, 10).map((line) => `- \`${line.replace(/`/g, "'")}\``)] : []),
    ].join('\n');
    writeReportSection('docs/reliability.md', 'fuzz', report, '# Reliability drills');
    console.log(report);
    if (fiveHundreds > 0 || crashes > 0) process.exitCode = 1;
  } finally {
    await service.stop();
  }
}

await main();
