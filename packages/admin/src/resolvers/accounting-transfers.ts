// Rafiki's accountingTransfers: an account's newest movements, through the connector port.
import { badInput, isUuid } from '../errors';
import type { PortAccountingTransfer } from '../connector-port';
import { field, type ResolverMap } from '../graphql/build-schema';
import { translated } from '../service-errors';

const DEFAULT_LIMIT = 20;
// Rafiki sets no ceiling; one keeps a single query from reading the whole history of a busy account.
const MAX_LIMIT = 10_000;

function transferView(transfer: PortAccountingTransfer) {
  return {
    ...transfer,
    expiresAt: transfer.expiresAt?.toISOString() ?? null,
    createdAt: transfer.createdAt.toISOString(),
  };
}

export const accountingTransferResolvers: ResolverMap = {
  Query: {
    accountingTransfers: field<unknown, { id: string; limit?: number | null }>(async (_source, args, context) => {
      const connector = context.requireConnector();
      const limit = args.limit ?? DEFAULT_LIMIT;
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
        throw badInput(`limit must be an integer from 1 to ${MAX_LIMIT}`);
      }
      // No account has an id that is not a UUID: nothing to list (Rafiki answers empty lists for unknown ids).
      if (!isUuid(args.id)) return { debits: [], credits: [] };
      const transfers = await translated(() => connector.listAccountingTransfers(args.id, limit));
      return { debits: transfers.debits.map(transferView), credits: transfers.credits.map(transferView) };
    }),
  },
};
