/**
 * Reads a search request's metadata filter into SQL-ready conditions (src/db/filter-sql.ts renders them).
 *
 * Form: `{ "<key>": <scalar> | { eq, ne, in, nin, gt, gte, lt, lte } }`, every entry and operator ANDed. A bare
 * scalar means `eq`. `in`/`nin` take arrays of scalars. Range bounds are numbers, or ISO 8601 dates
 * (`2024-05-01`) or timestamps (`2024-05-01T08:30:00Z`), and compare only with metadata values of the same kind.
 */

import type { FilterCondition, FilterScalar } from '../db/filter-sql.js';
import { DomainError } from '../errors.js';

const MAX_CONDITIONS = 64;
const MAX_LIST_VALUES = 1000;
const MAX_KEY_LENGTH = 256;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?)?$/;

const RANGE_OPERATORS = ['gt', 'gte', 'lt', 'lte'] as const;
const OPERATORS = ['eq', 'ne', 'in', 'nin', ...RANGE_OPERATORS] as const;

export function readFilter(filter: unknown, path = '/filter'): FilterCondition[] {
  if (filter === undefined) return [];
  if (!isPlainObject(filter)) throw new DomainError('INVALID_FILTER', { path, reason: 'expected an object of metadata keys' });

  const conditions: FilterCondition[] = [];
  for (const [key, spec] of Object.entries(filter)) {
    const keyPath = `${path}/${escapePointer(key)}`;
    if (key.length === 0 || key.length > MAX_KEY_LENGTH) {
      throw new DomainError('INVALID_FILTER', { path: keyPath, reason: `a metadata key has 1 to ${MAX_KEY_LENGTH} characters` });
    }

    if (!isPlainObject(spec)) {
      conditions.push({ key, op: 'eq', value: readScalar(spec, keyPath) });
      continue;
    }
    if (Object.keys(spec).length === 0) throw new DomainError('INVALID_FILTER', { path: keyPath, reason: `give at least one of ${OPERATORS.join(', ')}` });

    for (const [op, operand] of Object.entries(spec)) {
      conditions.push(readCondition(key, op, operand, `${keyPath}/${escapePointer(op)}`));
    }
  }

  if (conditions.length > MAX_CONDITIONS) throw new DomainError('INVALID_FILTER', { path, reason: `at most ${MAX_CONDITIONS} conditions are accepted` });
  return conditions;
}

function readCondition(key: string, op: string, operand: unknown, path: string): FilterCondition {
  switch (op) {
    case 'eq':
    case 'ne':
      return { key, op, value: readScalar(operand, path) };
    case 'in':
    case 'nin': {
      if (!Array.isArray(operand) || operand.length === 0 || operand.length > MAX_LIST_VALUES) {
        throw new DomainError('INVALID_FILTER', { path, reason: `expected an array of 1 to ${MAX_LIST_VALUES} strings, numbers, booleans or nulls` });
      }
      return { key, op, values: operand.map((value, i) => readScalar(value, `${path}/${i}`)) };
    }
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      if (typeof operand === 'number' && Number.isFinite(operand)) return { key, op, kind: 'number', value: operand };
      if (typeof operand === 'string' && ISO_DATE.test(operand) && !Number.isNaN(Date.parse(operand.replace(' ', 'T')))) {
        return { key, op, kind: 'date', value: operand };
      }
      throw new DomainError('INVALID_FILTER', { path, reason: 'a range bound is a finite number or an ISO 8601 date such as "2024-05-01" or "2024-05-01T08:30:00Z"' });
    default:
      throw new DomainError('INVALID_FILTER', { path, reason: `unknown operator ${JSON.stringify(op)}; expected one of ${OPERATORS.join(', ')}` });
  }
}

function readScalar(value: unknown, path: string): FilterScalar {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  throw new DomainError('INVALID_FILTER', { path, reason: 'expected a string, a finite number, a boolean or null' });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** JSON pointer escaping (RFC 6901): ~ becomes ~0 and / becomes ~1. */
export function escapePointer(segment: string): string {
  return segment.replaceAll('~', '~0').replaceAll('/', '~1');
}
