// Wallet addresses, through the resource server's wallet address, key and incoming payment services.
import type { WalletAddressStatus } from '@sluice/resource';
import { badInput, isUuid, notFound } from '../errors';
import { field, type ResolverMap } from '../graphql/build-schema';
import { arrayList, connection, pageOf, readPageArgs, type PageArgs } from '../graphql/pagination';
import {
  incomingPaymentView,
  walletAddressKeyView,
  walletAddressView,
  type AssetView,
  type WalletAddressView,
} from '../graphql/views';
import { translated } from '../service-errors';
import { outgoingPaymentView, quoteView } from './outgoing-payments';

const WALLET_ADDRESS_NOT_FOUND = 'unknown wallet address';

interface AdditionalPropertyInput {
  key: string;
  value: string;
  visibleInOpenPayments: boolean;
}

const statusOf = (status: 'ACTIVE' | 'INACTIVE'): WalletAddressStatus => (status === 'ACTIVE' ? 'active' : 'inactive');

export const walletAddressResolvers: ResolverMap = {
  Query: {
    walletAddress: field<unknown, { id: string }>(async (_source, { id }, context) => {
      const walletAddress = isUuid(id) ? await context.resource.walletAddresses.get(id) : undefined;
      if (!walletAddress) throw notFound(WALLET_ADDRESS_NOT_FOUND);
      return walletAddressView(walletAddress);
    }),

    resolveAddress: field<unknown, { name: string }>(async (_source, { name }, context) => {
      const resolved = await context.resource.addresses.resolve(name);
      return resolved ? walletAddressView(resolved.walletAddress) : null;
    }),

    walletAddressByUrl: field<unknown, { url: string }>(async (_source, { url }, context) => {
      const walletAddresses = context.resource.walletAddresses;
      let canonical: string;
      try {
        // Also finds a wallet address by its payment pointer or path, as it would be given at creation.
        canonical = walletAddresses.canonicalUrl(url).url;
      } catch {
        return null;
      }
      const walletAddress = await walletAddresses.getByUrl(canonical);
      return walletAddress ? walletAddressView(walletAddress) : null;
    }),

    walletAddresses: field<unknown, PageArgs>(async (_source, args, context) => {
      const page = await pageOf((request) => context.resource.walletAddresses.list(request), readPageArgs(args));
      return connection(page, walletAddressView);
    }),
  },

  Mutation: {
    triggerWalletAddressEvents: field<unknown, { input: { limit: number } }>(async (_source, { input }, context) => {
      if (!Number.isInteger(input.limit) || input.limit < 1 || input.limit > 1000) {
        throw badInput('limit must be an integer from 1 to 1,000');
      }
      return { count: await context.resource.announceDueWebMonetization(input.limit) };
    }),

    createWalletAddress: field<
      unknown,
      {
        input: {
          assetId: string;
          address?: string | null;
          url?: string | null;
          publicName?: string | null;
          additionalProperties?: AdditionalPropertyInput[] | null;
        };
      }
    >(async (_source, { input }, context) => {
      const address = input.address ?? input.url;
      if (!address) throw badInput('address is required');
      if (input.address && input.url && input.address !== input.url) {
        throw badInput('give address or url (its older name), not two different values');
      }
      if (!isUuid(input.assetId)) throw badInput('unknown asset');
      const walletAddress = await translated(() =>
        context.resource.walletAddresses.create({
          address,
          assetId: input.assetId,
          publicName: input.publicName ?? undefined,
          additionalProperties: input.additionalProperties ?? undefined,
        }),
      );
      return { walletAddress: walletAddressView(walletAddress) };
    }),

    updateWalletAddress: field<
      unknown,
      {
        input: {
          id: string;
          publicName?: string | null;
          status?: 'ACTIVE' | 'INACTIVE' | null;
          additionalProperties?: AdditionalPropertyInput[] | null;
        };
      }
    >(async (_source, { input }, context) => {
      if (!isUuid(input.id)) throw notFound(WALLET_ADDRESS_NOT_FOUND);
      const walletAddress = await translated(() =>
        context.resource.walletAddresses.update({
          id: input.id,
          publicName: input.publicName ?? undefined,
          status: input.status ? statusOf(input.status) : undefined,
          additionalProperties: input.additionalProperties ?? undefined,
        }),
      );
      return { walletAddress: walletAddressView(walletAddress) };
    }),
  },

  WalletAddress: {
    // The wallet address carries its asset's code and scale; the rest of the asset is loaded only when asked for.
    asset: field<WalletAddressView>((walletAddress): AssetView => ({
      id: walletAddress.assetId,
      code: walletAddress.assetCode,
      scale: walletAddress.assetScale,
    })),

    liquidity: field<WalletAddressView>((walletAddress, _args, context) =>
      translated(() => context.requireConnector().getWalletAddressLiquidity(walletAddress.id)),
    ),

    balance: field<WalletAddressView>((walletAddress, _args, context) =>
      translated(() => context.requireConnector().getWalletAddressLiquidity(walletAddress.id)),
    ),

    incomingPayments: field<WalletAddressView, PageArgs>(async (walletAddress, args, context) => {
      const window = readPageArgs(args);
      const page = await pageOf((request) => context.resource.incomingPayments.list(walletAddress.id, request), window);
      return connection(page, incomingPaymentView);
    }),

    quotes: field<WalletAddressView, PageArgs>(async (walletAddress, args, context) => {
      const quotes = context.resource.quotes;
      if (!quotes) return null;
      const window = readPageArgs(args);
      const page = await pageOf((request) => quotes.list(walletAddress.id, request), window);
      return connection(page, quoteView);
    }),

    outgoingPayments: field<WalletAddressView, PageArgs>(async (walletAddress, args, context) => {
      const outgoingPayments = context.resource.outgoingPayments;
      if (!outgoingPayments) return null;
      const window = readPageArgs(args);
      const page = await pageOf((request) => outgoingPayments.list(walletAddress.id, request), window);
      return connection(page, outgoingPaymentView);
    }),

    walletAddressKeys: field<WalletAddressView, PageArgs>(async (walletAddress, args, context) => {
      const window = readPageArgs(args);
      // The key service returns a wallet address's active keys whole (oldest first); there are few.
      const keys = await context.resource.keys.listActive(walletAddress.id);
      const page = await pageOf(arrayList([...keys].reverse()), window);
      return connection(page, walletAddressKeyView);
    }),

    tenantId: field((_source, _args, context) => context.tenantId()),
  },
};
