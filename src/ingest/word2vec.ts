/**
 * Reader of the word2vec text format: a header line `<count> <dimensions>`, then one line per word,
 * `<word> <v1> … <vd>`, separated by spaces. Words are case-sensitive. (The binary format is not read.)
 */

export interface WordVector {
  word: string;
  vector: number[];
  /** 1-based line number in the file. */
  line: number;
}

export class Word2vecFormatError extends Error {
  constructor(line: number, reason: string) {
    super(`word2vec line ${line}: ${reason}`);
    this.name = 'Word2vecFormatError';
  }
}

/** Parses the header line into the declared word count and dimensions. */
export function parseWord2vecHeader(line: string): { count: number; dimensions: number } {
  const match = /^\s*(\d+)\s+(\d+)\s*$/.exec(line);
  if (!match) throw new Word2vecFormatError(1, `expected "<count> <dimensions>", got ${JSON.stringify(line.slice(0, 80))}`);
  return { count: Number(match[1]), dimensions: Number(match[2]) };
}

/** Parses one word line; `dimensions` from the header. */
export function parseWord2vecLine(text: string, line: number, dimensions: number): WordVector {
  const fields = text.trim().split(/\s+/);
  if (fields.length !== dimensions + 1) throw new Word2vecFormatError(line, `expected a word and ${dimensions} numbers, got ${fields.length} fields`);

  const vector = new Array<number>(dimensions);
  for (let i = 0; i < dimensions; i++) {
    const value = Number(fields[i + 1]);
    if (!Number.isFinite(value)) throw new Word2vecFormatError(line, `value ${i + 1} is ${JSON.stringify(fields[i + 1])}, not a finite number`);
    vector[i] = value;
  }
  return { word: fields[0]!, vector, line };
}

/** Reads a whole word2vec text stream: the header, then every non-empty word line. */
export async function* readWord2vec(lines: AsyncIterable<string>): AsyncGenerator<WordVector, void, void> {
  let header: { count: number; dimensions: number } | undefined;
  let line = 0;
  for await (const text of lines) {
    line++;
    if (!header) {
      header = parseWord2vecHeader(text);
      continue;
    }
    if (text.trim() === '') continue;
    yield parseWord2vecLine(text, line, header.dimensions);
  }
  if (!header) throw new Word2vecFormatError(1, 'the file is empty');
}
