/**
 * Reader for the word2vec text format: a header line `count dimensions`, then one line per word,
 * `word v1 … vd`. Gzip input (by the .gz suffix) is decompressed on the fly.
 */

import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';

export interface WordVectors {
  words: string[];
  dimensions: number;
  /** Row-major count×dimensions values. */
  vectors: Float64Array;
}

export async function readWord2vecText(file: string): Promise<WordVectors> {
  const raw = createReadStream(file);
  const input = file.endsWith('.gz') ? raw.pipe(createGunzip()) : raw;
  const lines = createInterface({ input, crlfDelay: Infinity });

  let count = -1;
  let dimensions = -1;
  let vectors = new Float64Array(0);
  const words: string[] = [];
  let lineNumber = 0;

  for await (const line of lines) {
    lineNumber++;
    if (line.trim() === '') continue;
    const fields = line.trim().split(/\s+/);
    if (count < 0) {
      [count, dimensions] = fields.map(Number) as [number, number];
      if (!Number.isInteger(count) || !Number.isInteger(dimensions) || count <= 0 || dimensions <= 0) {
        throw new Error(`${file}:1: expected a header "count dimensions", got ${JSON.stringify(line.slice(0, 60))}`);
      }
      vectors = new Float64Array(count * dimensions);
      continue;
    }
    if (fields.length !== dimensions + 1) {
      throw new Error(`${file}:${lineNumber}: expected a word and ${dimensions} numbers, got ${fields.length} fields`);
    }
    if (words.length >= count) throw new Error(`${file}:${lineNumber}: more vectors than the ${count} the header declares`);
    const offset = words.length * dimensions;
    for (let j = 0; j < dimensions; j++) vectors[offset + j] = Number(fields[j + 1]);
    words.push(fields[0]!);
  }

  if (words.length !== count) throw new Error(`${file}: the header declares ${count} vectors, the file has ${words.length}`);
  return { words, dimensions, vectors };
}
