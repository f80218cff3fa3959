/**
 * Writes one section of a Markdown report, between `<!-- BEGIN name -->` and `<!-- END name -->`, leaving the
 * rest of the file as it is. Several bench scripts share docs/benchmarks.md and docs/reliability.md this way.
 */

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { arch, cpus, totalmem } from 'node:os';
import path from 'node:path';

import { projectRoot } from '../src/io/project-root.js';

/** Returns the path written. */
export function writeReportSection(file: string, name: string, body: string, title = '# Benchmarks'): string {
  const target = path.join(projectRoot(), file);
  mkdirSync(path.dirname(target), { recursive: true });
  const begin = `<!-- BEGIN ${name} -->`;
  const end = `<!-- END ${name} -->`;
  const section = `${begin}\n${body.trim()}\n${end}`;
  const current = existsSync(target) ? readFileSync(target, 'utf8') : `${title}\n\n`;
  const start = current.indexOf(begin);
  const stop = current.indexOf(end);
  const next = start >= 0 && stop > start ? current.slice(0, start) + section + current.slice(stop + end.length) : `${current.trimEnd()}\n\n${section}\n`;
  writeFileSync(target, next);
  return target;
}

/** One line naming the machine and date, for the top of a measured table. */
export function machineLine(): string {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  return `Measured on ${new Date().toISOString().slice(0, 10)}: ${cpu}, ${cpus().length} cores (${arch()}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}.`;
}
