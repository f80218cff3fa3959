import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { REST_OPERATIONS } from '../../src/graphql/rest-operations.js';
import { makeApp } from '../helpers.js';

async function gql(app: FastifyInstance, query: string, variables: Record<string, unknown>) {
  const response = await app.inject({ method: 'POST', url: '/graphql', payload: { query, variables } });
  return response.json();
}

describe('GraphQL fields backed by REST routes', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await makeApp();
  });
  afterAll(async () => app.close());

  it('exposes a field for every listed route, and every route exists', async () => {
    const paths = Object.keys((await app.inject({ method: 'GET', url: '/docs/json' })).json().paths);
    for (const operation of REST_OPERATIONS) expect(paths).toContain(operation.path.replace(/:([A-Za-z]+)/g, '{$1}'));
  });

  it('intersects two planes of ℝ³ in a line, as over REST', async () => {
    // The xy-plane and the plane spanned by (1, 1, 0) and (0, 0, 1) meet in the line through (1, 1, 0).
    const input = { U: [[1, 0, 0], [0, 1, 0]], W: [[1, 1, 0], [0, 0, 1]], layout: 'rows' };
    const body = await gql(app, 'query ($input: JSON!) { subspaceIntersection(input: $input) }', { input });
    expect(body.errors).toBeUndefined();
    const rest = (await app.inject({ method: 'POST', url: '/v1/subspaces/intersection', payload: input })).json();
    expect(body.data.subspaceIntersection).toEqual(rest);
    expect(rest.dimension).toBe(1);
  });

  it('carries the route\'s error code', async () => {
    const input = { U: [[1, 0, 0]], W: [[1, 0]], layout: 'rows' };
    const body = await gql(app, 'query ($input: JSON!) { subspaceSum(input: $input) }', { input });
    expect(body.errors[0].extensions.code).toBe('SHAPE_MISMATCH');
    expect(body.errors[0].message).toMatch(/ℝ|dimension|shape/i);
  });

  it('fills path parameters from arguments', async () => {
    await app.inject({ method: 'POST', url: '/v1/collections', payload: { name: 'words', dimensions: 2 } });
    const documents = [
      { id: 'man', embedding: [1, 0] },
      { id: 'king', embedding: [1, 1] },
      { id: 'woman', embedding: [0, 1] },
      { id: 'queen', embedding: [0.1, 1] },
      { id: 'apple', embedding: [1, -1] },
    ];
    await app.inject({ method: 'POST', url: '/v1/collections/words/documents', payload: { documents } });
    // b̂ − â + ĉ = (1/√2 − 1, 1/√2 + 1) is nearest to queen once man, king and woman are left out.
    const body = await gql(app, 'query ($input: JSON!) { analogies(name: "words", input: $input) }', { input: { a: 'man', b: 'king', c: 'woman', k: 1 } });
    expect(body.errors).toBeUndefined();
    expect(body.data.analogies.hits[0].id).toBe('queen');
    const missing = await gql(app, 'query ($input: JSON!) { analogies(name: "no-such", input: $input) }', { input: { a: 'man', b: 'king', c: 'woman' } });
    expect(missing.errors[0].extensions.code).toBe('COLLECTION_NOT_FOUND');
  });

  it('carries schema validation failures as INVALID_REQUEST', async () => {
    const body = await gql(app, 'query ($input: JSON!) { principalAngles(input: $input) }', { input: { U: [[1, 0]] } });
    expect(body.errors[0].extensions.code).toBe('INVALID_REQUEST');
  });
});
