// Reads the webhook event log (table webhook_events, written by the resource server in the transactions of the
// changes it announces). Newest first, keyed on (created_at, id) so pages stay stable while events are added.
import type { Knex } from 'knex';
import type { StringFilter } from '@sluice/resource';
import type { NewestFirstList, Page } from '../graphql/pagination';

export interface WebhookEvent {
  id: string;
  type: string;
  data: Record<string, unknown>;
  createdAt: Date;
}

interface EventRow {
  id: string;
  type: string;
  data: Record<string, unknown>;
  created_at: Date;
}

export function createWebhookEventStore(deps: { knex: Knex }) {
  const { knex } = deps;
  return {
    async get(id: string): Promise<WebhookEvent | undefined> {
      const row = (await knex('webhook_events').where('id', id).first('id', 'type', 'data', 'created_at')) as
        EventRow | undefined;
      return row && { id: row.id, type: row.type, data: row.data, createdAt: row.created_at };
    },

    /** A newest-first list of events, only of the types the filter keeps. */
    list(filter: { type?: StringFilter }): NewestFirstList<WebhookEvent> {
      return async ({ first, last, cursor }): Promise<Page<WebhookEvent>> => {
        const backwards = last !== undefined;
        const size = last ?? first ?? 20;
        const query = knex('webhook_events').select('id', 'type', 'data', 'created_at');
        if (filter.type?.in) query.whereIn('type', [...filter.type.in]);
        if (filter.type?.notIn) query.whereNotIn('type', [...filter.type.notIn]);
        if (cursor !== undefined) {
          // Compared in SQL: created_at has microseconds, a JS Date only milliseconds.
          query.whereRaw(
            `(created_at, id) ${backwards ? '>' : '<'} (SELECT c.created_at, c.id FROM webhook_events c WHERE c.id = ?)`,
            [cursor],
          );
        }
        const direction = backwards ? 'asc' : 'desc';
        const rows = (await query
          .orderBy([
            { column: 'created_at', order: direction },
            { column: 'id', order: direction },
          ])
          .limit(size + 1)) as EventRow[];
        const more = rows.length > size;
        const items = rows.slice(0, size);
        if (backwards) items.reverse();
        return {
          items: items.map((row) => ({ id: row.id, type: row.type, data: row.data, createdAt: row.created_at })),
          pageInfo: {
            startCursor: items[0]?.id,
            endCursor: items[items.length - 1]?.id,
            hasNextPage: backwards ? cursor !== undefined : more,
            hasPreviousPage: backwards ? more : cursor !== undefined,
          },
        };
      };
    },
  };
}

export type WebhookEventStore = ReturnType<typeof createWebhookEventStore>;
