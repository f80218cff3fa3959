/** The MTSamples transcriptions as the clinical benchmarks read them. */

import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

import { parse } from 'csv-parse/sync';

/**
 * Categories that name a note type or a whole department rather than a specialty. Many of their notes appear again,
 * with the same text, under a specialty elsewhere in the data set.
 */
export const CATCH_ALL = new Set([
  'Surgery',
  'Consult - History and Phy.',
  'SOAP / Chart / Progress Notes',
  'Discharge Summary',
  'General Medicine',
  'Office Notes',
  'Emergency Room Reports',
  'Letters',
  'IME-QME-Work Comp etc.',
]);

export interface Note {
  specialty: string;
  text: string;
}

/** Reads mtsamples.csv.gz, leaving out the notes with an empty transcription. */
export function readNotes(file: string): Note[] {
  const records = parse(gunzipSync(readFileSync(file)), { columns: true, skip_empty_lines: true }) as Record<string, string>[];
  return records
    .filter((record) => (record.transcription ?? '').trim() !== '')
    .map((record) => ({ specialty: (record.medical_specialty ?? '').trim(), text: record.transcription! }));
}
