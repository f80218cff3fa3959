import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Database, Queryable } from '../../src/db/database.js';
import { makeStoreApp, storeModes, uniqueName } from '../store/store-helpers.js';

/** Wraps a database so that every statement sent, inside transactions too, is counted. */
function counting(database: Database): { database: Database; count: () => number; reset: () => void } {
  let statements = 0;
  const wrapQueryable = (target: Queryable): Queryable => ({
    query: (sql, params) => {
      statements++;
      return target.query(sql, params);
    },
    exec: (sql) => {
      statements++;
      return target.exec(sql);
    },
  });
  const wrapped: Database = {
    kind: database.kind,
    ...wrapQueryable(database),
    transaction: (work, options) => {
      statements++;
      return database.transaction((tx) => work(wrapQueryable(tx)), options);
    },
    close: () => database.close(),
  };
  return { database: wrapped, count: () => statements, reset: () => (statements = 0) };
}

async function gql(app: FastifyInstance, query: string, variables: Record<string, unknown> = {}) {
  const response = await app.inject({ method: 'POST', url: '/graphql', payload: { query, variables } });
  return { status: response.statusCode, ...(response.json() as { data: any; errors?: { message: string; extensions: Record<string, unknown> }[] }) };
}

describe.each(storeModes)('GraphQL store on $name', (mode) => {
  let app: FastifyInstance;
  let raw: Database;
  let counter: ReturnType<typeof counting>;
  const collection = uniqueName('gql');

  beforeAll(async () => {
    if (mode.skipReason) return;
    raw = await mode.open();
    counter = counting(raw);
    app = await makeStoreApp(counter.database);
    const created = await gql(app, 'mutation ($name: String!) { createCollection(name: $name, dimensions: 3) { name metric dimensions } }', { name: collection });
    expect(created.errors).toBeUndefined();
    const documents = Array.from({ length: 40 }, (_, i) => ({
      id: `note-${i}`,
      embedding: [1, i / 40, (i % 7) / 7 + 0.01],
      metadata: { specialty: i % 2 === 0 ? 'Cardiology' : 'Neurology', patient: `P-${i % 5}` },
      text: `note ${i}`,
    }));
    const upserted = await gql(app, 'mutation ($c: String!, $d: JSON!) { upsertDocuments(collection: $c, documents: $d) { upserted inserted } }', { c: collection, d: documents });
    expect(upserted.data.upsertDocuments).toEqual({ upserted: 40, inserted: 40 });
  });

  afterAll(async () => {
    if (mode.skipReason) return;
    await gql(app, 'mutation ($name: String!) { deleteCollection(name: $name) }', { name: collection });
    await app.close();
    await raw.close();
  });

  it.skipIf(mode.skipReason !== undefined)('searches with nested documents and collections', async () => {
    const reply = await gql(
      app,
      `query ($c: String!) { search(collection: $c, id: "note-0", k: 5, filter: { specialty: "Cardiology" }) {
         method k collection { name dimensions }
         hits { id similarity document { text metadata collection { name metric documentCount } } } } }`,
      { c: collection },
    );
    expect(reply.errors).toBeUndefined();
    const search = reply.data.search;
    expect(search.collection).toEqual({ name: collection, dimensions: 3 });
    expect(search.hits).toHaveLength(5);
    for (const hit of search.hits) {
      expect(hit.id).not.toBe('note-0');
      expect(hit.document.metadata.specialty).toBe('Cardiology');
      expect(hit.document.text).toBe(`note ${hit.id.slice(5)}`);
      expect(hit.document.collection).toEqual({ name: collection, metric: 'cosine', documentCount: 40 });
    }
  });

  it.skipIf(mode.skipReason !== undefined)('costs the same number of SQL statements for 2 and 20 hits', async () => {
    const page = `query ($c: String!, $k: Int!) { search(collection: $c, id: "note-1", k: $k) {
      hits { id document { text collection { name documentCount } } } } }`;
    // Warm the collection cache, so both measured runs start from the same state.
    await gql(app, page, { c: collection, k: 1 });

    counter.reset();
    const small = await gql(app, page, { c: collection, k: 2 });
    const smallCount = counter.count();
    counter.reset();
    const large = await gql(app, page, { c: collection, k: 20 });
    const largeCount = counter.count();

    expect(small.data.search.hits).toHaveLength(2);
    expect(large.data.search.hits).toHaveLength(20);
    expect(largeCount).toBe(smallCount);
    // The query document, the search, the hit documents, the collection listing and the count: a handful, not 20.
    expect(largeCount).toBeLessThanOrEqual(8);
  });

  it.skipIf(mode.skipReason !== undefined)('carries the store\'s error codes', async () => {
    const missing = await gql(app, '{ collection(name: "no-such-collection-here") { name } }');
    expect(missing.errors![0]!.extensions.code).toBe('COLLECTION_NOT_FOUND');
    const mismatch = await gql(app, 'query ($c: String!) { search(collection: $c, vector: [1, 2], k: 3) { k } }', { c: collection });
    expect(mismatch.errors![0]!.extensions.code).toBe('DIMENSION_MISMATCH');
    const zero = await gql(app, 'query ($c: String!) { search(collection: $c, vector: [0, 0, 0], k: 3) { k } }', { c: collection });
    expect(zero.errors![0]!.extensions.code).toBe('ZERO_NORM_VECTOR');
  });

  it.skipIf(mode.skipReason !== undefined)('lists collections and reads a document', async () => {
    const reply = await gql(app, 'query ($c: String!) { collections { name } document(collection: $c, id: "note-3") { id metadata embedding collection { name } } }', { c: collection });
    expect(reply.data.collections.map((entry: { name: string }) => entry.name)).toContain(collection);
    expect(reply.data.document.metadata).toEqual({ specialty: 'Neurology', patient: 'P-3' });
    expect(reply.data.document.embedding).toHaveLength(3);
  });
});
