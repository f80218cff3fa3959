/**
 * TypeBox schemas shared by the routes. They drive request validation and the OpenAPI document at /docs.
 *
 * Matrices are declared without a type so that the validator lets them through: matrix-wire.ts checks them and
 * rejects with a precise code and JSON pointer (ragged row, non-number, bad base64...), which a schema validator's
 * union errors cannot give.
 */

import { Type } from 'typebox';

/**
 * A string enumeration as a plain JSON-schema `enum`, so a rejection reads "must be equal to one of the allowed
 * values" and lists them, where a union of literals would report only its first branch.
 */
export function StringEnum<const T extends readonly string[]>(values: T, options: { description?: string } = {}) {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });
}

export const MATRIX_DESCRIPTION =
  'A matrix: a JSON array of rows of numbers, or { "shape": [m, n], "dtype": "float64" | "float32", "data": "<base64>" } ' +
  'with little-endian, row-major data.';

export const Matrix = Type.Unsafe<unknown>({ description: MATRIX_DESCRIPTION, examples: [[[3, 0], [4, 5]]] });

export const MatrixOrVector = Type.Unsafe<unknown>({
  description: `${MATRIX_DESCRIPTION} A flat array of numbers (binary shape [n]) is read as one vector.`,
  examples: [[1, 2, 3]],
});

export const Format = Type.Optional(
  StringEnum(['json', 'base64'], { description: 'Form of the matrices in the reply; default: the form of the request matrix.' }),
);

export const Rtol = Type.Optional(
  Type.Number({ minimum: 0, description: 'Relative tolerance: singular values ≤ rtol·σmax count as zero. Default max(m, n)·ε (numpy).' }),
);
export const Atol = Type.Optional(Type.Number({ minimum: 0, description: 'Absolute tolerance: singular values ≤ atol count as zero. Excludes rtol.' }));

export const Ord = Type.Unsafe<'fro' | 'nuc' | 'inf' | 1 | 2>({
  enum: ['fro', 'nuc', 'inf', 1, 2],
  description: 'Norm order, as numpy.linalg.norm: "fro", "nuc", 1 (max column sum), 2 (largest singular value), "inf" (max row sum).',
});

export const ErrorReply = Type.Object(
  {
    statusCode: Type.Integer(),
    code: Type.String({ description: 'Stable error code from the catalogue, e.g. RAGGED_MATRIX.' }),
    error: Type.String(),
    message: Type.String(),
    path: Type.Optional(Type.String({ description: 'JSON pointer of the offending value.' })),
  },
  { additionalProperties: true },
);

/** Reply schemas of a compute route: the result (documented per route) and the catalogue's error body. */
export const ComputeReplies = {
  200: Type.Unsafe<unknown>({ description: 'The result; its fields are listed in the route description and the README.' }),
  400: ErrorReply,
  413: ErrorReply,
  422: ErrorReply,
  503: ErrorReply,
};
