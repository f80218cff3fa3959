/**
 * Rewrites one section of docs/benchmarks.md, the lines between `<!-- BEGIN <name> -->` and `<!-- END <name> -->`,
 * creating the file or appending the section when missing and leaving every other line untouched.
 */

import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

export async function writeBenchmarkSection(file: string, name: string, markdown: string): Promise<void> {
  const begin = `<!-- BEGIN ${name} -->`;
  const end = `<!-- END ${name} -->`;
  const block = `${begin}\n${markdown.trimEnd()}\n${end}`;

  const current = existsSync(file) ? await readFile(file, 'utf8') : '# Benchmarks\n';
  const start = current.indexOf(begin);
  const stop = current.indexOf(end);

  let next: string;
  if (start >= 0 && stop > start) next = `${current.slice(0, start)}${block}${current.slice(stop + end.length)}`;
  else next = `${current.trimEnd()}\n\n${block}\n`;

  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, next);
}
