/**
 * The ingest command: loads a word2vec text file or a CSV file (either may be gzipped) into a collection of the
 * configured database (DATABASE_URL, else the embedded PGlite in PGLITE_DATA_DIR), with a progress bar on stderr.
 *
 *   npm run ingest -- word2vec FILE --collection NAME [--metric cosine] [--model ID]
 *   npm run ingest -- csv FILE --collection NAME --id-column COL [--text-column COL] [--embedding-column COL]
 *                     [--metadata-columns A,B] [--dimensions N] [--skip-empty-text] [--embedder ID | --fit-lsa [--min-df N]]
 */

import { parseArgs } from 'node:util';

import { pino } from 'pino';

import { ConfigError, loadConfig, TENANT_PATTERN } from '../config.js';
import type { Metric } from '../db/collections.js';
import { openDatabase } from '../db/open.js';
import { ComputePool } from '../services/compute-pool.js';
import { EmbedderService } from '../services/embedders.js';
import { EmbeddingStore } from '../services/embedding-store.js';
import { JobRunner } from '../services/jobs.js';
import { csvDocuments, type CsvColumns, type CsvStats, ingestDocuments, type IngestDocument, word2vecDocuments } from '../ingest/ingest.js';
import { openInputFile } from '../ingest/input-file.js';
import { ProgressBar } from '../ingest/progress-bar.js';

const USAGE = `Usage:
  npm run ingest -- word2vec FILE --collection NAME [--metric cosine|l2|inner_product] [--model ID] [--batch-size N] [--tenant T]
  npm run ingest -- csv FILE --collection NAME --id-column COL [--text-column COL] [--embedding-column COL]
                    [--metadata-columns A,B,...] [--dimensions N] [--metric ...] [--model ID] [--batch-size N] [--tenant T]
                    [--skip-empty-text] [--embedder ID | --fit-lsa [--min-df N]]

FILE may be gzipped. word2vec: the text format ("<count> <dimensions>" header, then "<word> <values...>");
each word becomes a document with id = the word and metadata { line }; a repeated word keeps its first line.
csv: RFC 4180 with a header record; the embedding cell is a JSON array or numbers separated by spaces or commas;
without --embedding-column the documents are stored without embeddings and --dimensions sets the new collection's
vector length. Metadata columns (default: all others) are stored as strings. The collection is created if missing.
--skip-empty-text leaves out records whose text cell is empty or blank. --embedder ID names a stored embedder:
a new collection takes its dimensions, and documents without an embedding are embedded from their text.
--fit-lsa first fits an LSA embedder on the file's texts (--dimensions N, default min(256, texts, terms); --min-df N, default 1,
the minimum number of documents a term must appear in) and then ingests with it.
The database is DATABASE_URL, or the embedded PGlite in PGLITE_DATA_DIR (default ./data/pglite).
The collection belongs to --tenant (default: ADMIN_TENANT, else "default"); only that tenant's keys see it.`;

const METRICS: readonly Metric[] = ['cosine', 'l2', 'inner_product'];

function fail(message: string): never {
  process.stderr.write(`${message}\n\n${USAGE}\n`);
  process.exit(2);
}

function positiveInteger(raw: string | undefined, option: string): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) < 1) fail(`--${option} is ${JSON.stringify(raw)}: expected a positive integer.`);
  return Number(raw);
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      collection: { type: 'string' },
      tenant: { type: 'string' },
      metric: { type: 'string' },
      model: { type: 'string' },
      dimensions: { type: 'string' },
      'batch-size': { type: 'string' },
      'id-column': { type: 'string' },
      'text-column': { type: 'string' },
      'embedding-column': { type: 'string' },
      'metadata-columns': { type: 'string' },
      'skip-empty-text': { type: 'boolean' },
      embedder: { type: 'string' },
      'fit-lsa': { type: 'boolean' },
      'min-df': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }

  const [format, file] = positionals;
  if (format !== 'word2vec' && format !== 'csv') fail(`The first argument is the format, word2vec or csv; got ${JSON.stringify(format ?? '')}.`);
  if (!file) fail('The input FILE is missing.');
  if (!values.collection) fail('--collection NAME is missing.');
  if (values.metric !== undefined && !METRICS.includes(values.metric as Metric)) fail(`--metric is ${JSON.stringify(values.metric)}: expected one of ${METRICS.join(', ')}.`);
  if (format === 'csv' && !values['id-column']) fail('--id-column is missing: name the CSV column that holds the document ids.');
  const batchSize = positiveInteger(values['batch-size'], 'batch-size') ?? 1000;
  if ((values.embedder !== undefined || values['fit-lsa']) && (format !== 'csv' || !values['text-column'])) {
    fail('--embedder and --fit-lsa embed texts: use them with csv and --text-column.');
  }
  if (values.embedder !== undefined && values['fit-lsa']) fail('Give --embedder or --fit-lsa, not both.');

  const config = loadConfig();
  const tenant = values.tenant ?? config.adminTenant;
  if (!TENANT_PATTERN.test(tenant)) fail(`--tenant is ${JSON.stringify(tenant)}: expected 1 to 64 letters, digits, _, - or .`);
  const store = new EmbeddingStore(() => openDatabase(config), config).forTenant(tenant);
  // One worker: batches are embedded one after another, and a fit runs on one thread.
  const pool = new ComputePool({ threads: 1, timeoutMs: config.computeTimeoutMs, engine: config.linalgEngine, tfjsBackend: config.tfjsBackend });
  const log = pino({ level: 'warn' }, pino.destination(2));
  const embedders = new EmbedderService(pool, store, new JobRunner(() => store.database(), log), config);
  store.useTextEmbedder(embedders);
  try {
    const columns: CsvColumns = {
      id: values['id-column']!,
      text: values['text-column'],
      embedding: values['embedding-column'],
      metadata: values['metadata-columns']?.split(',').map((name) => name.trim()).filter((name) => name !== ''),
      skipEmptyText: values['skip-empty-text'] === true,
    };

    let embedder = values.embedder;
    if (values['fit-lsa']) {
      const texts: string[] = [];
      for await (const document of csvDocuments(await openInputFile(file), { ...columns, skipEmptyText: true })) {
        if (document.text) texts.push(document.text);
      }
      const fitBar = new ProgressBar(`fit LSA on ${texts.length} texts`);
      const fitted = await embedders.fit(
        { kind: 'lsa', texts, dimensions: positiveInteger(values.dimensions, 'dimensions'), minDf: positiveInteger(values['min-df'], 'min-df') },
        (progress) => fitBar.update(progress.fraction, texts.length),
      );
      fitBar.finish(texts.length);
      embedder = fitted.embedderId;
      process.stdout.write(
        `Fitted embedder ${embedder}: ${fitted.dimensions} dimensions, ${fitted.vocabularySize} terms, ${(fitted.energyRetained * 100).toFixed(1)}% of the TF-IDF energy.\n`,
      );
    }

    const input = await openInputFile(file);
    const stats: CsvStats = { skippedEmptyText: 0 };
    const documents: AsyncIterable<IngestDocument> = format === 'word2vec' ? word2vecDocuments(input) : csvDocuments(input, columns, stats);

    const bar = new ProgressBar(`${format} → ${values.collection}`);
    const result = await ingestDocuments(
      store,
      documents,
      {
        collection: values.collection,
        dimensions: positiveInteger(values.dimensions, 'dimensions'),
        metric: values.metric as Metric | undefined,
        model: values.model,
        embedder,
        batchSize,
      },
      (rows) => bar.update(input.bytesRead() / Math.max(input.size, 1), rows),
    );
    bar.finish(result.rows);

    const database = (await store.database()).kind;
    process.stdout.write(
      `${result.createdCollection ? 'Created' : 'Updated'} collection ${values.collection} (${database}): ${result.rows} documents, ` +
        `${result.inserted} new, ${result.updated} replaced, ${result.duplicates} repeated ids skipped` +
        `${columns.skipEmptyText ? `, ${stats.skippedEmptyText} empty texts skipped` : ''}${embedder ? `; embedder ${embedder}` : ''}.\n`,
    );
  } finally {
    await pool.close();
    await store.close();
  }
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) process.stderr.write(`${error.message}\n`);
  else process.stderr.write(`Ingest failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
