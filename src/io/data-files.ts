/**
 * Location of the real data sets that examples, benchmarks and tests read: VECTORSPACE_DATA_DIR when set,
 * otherwise the `shared/data` folder beside the repository. The data are never copied into the repository.
 */

import { existsSync } from 'node:fs';
import path from 'node:path';

import { projectRoot } from './project-root.js';

export function dataDirectory(): string {
  if (process.env.VECTORSPACE_DATA_DIR) return path.resolve(process.env.VECTORSPACE_DATA_DIR);
  return path.resolve(projectRoot(), '..', 'shared', 'data');
}

/** Returns the path of a data file, or null when it is absent. */
export function dataFile(name: string): string | null {
  const file = path.join(dataDirectory(), name);
  return existsSync(file) ? file : null;
}
