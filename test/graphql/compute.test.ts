import type { FastifyInstance } from 'fastify';
import { getIntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { makeApp } from '../helpers.js';

interface GraphqlReply {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  data: any;
  errors?: { message: string; extensions: Record<string, unknown> }[];
}

async function gql(app: FastifyInstance, query: string, variables: Record<string, unknown> = {}): Promise<GraphqlReply> {
  const response = await app.inject({ method: 'POST', url: '/graphql', payload: { query, variables } });
  const body = response.json();
  return { status: response.statusCode, data: body.data, errors: body.errors };
}

describe('GraphQL compute operations', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await makeApp({ graphqlMaxCost: 400, graphqlMaxAliases: 3 });
  });
  afterAll(async () => app.close());

  const m = [[3, 0], [4, 5]];

  it.each([
    ['svd', 'svd(matrix: $m) { s reconstructionError signRule }', (d: any) => expect(d.s[0]).toBeCloseTo(3 * Math.sqrt(5), 14)],
    ['qr', 'qr(matrix: $m, pivoting: true) { r permutation orthogonalityError }', (d: any) => expect(d.permutation).toEqual([0, 1])],
    ['eigh', 'eigh(matrix: $m, symmetrize: lower) { eigenvalues order }', (d: any) => expect(d.eigenvalues[1]).toBeCloseTo(4 + Math.sqrt(17), 14)],
    ['rank', 'rank(matrix: $m) { rank tolerance { rule } }', (d: any) => expect(d).toEqual({ rank: 2, tolerance: { rule: 'default' } })],
    ['nullspace', 'nullspace(matrix: [[1, 1]]) { nullity basis }', (d: any) => expect(d.nullity).toBe(1)],
    ['subspaces', 'subspaces(matrix: $m) { rank rankNullity { holds } }', (d: any) => expect(d.rankNullity.holds).toBe(true)],
    ['gramSchmidt', 'gramSchmidt(vectors: $m, layout: rows) { basis kept orthogonalityError }', (d: any) => expect(d.basis[0]).toEqual([1, 0])],
    ['lstsq', 'lstsq(matrix: [[1, 0], [1, 1], [1, 2]], b: [6, 0, 0]) { solution residuals }', (d: any) => expect(d.solution[0]).toBeCloseTo(5, 13)],
    ['pinv', 'pinv(matrix: [[2, 0], [0, 4]]) { pinv }', (d: any) => expect(d.pinv).toEqual([[0.5, 0], [0, 0.25]])],
    ['det', 'det(matrix: $m) { det sign }', (d: any) => expect(d.det).toBeCloseTo(15, 13)],
    ['cond', 'cond(matrix: [[1, 0], [0, 0.001]], ord: ONE) { cond singular }', (d: any) => expect(d.cond).toBeCloseTo(1000, 9)],
    ['norm', 'norm(matrix: $m, ord: inf) { norm }', (d: any) => expect(d.norm).toBe(9)],
  ])('%s answers through the shared service', async (field, selection, check) => {
    const declaration = selection.includes('$m') ? '($m: Matrix!)' : '';
    const reply = await gql(app, `query ${declaration} { ${selection} }`, selection.includes('$m') ? { m } : {});
    expect(reply.errors).toBeUndefined();
    expect(reply.status).toBe(200);
    check(reply.data[field]);
  });

  it('carries the REST code of a rejected matrix', async () => {
    const reply = await gql(app, '{ svd(matrix: [[1, 2], [3]]) { s } }');
    expect(reply.errors![0]!.extensions.code).toBe('RAGGED_MATRIX');
    expect(reply.errors![0]!.extensions.path).toBe('/matrix');
  });

  it('carries NOT_SYMMETRIC with the asymmetry', async () => {
    const reply = await gql(app, '{ eigh(matrix: [[1, 2], [3, 1]]) { eigenvalues } }');
    expect(reply.errors![0]!.extensions.code).toBe('NOT_SYMMETRIC');
    expect(reply.errors![0]!.extensions.maxAsymmetry).toBe(1);
  });

  it('reports an unknown field as GRAPHQL_VALIDATION_FAILED', async () => {
    const reply = await gql(app, '{ svd(matrix: [[1]]) { nothing } }');
    expect(reply.status).toBe(400);
    expect(reply.errors![0]!.extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('reports a wrong argument type as GRAPHQL_VALIDATION_FAILED', async () => {
    const reply = await gql(app, '{ rank(matrix: [[1]], rtol: "small") { rank } }');
    expect(reply.errors![0]!.extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('rejects a query over the cost limit', async () => {
    const cheap = await gql(app, '{ det(matrix: [[1]]) { det } rank(matrix: [[1]]) { rank } }');
    expect(cheap.status).toBe(200);
    const costly = `{ ${Array.from({ length: 3 }, (_, i) => `d${i}: subspaces(matrix: [[1]]) { rank columnSpace { basis dimension } rowSpace { basis dimension } nullspace { basis dimension } leftNullspace { basis dimension } tolerance { value rule rtol atol } }`).join(' ')} svd(matrix: [[1]]) { s } qr(matrix: [[1]]) { r } eigh(matrix: [[1]]) { eigenvalues } rank(matrix: [[1]]) { rank } }`;
    const rejected = await gql(app, costly);
    expect(rejected.status).toBe(400);
    expect(rejected.errors![0]!.extensions.code).toBe('GRAPHQL_QUERY_TOO_COSTLY');
    expect(rejected.errors![0]!.extensions.limit).toBe(400);
  });

  it('rejects a document with too many aliases', async () => {
    const query = `{ ${Array.from({ length: 4 }, (_, i) => `a${i}: det(matrix: [[1]]) { det }`).join(' ')} }`;
    const reply = await gql(app, query);
    expect(reply.errors![0]!.extensions.code).toBe('GRAPHQL_TOO_MANY_ALIASES');
    expect(reply.errors![0]!.extensions.aliases).toBe(4);
  });

  it('answers GraphiQL\'s introspection query at the default depth', async () => {
    const defaults = await makeApp();
    try {
      const reply = await gql(defaults, getIntrospectionQuery());
      expect(reply.errors).toBeUndefined();
      expect(reply.data.__schema.queryType.name).toBe('Query');
    } finally {
      await defaults.close();
    }
  });

  it('rejects a request without a query or with invalid JSON as 400', async () => {
    const missing = await app.inject({ method: 'POST', url: '/graphql', payload: { limit: true } });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const broken = await app.inject({ method: 'POST', url: '/graphql', headers: { 'content-type': 'application/json' }, payload: '{' });
    expect(broken.statusCode).toBe(400);
    expect(broken.json().errors[0].extensions.code).toBe('INVALID_JSON');
  });

  it('serves GraphiQL', async () => {
    const response = await app.inject({ method: 'GET', url: '/graphiql' });
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('GraphiQL');
  });
});
