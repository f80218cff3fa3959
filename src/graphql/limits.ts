/**
 * Validation rules that bound the work one GraphQL document can ask for: a depth limit, a static cost limit and a
 * cap on aliases.
 *
 * Cost: every selected field costs 1, and each root field that runs a computation or a database query costs
 * `ROOT_FIELD_COST` more, counted once per occurrence, fragments expanded. Aliases are what make one document
 * repeat an expensive field, so they are capped on their own too.
 */

import { GraphQLError, Kind, type ASTVisitor, type FragmentDefinitionNode, type SelectionSetNode, type ValidationContext } from 'graphql';

export const ROOT_FIELD_COST = 50;

export interface GraphqlLimits {
  maxCost: number;
  maxAliases: number;
}

/**
 * Limits the nesting of selections. Introspection fields (`__schema`, `__type`) are not counted: GraphiQL's
 * introspection query nests 15 levels deep, and its size is bounded by the schema, not by the client.
 */
export function depthLimitRule(maxDepth: number) {
  return (context: ValidationContext): ASTVisitor => ({
    OperationDefinition(operation) {
      const fragments = fragmentsOf(context);
      const depth = selectionDepth(operation.selectionSet, fragments, new Set());
      if (depth > maxDepth) {
        context.reportError(
          new GraphQLError(`The query is ${depth} levels deep, more than the limit of ${maxDepth} (GRAPHQL_MAX_DEPTH).`, {
            nodes: [operation],
            extensions: { code: 'GRAPHQL_QUERY_TOO_DEEP', depth, limit: maxDepth },
          }),
        );
      }
    },
  });
}

function selectionDepth(selectionSet: SelectionSetNode, fragments: Map<string, FragmentDefinitionNode>, expanding: Set<string>): number {
  let deepest = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      if (selection.name.value.startsWith('__')) continue;
      const below = selection.selectionSet ? selectionDepth(selection.selectionSet, fragments, expanding) : 0;
      deepest = Math.max(deepest, 1 + below);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      deepest = Math.max(deepest, selectionDepth(selection.selectionSet, fragments, expanding));
    } else {
      const name = selection.name.value;
      const fragment = fragments.get(name);
      if (!fragment || expanding.has(name)) continue;
      expanding.add(name);
      deepest = Math.max(deepest, selectionDepth(fragment.selectionSet, fragments, expanding));
      expanding.delete(name);
    }
  }
  return deepest;
}

function fragmentsOf(context: ValidationContext): Map<string, FragmentDefinitionNode> {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of context.getDocument().definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  return fragments;
}

export function costLimitRule(limits: GraphqlLimits) {
  return (context: ValidationContext): ASTVisitor => ({
    OperationDefinition(operation) {
      const fragments = fragmentsOf(context);
      const cost = selectionCost(operation.selectionSet, fragments, true, new Set());
      if (cost > limits.maxCost) {
        context.reportError(
          new GraphQLError(`The query costs ${cost}, more than the limit of ${limits.maxCost} (GRAPHQL_MAX_COST); split it into smaller queries.`, {
            nodes: [operation],
            extensions: { code: 'GRAPHQL_QUERY_TOO_COSTLY', cost, limit: limits.maxCost },
          }),
        );
      }
    },
  });
}

function selectionCost(selectionSet: SelectionSetNode, fragments: Map<string, FragmentDefinitionNode>, root: boolean, expanding: Set<string>): number {
  let cost = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      const isIntrospection = selection.name.value.startsWith('__');
      cost += 1 + (root && !isIntrospection ? ROOT_FIELD_COST : 0);
      if (selection.selectionSet) cost += selectionCost(selection.selectionSet, fragments, false, expanding);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      cost += selectionCost(selection.selectionSet, fragments, root, expanding);
    } else {
      const name = selection.name.value;
      const fragment = fragments.get(name);
      // A cycle is reported by graphql's own NoFragmentCycles rule; here it just stops the expansion.
      if (!fragment || expanding.has(name)) continue;
      expanding.add(name);
      cost += selectionCost(fragment.selectionSet, fragments, root, expanding);
      expanding.delete(name);
    }
  }
  return cost;
}

export function aliasLimitRule(limits: GraphqlLimits) {
  return (context: ValidationContext): ASTVisitor => {
    let aliases = 0;
    return {
      Field(field) {
        if (field.alias) aliases++;
      },
      Document: {
        leave(document) {
          if (aliases > limits.maxAliases) {
            context.reportError(
              new GraphQLError(`The document uses ${aliases} aliases, more than the limit of ${limits.maxAliases} (GRAPHQL_MAX_ALIASES).`, {
                nodes: [document],
                extensions: { code: 'GRAPHQL_TOO_MANY_ALIASES', aliases, limit: limits.maxAliases },
              }),
            );
          }
        },
      },
    };
  };
}
