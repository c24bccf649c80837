// A filter on one text or uuid column of a list (what Rafiki's admin API calls FilterString): `in` keeps only rows
// whose value is listed, `notIn` drops those whose value is listed; either may be absent. An empty `in` matches no
// row (a caller that treats an empty list as "no filter", as Rafiki does, leaves `in` out).
import type { Knex } from 'knex';
import { UUID_PATTERN } from './pagination';

export interface StringFilter {
  in?: readonly string[];
  notIn?: readonly string[];
}

/** Whether `value` passes the filter (for filters on something that is not a column, e.g. a payment's type). */
export function passesStringFilter(filter: StringFilter | undefined, value: string): boolean {
  if (filter?.in && !filter.in.includes(value)) return false;
  return !filter?.notIn?.includes(value);
}

/**
 * Adds the filter to `query` on `column`. For a uuid column, values that are not UUIDs are left out first: they can
 * match no row, and PostgreSQL would refuse to compare them with a uuid.
 */
export function whereStringFilter(
  query: Knex.QueryBuilder,
  column: string,
  filter: StringFilter | undefined,
  columnType: 'text' | 'uuid' = 'text',
): Knex.QueryBuilder {
  if (!filter) return query;
  const usable = (values: readonly string[]) =>
    columnType === 'uuid' ? values.filter((value) => UUID_PATTERN.test(value)) : [...values];
  // knex writes an empty whereIn as a condition that is always false, and an empty whereNotIn as none.
  if (filter.in) query.whereIn(column, usable(filter.in));
  if (filter.notIn) query.whereNotIn(column, usable(filter.notIn));
  return query;
}
