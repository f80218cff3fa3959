/** TypeBox schemas for requests that send sets of vectors. */

import { Type } from 'typebox';

import { StringEnum } from './schemas.js';

export const Layout = StringEnum(['rows', 'columns'], { description: 'Whether each row or each column of the matrices is a vector.' });

export const ResidualRtol = Type.Optional(
  Type.Number({
    minimum: 0,
    description: 'Largest relative residual ‖v − P·v‖/‖v‖ that still counts as inside the span. Default max(n, k + 1)·ε·σ1/σr of the spanning vectors.',
  }),
);

/** Returns a copy of a body schema with one example request, which the OpenAPI document at /docs shows. */
export function withExample<T extends object>(schema: T, example: Record<string, unknown>): T {
  return { ...schema, examples: [example] };
}
