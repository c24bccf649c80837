// Cursor pagination in the shape of Rafiki's admin API (first/after, last/before, sortOrder), over tables ordered
// by (created_at, id); a cursor is the id of a row.
import type { Knex } from 'knex';
import { invalidArgument } from './errors';

export interface Pagination {
  first?: number;
  after?: string;
  last?: number;
  before?: string;
  sortOrder?: 'ASC' | 'DESC';
}

export interface PageInfo {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor?: string;
  endCursor?: string;
}

export interface Page<T> {
  items: T[];
  pageInfo: PageInfo;
}

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

function pageSize(value: number | undefined, field: string): number {
  if (value === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(value) || value < 1 || value > MAX_PAGE_SIZE) {
    throw invalidArgument(`${field} must be an integer in 1..${MAX_PAGE_SIZE}`);
  }
  return value;
}

/**
 * One page of `table` (which must have created_at and id columns). `scope` narrows the rows (e.g. by asset);
 * `select` adds joins/columns. Rows come back in the requested order whichever direction is paged.
 */
export async function paginate<Row extends { id: string }>(
  knex: Knex,
  table: string,
  pagination: Pagination,
  select: (query: Knex.QueryBuilder) => Knex.QueryBuilder,
  scope: (query: Knex.QueryBuilder) => Knex.QueryBuilder = (query) => query,
): Promise<Page<Row>> {
  const { after, before } = pagination;
  if (
    (pagination.first !== undefined || after !== undefined) &&
    (pagination.last !== undefined || before !== undefined)
  ) {
    throw invalidArgument('use first/after or last/before, not both');
  }
  const backward = pagination.last !== undefined || before !== undefined;
  const size = pageSize(backward ? pagination.last : pagination.first, backward ? 'last' : 'first');
  const cursor = backward ? before : after;
  if (cursor !== undefined && !isUuid(cursor)) throw invalidArgument('invalid cursor');
  const descending = (pagination.sortOrder ?? 'ASC') === 'DESC';
  if (pagination.sortOrder !== undefined && pagination.sortOrder !== 'ASC' && pagination.sortOrder !== 'DESC') {
    throw invalidArgument('sortOrder must be ASC or DESC');
  }
  // Reading backward walks the opposite order and reverses the result.
  const walkDescending = descending !== backward;
  const direction = walkDescending ? 'desc' : 'asc';
  const comparison = walkDescending ? '<' : '>';

  if (cursor !== undefined && !(await knex(table).select('id').where({ id: cursor }).first())) {
    throw invalidArgument('unknown cursor');
  }
  let query = scope(select(knex(table)));
  if (cursor !== undefined) {
    // Compared in SQL: created_at has microseconds, a JS Date only milliseconds.
    query = query.whereRaw(
      `(${table}.created_at, ${table}.id) ${comparison} (SELECT c.created_at, c.id FROM ${table} AS c WHERE c.id = ?)`,
      [cursor],
    );
  }
  const rows = (await query
    .orderBy(`${table}.created_at`, direction)
    .orderBy(`${table}.id`, direction)
    .limit(size + 1)) as Row[];
  const more = rows.length > size;
  const items = rows.slice(0, size);
  if (backward) items.reverse();
  return {
    items,
    pageInfo: {
      hasNextPage: backward ? cursor !== undefined : more,
      hasPreviousPage: backward ? more : cursor !== undefined,
      startCursor: items[0]?.id,
      endCursor: items[items.length - 1]?.id,
    },
  };
}
