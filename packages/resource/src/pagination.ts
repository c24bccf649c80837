import type { Knex } from 'knex';
import { invalidRequest } from './open-payments-error';

/** Open Payments list query: `first` items after `cursor`, or `last` items before it (cursor = an item id). */
export interface PageRequest {
  first?: number;
  last?: number;
  cursor?: string;
}

export interface PageInfo {
  startCursor?: string;
  endCursor?: string;
  hasNextPage: boolean;
  hasPreviousPage: boolean;
}

export interface Page<T> {
  items: T[];
  pageInfo: PageInfo;
}

export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DEFAULT_PAGE_SIZE = 20;
const MAX_PAGE_SIZE = 100;

export function parsePageRequest(query: Record<string, unknown>): PageRequest {
  const readSize = (name: 'first' | 'last'): number | undefined => {
    const raw = query[name];
    if (raw === undefined) return undefined;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 1 || value > MAX_PAGE_SIZE) {
      throw invalidRequest(`${name} must be an integer from 1 to ${MAX_PAGE_SIZE}`);
    }
    return value;
  };
  const first = readSize('first');
  const last = readSize('last');
  if (first !== undefined && last !== undefined) throw invalidRequest('use either first or last, not both');
  const cursor = typeof query.cursor === 'string' && query.cursor !== '' ? query.cursor : undefined;
  if (cursor !== undefined && !UUID_PATTERN.test(cursor)) throw invalidRequest('cursor must be the id of an item');
  if (last !== undefined && cursor === undefined) throw invalidRequest('last needs a cursor');
  return { first, last, cursor };
}

/**
 * Pages a query over a table with `id` and `created_at`, newest first, keyed on (created_at, id) so pages stay stable
 * while rows are added. `rowsQuery` must not be ordered or limited yet.
 */
export async function paginate<Row extends { id: string }>(
  knex: Knex,
  table: string,
  rowsQuery: Knex.QueryBuilder,
  request: PageRequest,
): Promise<Page<Row>> {
  const backwards = request.last !== undefined;
  const size = request.last ?? request.first ?? DEFAULT_PAGE_SIZE;
  const query = rowsQuery.clone();
  if (request.cursor !== undefined) {
    const cursorRow = knex(table).select('created_at', 'id').where('id', request.cursor);
    // Newest first: "after the cursor" is older, "before the cursor" is newer.
    query.whereRaw(`(${table}.created_at, ${table}.id) ${backwards ? '>' : '<'} (?)`, [cursorRow]);
  }
  const direction = backwards ? 'asc' : 'desc';
  const rows = (await query
    .orderBy([
      { column: `${table}.created_at`, order: direction },
      { column: `${table}.id`, order: direction },
    ])
    .limit(size + 1)) as Row[];
  return pageOfRowsById(rows, request);
}

/**
 * Pages a query newest first by id alone, for tables whose ids are UUIDv7 (time-ordered, see sortable-id.ts): id
 * order is creation order, an index on the id serves it, and the cursor is compared as it is, without a lookup.
 * `idColumn` names the id in `rowsQuery` (qualified when the query joins); `rowsQuery` must not be ordered or limited
 * yet. Same page and pageInfo rules as paginate().
 */
export async function paginateById<Row extends { id: string }>(
  rowsQuery: Knex.QueryBuilder,
  request: PageRequest,
  idColumn = 'id',
): Promise<Page<Row>> {
  return pageOfRowsById((await pageQueryById(rowsQuery.clone(), request, idColumn)) as Row[], request);
}

/**
 * Narrows `query` to the rows of a page by id: those past the cursor, in the page's direction, one more than the page
 * holds (which tells whether there are more). Also usable on each part of a UNION before the whole is narrowed again.
 */
export function pageQueryById(query: Knex.QueryBuilder, request: PageRequest, idColumn = 'id'): Knex.QueryBuilder {
  const backwards = request.last !== undefined;
  const size = request.last ?? request.first ?? DEFAULT_PAGE_SIZE;
  // Newest first: "after the cursor" is older (a smaller id), "before the cursor" is newer.
  if (request.cursor !== undefined) query.where(idColumn, backwards ? '>' : '<', request.cursor);
  return query.orderBy(idColumn, backwards ? 'asc' : 'desc').limit(size + 1);
}

/** The page, newest first, from rows fetched one past the page size in the page's direction (by paginate or pageQueryById). */
export function pageOfRowsById<Row extends { id: string }>(rows: Row[], request: PageRequest): Page<Row> {
  const backwards = request.last !== undefined;
  const size = request.last ?? request.first ?? DEFAULT_PAGE_SIZE;
  const more = rows.length > size;
  const items = rows.slice(0, size);
  if (backwards) items.reverse();
  const hasCursor = request.cursor !== undefined;
  return {
    items,
    pageInfo: {
      startCursor: items[0]?.id,
      endCursor: items[items.length - 1]?.id,
      hasNextPage: backwards ? hasCursor : more,
      hasPreviousPage: backwards ? more : hasCursor,
    },
  };
}
