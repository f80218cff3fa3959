/**
 * Location of the real data sets that examples, benchmarks and tests read: VECTORSPACE_DATA_DIR when set,
 * otherwise the `shared/data` folder beside the repository. The data are never copied into the repository.
 */

import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export function dataDirectory(): string {
  if (process.env.VECTORSPACE_DATA_DIR) return path.resolve(process.env.VECTORSPACE_DATA_DIR);
  // This file is src/io/data-files.ts, or dist/src/io/data-files.js once built.
  let root = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(root, 'package.json')) && path.dirname(root) !== root) root = path.dirname(root);
  return path.resolve(root, '..', 'shared', 'data');
}

/** Returns the path of a data file, or null when it is absent. */
export function dataFile(name: string): string | null {
  const file = path.join(dataDirectory(), name);
  return existsSync(file) ? file : null;
}
