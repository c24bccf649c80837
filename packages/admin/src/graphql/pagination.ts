// Rafiki's cursor pagination (first/after forward, last/before backward, sortOrder, newest first by default) on
// top of the services' lists. The resource server lists newest first with `{ first | last, cursor }`; an ascending
// page is the mirror image of a descending one (forward ↔ backward, reversed), so every order and direction is
// served by those lists without reading their tables.
import { badInput, isUuid } from '../errors';
import type { PortPagination } from '../connector-port';

export interface PageArgs {
  after?: string | null;
  before?: string | null;
  first?: number | null;
  last?: number | null;
  sortOrder?: 'ASC' | 'DESC' | null;
}

export interface PageWindow {
  direction: 'forward' | 'backward';
  size: number;
  cursor?: string;
  sortOrder: 'ASC' | 'DESC';
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

/** A newest-first list: `first` items older than `cursor`, or `last` items newer than it (oldest when no cursor). */
export type NewestFirstList<T> = (request: { first?: number; last?: number; cursor?: string }) => Promise<Page<T>>;

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

function readSize(value: number | null | undefined, name: string): number | undefined {
  if (value === null || value === undefined) return undefined;
  if (!Number.isInteger(value) || value < 1 || value > MAX_PAGE_SIZE) {
    throw badInput(`${name} must be an integer from 1 to ${MAX_PAGE_SIZE}`);
  }
  return value;
}

function readCursor(value: string | null | undefined, name: string): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (!isUuid(value)) throw badInput(`${name} must be a cursor from a previous page`);
  return value;
}

export function readPageArgs(args: PageArgs): PageWindow {
  const first = readSize(args.first, 'first');
  const last = readSize(args.last, 'last');
  const after = readCursor(args.after, 'after');
  const before = readCursor(args.before, 'before');
  const sortOrder = args.sortOrder ?? 'DESC';
  const forward = first !== undefined || after !== undefined;
  const backward = last !== undefined || before !== undefined;
  if (forward && backward) throw badInput('use first/after or last/before, not both');
  if (last !== undefined && before === undefined) throw badInput("Can't paginate backwards from the start.");
  if (backward) return { direction: 'backward', size: last ?? DEFAULT_PAGE_SIZE, cursor: before, sortOrder };
  return { direction: 'forward', size: first ?? DEFAULT_PAGE_SIZE, cursor: after, sortOrder };
}

/** The window as the connector port takes it. */
export function toPortPagination(window: PageWindow): PortPagination {
  return window.direction === 'forward'
    ? { first: window.size, after: window.cursor, sortOrder: window.sortOrder }
    : { last: window.size, before: window.cursor, sortOrder: window.sortOrder };
}

/** One page in the window's order, from a newest-first list. */
export async function pageOf<T>(list: NewestFirstList<T>, window: PageWindow): Promise<Page<T>> {
  // Newest first, forward is `first` (older than the cursor) and backward is `last` (newer). Ascending is the
  // mirror image: forward there means newer than the cursor, i.e. `last`, and backward means `first`.
  const take = (window.direction === 'forward') === (window.sortOrder === 'DESC') ? 'first' : 'last';
  const page = await list({ [take]: window.size, cursor: window.cursor });
  if (window.sortOrder === 'DESC') return page;
  const { pageInfo } = page;
  return {
    items: [...page.items].reverse(),
    pageInfo: {
      startCursor: pageInfo.endCursor,
      endCursor: pageInfo.startCursor,
      hasNextPage: pageInfo.hasPreviousPage,
      hasPreviousPage: pageInfo.hasNextPage,
    },
  };
}

/** A newest-first list over an array already in that order (for small lists the services return whole). */
export function arrayList<T extends { id: string }>(newestFirst: T[]): NewestFirstList<T> {
  return async ({ first, last, cursor }) => {
    const at = cursor === undefined ? -1 : newestFirst.findIndex((item) => item.id === cursor);
    if (cursor !== undefined && at < 0) return { items: [], pageInfo: { hasNextPage: false, hasPreviousPage: false } };
    let items: T[];
    let hasNextPage: boolean;
    let hasPreviousPage: boolean;
    if (last !== undefined) {
      // Newer than the cursor (or the oldest ones when there is none), nearest first.
      const end = cursor === undefined ? newestFirst.length : at;
      const start = Math.max(0, end - last);
      items = newestFirst.slice(start, end);
      hasPreviousPage = start > 0;
      hasNextPage = cursor !== undefined;
    } else {
      const start = at + 1;
      const end = start + (first ?? DEFAULT_PAGE_SIZE);
      items = newestFirst.slice(start, end);
      hasNextPage = end < newestFirst.length;
      hasPreviousPage = cursor !== undefined;
    }
    return {
      items,
      pageInfo: { startCursor: items[0]?.id, endCursor: items[items.length - 1]?.id, hasNextPage, hasPreviousPage },
    };
  };
}

/** A GraphQL connection: edges with the item id as cursor, and pageInfo with nulls for absent cursors. */
export function connection<T extends { id: string }, V>(page: Page<T>, view: (item: T) => V) {
  return {
    edges: page.items.map((item) => ({ cursor: item.id, node: view(item) })),
    pageInfo: {
      startCursor: page.pageInfo.startCursor ?? null,
      endCursor: page.pageInfo.endCursor ?? null,
      hasNextPage: page.pageInfo.hasNextPage,
      hasPreviousPage: page.pageInfo.hasPreviousPage,
    },
  };
}
