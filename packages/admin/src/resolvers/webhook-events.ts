// The webhook event log (what the resource server announced, delivered or not).
import { field, type ResolverMap } from '../graphql/build-schema';
import { readStringFilter, type FilterStringInput } from '../graphql/filters';
import { connection, pageOf, readPageArgs, type PageArgs } from '../graphql/pagination';
import type { WebhookEvent } from '../webhook-events/webhook-event-store';

const eventView = (event: WebhookEvent) => ({
  id: event.id,
  type: event.type,
  data: event.data,
  createdAt: event.createdAt.toISOString(),
});

export const webhookEventResolvers: ResolverMap = {
  Query: {
    webhookEvents: field<unknown, PageArgs & { filter?: { type?: FilterStringInput | null } | null }>(
      async (_source, args, context) => {
        const window = readPageArgs(args);
        const page = await pageOf(context.webhookEvents.list({ type: readStringFilter(args.filter?.type) }), window);
        return connection(page, eventView);
      },
    ),
  },

  WebhookEvent: {
    tenantId: field((_source, _args, context) => context.tenantId()),
  },
};
