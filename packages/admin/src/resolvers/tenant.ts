// The single tenant of a Sluice instance: its operator. Rafiki's multi-tenant fields answer with this tenant.
import { field, type ResolverMap } from '../graphql/build-schema';

export const tenantResolvers: ResolverMap = {
  Query: {
    whoami: field(async (_source, _args, context) => ({ id: await context.tenantId(), isOperator: true })),
  },
};
