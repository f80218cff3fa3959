/**
 * Opens an input file of the ingest command as a stream of lines, gunzipping it when it starts with the gzip magic
 * bytes (1f 8b), whatever its name. `bytesRead` counts the file's own (possibly compressed) bytes, for progress.
 */

import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

export interface InputFile {
  /** Size of the file in bytes, as stored. */
  size: number;
  /** Bytes of the file read so far. */
  bytesRead: () => number;
  /** The decompressed text, UTF-8. */
  text: Readable;
  lines: () => AsyncIterable<string>;
}

export async function openInputFile(path: string): Promise<InputFile> {
  const { size } = await stat(path);
  const magic = Buffer.alloc(2);
  const handle = await open(path, 'r');
  try {
    await handle.read(magic, 0, 2, 0);
  } finally {
    await handle.close();
  }

  const raw = createReadStream(path);
  let bytesRead = 0;
  raw.on('data', (chunk) => {
    bytesRead += chunk.length;
  });
  const gzipped = magic[0] === 0x1f && magic[1] === 0x8b;
  const text = gzipped ? raw.pipe(createGunzip()) : raw;
  text.setEncoding('utf8');

  return {
    size,
    bytesRead: () => bytesRead,
    text,
    lines: () => createInterface({ input: text, crlfDelay: Infinity }),
  };
}
