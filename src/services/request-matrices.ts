/**
 * Wire-format helpers shared by the analytics services (clustering, alignment, low-rank, positional): parse a posted
 * matrix with the configured size limit, choose the reply format, and reject oversized results before compute.
 */

import { DomainError } from '../errors.js';
import type { LinalgDeps } from './linalg.js';
import { type Dtype, type ParsedMatrix, type WireFormat, parseMatrix } from './matrix-wire.js';

export interface ReplyFormat {
  format: WireFormat;
  dtype: Dtype;
}

export function parseInput(deps: LinalgDeps, value: unknown, path: string, allowVector = false): ParsedMatrix {
  return parseMatrix(value, path, { maxElements: deps.maxMatrixElements, allowVector });
}

/** Chooses the reply format: the requested one, else the form of the input matrix, else JSON float64. */
export function replyFormat(parsed: ParsedMatrix | undefined, requested: WireFormat | undefined): ReplyFormat {
  return { format: requested ?? parsed?.format ?? 'json', dtype: parsed?.dtype ?? 'float64' };
}

export function checkResultSize(deps: LinalgDeps, elements: number, hint: string): void {
  if (elements > deps.maxMatrixElements) throw new DomainError('RESULT_TOO_LARGE', { elements, limit: deps.maxMatrixElements, hint });
}

/** Maps labels of any JSON scalar type to dense integer codes, in order of first appearance. */
export function encodeLabels(labels: readonly (string | number)[]): { codes: Int32Array; classes: (string | number)[] } {
  const index = new Map<string | number, number>();
  const codes = new Int32Array(labels.length);
  labels.forEach((label, i) => {
    if (!index.has(label)) index.set(label, index.size);
    codes[i] = index.get(label)!;
  });
  return { codes, classes: [...index.keys()] };
}
