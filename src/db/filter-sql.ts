/**
 * Metadata filters as SQL conditions on the `metadata` jsonb column. The service validates a request's filter
 * into `FilterCondition`s; this module only renders them, with every key and value as a bind parameter.
 *
 * `eq` and `in` match the JSON value exactly: 1 and 1.0 are equal, "1" and 1 are not. `ne` and `nin` also keep
 * documents that lack the key. Number ranges skip values that are not JSON numbers. Date ranges skip values that
 * are not ISO 8601 dates or timestamps, and read a date without a time zone in the session's time zone.
 */

export type FilterScalar = string | number | boolean | null;

export type FilterCondition =
  | { key: string; op: 'eq' | 'ne'; value: FilterScalar }
  | { key: string; op: 'in' | 'nin'; values: FilterScalar[] }
  | { key: string; op: 'gt' | 'gte' | 'lt' | 'lte'; kind: 'number'; value: number }
  | { key: string; op: 'gt' | 'gte' | 'lt' | 'lte'; kind: 'date'; value: string };

const COMPARISON = { gt: '>', gte: '>=', lt: '<', lte: '<=' } as const;

/** Renders each condition, appending its parameters to `params` (placeholders continue from its length). */
export function filterToSql(conditions: readonly FilterCondition[], params: unknown[]): string[] {
  const bind = (value: unknown): string => {
    params.push(value);
    return `$${params.length}`;
  };

  return conditions.map((condition) => {
    const key = bind(condition.key);
    switch (condition.op) {
      case 'eq':
        return `(metadata -> ${key}::text) = ${bind(JSON.stringify(condition.value))}::jsonb`;
      case 'ne':
        return `(metadata -> ${key}::text) IS DISTINCT FROM ${bind(JSON.stringify(condition.value))}::jsonb`;
      case 'in':
        return `(metadata -> ${key}::text) IN (SELECT jsonb_array_elements(${bind(JSON.stringify(condition.values))}::jsonb))`;
      case 'nin':
        return `NOT COALESCE((metadata -> ${key}::text) IN (SELECT jsonb_array_elements(${bind(JSON.stringify(condition.values))}::jsonb)), false)`;
      default: {
        const comparison = COMPARISON[condition.op];
        if (condition.kind === 'number') {
          return `(CASE WHEN jsonb_typeof(metadata -> ${key}::text) = 'number' THEN (metadata ->> ${key}::text)::numeric END) ${comparison} ${bind(condition.value)}::numeric`;
        }
        return `vectorspace_try_timestamptz(CASE WHEN jsonb_typeof(metadata -> ${key}::text) = 'string' THEN metadata ->> ${key}::text END) ${comparison} ${bind(condition.value)}::timestamptz`;
      }
    }
  });
}
