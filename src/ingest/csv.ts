/**
 * A streaming RFC 4180 CSV parser: comma-separated fields, double-quoted fields that may contain commas, line
 * breaks and doubled quotes (""), records ended by LF or CRLF. Yields each record as an array of strings. A CR
 * outside quotes is dropped, so CRLF files read like LF files.
 */

export class CsvFormatError extends Error {
  constructor(record: number, reason: string) {
    super(`CSV record ${record}: ${reason}`);
    this.name = 'CsvFormatError';
  }
}

export async function* parseCsv(chunks: AsyncIterable<string>): AsyncGenerator<string[], void, void> {
  let record: string[] = [];
  let field = '';
  let quoted = false;
  /** The previous character closed a quoted field, or was a quote inside one (a doubled quote or the closing one). */
  let quoteSeen = false;
  let fieldStarted = false;
  let recordNumber = 1;

  for await (const chunk of chunks) {
    for (let i = 0; i < chunk.length; i++) {
      const ch = chunk[i]!;
      if (quoted) {
        if (quoteSeen) {
          quoteSeen = false;
          if (ch === '"') {
            field += '"';
            continue;
          }
          quoted = false;
        } else if (ch === '"') {
          quoteSeen = true;
          continue;
        } else {
          field += ch;
          continue;
        }
      }

      if (ch === ',') {
        record.push(field);
        field = '';
        fieldStarted = false;
      } else if (ch === '\n') {
        record.push(field);
        yield record;
        record = [];
        field = '';
        fieldStarted = false;
        recordNumber++;
      } else if (ch === '"') {
        if (field.length > 0 || fieldStarted) throw new CsvFormatError(recordNumber, 'a quote inside an unquoted field');
        quoted = true;
        fieldStarted = true;
      } else if (ch === '\r') {
        // The CR of a CRLF record end; a bare CR outside quotes is dropped as well.
      } else {
        if (fieldStarted) throw new CsvFormatError(recordNumber, 'text after the closing quote of a field');
        field += ch;
      }
    }
  }

  if (quoted && !quoteSeen) throw new CsvFormatError(recordNumber, 'the file ends inside a quoted field');
  if (field.length > 0 || record.length > 0 || fieldStarted) {
    record.push(field);
    yield record;
  }
}
