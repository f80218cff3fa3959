import { buildSchema, getIntrospectionQuery, parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';

import { ROOT_FIELD_COST, aliasLimitRule, costLimitRule, depthLimitRule } from '../../src/graphql/limits.js';

const schema = buildSchema(`
  type Node { id: ID!, child: Node, children: [Node!]! }
  type Query { node: Node, nodes: [Node!]! }
`);

function codes(query: string, rules: Parameters<typeof validate>[2]): unknown[] {
  return validate(schema, parse(query), rules).map((error) => error.extensions.code);
}

describe('GraphQL limits', () => {
  it('counts depth through fields, fragments and inline fragments', () => {
    const query = '{ node { child { ...deeper } } } fragment deeper on Node { ... on Node { child { id } } }';
    // node → child → child → id: four levels.
    expect(codes(query, [depthLimitRule(4)])).toEqual([]);
    expect(codes(query, [depthLimitRule(3)])).toEqual(['GRAPHQL_QUERY_TOO_DEEP']);
  });

  it('does not count introspection toward depth', () => {
    expect(codes(getIntrospectionQuery(), [depthLimitRule(7)])).toEqual([]);
  });

  it('charges root fields and every selected field', () => {
    const query = '{ node { id child { id } } nodes { id } }';
    // node (1 + root) + id + child + id + nodes (1 + root) + id = 6 + 2·ROOT_FIELD_COST.
    const cost = 6 + 2 * ROOT_FIELD_COST;
    expect(codes(query, [costLimitRule({ maxCost: cost, maxAliases: 10 })])).toEqual([]);
    expect(codes(query, [costLimitRule({ maxCost: cost - 1, maxAliases: 10 })])).toEqual(['GRAPHQL_QUERY_TOO_COSTLY']);
  });

  it('expands fragments when charging', () => {
    const query = '{ a: node { ...f } b: node { ...f } } fragment f on Node { id child { id } }';
    const cost = 2 * (1 + ROOT_FIELD_COST + 3);
    expect(codes(query, [costLimitRule({ maxCost: cost, maxAliases: 10 })])).toEqual([]);
    expect(codes(query, [costLimitRule({ maxCost: cost - 1, maxAliases: 10 })])).toEqual(['GRAPHQL_QUERY_TOO_COSTLY']);
  });

  it('caps aliases per document', () => {
    const query = '{ a: node { id } b: node { id } c: node { x: id } }';
    expect(codes(query, [aliasLimitRule({ maxCost: 1000, maxAliases: 4 })])).toEqual([]);
    expect(codes(query, [aliasLimitRule({ maxCost: 1000, maxAliases: 3 })])).toEqual(['GRAPHQL_TOO_MANY_ALIASES']);
  });
});
