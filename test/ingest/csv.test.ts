import { describe, expect, it } from 'vitest';

import { CsvFormatError, parseCsv } from '../../src/ingest/csv.js';

async function parse(chunks: string[]): Promise<string[][]> {
  const records: string[][] = [];
  for await (const record of parseCsv((async function* () { yield* chunks; })())) records.push(record);
  return records;
}

describe('parseCsv', () => {
  it('plain records, LF and CRLF', async () => {
    expect(await parse(['a,b,c\n1,2,3\r\n4,,6'])).toEqual([['a', 'b', 'c'], ['1', '2', '3'], ['4', '', '6']]);
  });

  it('quoted fields with commas, newlines, quotes', async () => {
    const text = 'id,text\n1,"Chief complaint: chest pain, mild.\nHistory: ""none""."\r\n2,""\n';
    expect(await parse([text])).toEqual([['id', 'text'], ['1', 'Chief complaint: chest pain, mild.\nHistory: "none".'], ['2', '']]);
  });

  it('fields split across chunks', async () => {
    // The doubled quote of "a""b" is split between two chunks, and so is the CRLF.
    expect(await parse(['id,te', 'xt\n1,"a"', '"b",', 'x\r', '\n'])).toEqual([['id', 'text'], ['1', 'a"b', 'x']]);
  });

  it('rejects malformed quoting', async () => {
    await expect(parse(['a,b\n1,x"y"\n'])).rejects.toThrow(CsvFormatError);
    await expect(parse(['a,b\n1,"x"y\n'])).rejects.toThrow(/after the closing quote/);
    await expect(parse(['a,b\n1,"open'])).rejects.toThrow(/ends inside a quoted field/);
  });
});
