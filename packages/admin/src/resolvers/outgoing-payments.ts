// Quotes and outgoing payments, through the resource server's services (the same ones Open Payments clients use, so
// pricing, funding, grant-free limits and webhook events are identical). Operator-made payments carry no grant.
import { randomUUID } from 'node:crypto';
import type { OutgoingPayment, Quote } from '@sluice/resource';
import { AdminError, ErrorCode, isUuid, notFound } from '../errors';
import { field, type ResolverMap } from '../graphql/build-schema';
import type { AdminContext } from '../graphql/context';
import { readStringFilter, type FilterStringInput } from '../graphql/filters';
import { connection, pageOf, readPageArgs, type PageArgs } from '../graphql/pagination';
import { amountView } from '../graphql/views';
import { translated } from '../service-errors';

type AmountInput = { value: bigint; assetCode: string; assetScale: number };

interface OutgoingPaymentFilterInput {
  receiver?: FilterStringInput | null;
  walletAddressId?: FilterStringInput | null;
  state?: FilterStringInput | null;
}

const asJsonAmount = (amount: AmountInput | null | undefined) =>
  amount ? { ...amount, value: amount.value.toString() } : undefined;

export const quoteView = (quote: Quote) => ({
  id: quote.id,
  walletAddressId: quote.walletAddressId,
  receiver: quote.receiver,
  debitAmount: amountView(quote.debitAmount),
  receiveAmount: amountView(quote.receiveAmount),
  // A Float, as Rafiki's: a rate, not money.
  estimatedExchangeRate: quote.estimatedExchangeRate
    ? Number(quote.estimatedExchangeRate.numerator) / Number(quote.estimatedExchangeRate.denominator)
    : null,
  createdAt: quote.createdAt.toISOString(),
  expiresAt: quote.expiresAt.toISOString(),
});

export const outgoingPaymentView = (payment: OutgoingPayment) => ({
  id: payment.id,
  walletAddressId: payment.walletAddressId,
  client: payment.client ?? null,
  grantId: payment.grantId ?? null,
  state: payment.state,
  error: payment.error ?? null,
  stateAttempts: payment.attempts,
  receiver: payment.quote.receiver,
  debitAmount: amountView(payment.quote.debitAmount),
  receiveAmount: amountView(payment.quote.receiveAmount),
  sentAmount: amountView(payment.sentAmount),
  metadata: payment.metadata ?? null,
  quote: quoteView(payment.quote),
  createdAt: payment.createdAt.toISOString(),
});

function payments(context: AdminContext) {
  const { quotes, outgoingPayments } = context.resource;
  if (!quotes || !outgoingPayments) {
    throw new AdminError(ErrorCode.ServiceUnavailable, 'payments are not available in this process');
  }
  return { quotes, outgoingPayments };
}

async function activeWalletAddress(context: AdminContext, id: string) {
  const walletAddress = isUuid(id) ? await context.resource.walletAddresses.get(id) : undefined;
  if (!walletAddress) throw notFound('unknown wallet address');
  if (walletAddress.status !== 'active') throw new AdminError(ErrorCode.Inactive, 'inactive wallet address');
  return walletAddress;
}

export const outgoingPaymentResolvers: ResolverMap = {
  Query: {
    outgoingPayment: field<unknown, { id: string }>(async (_source, { id }, context) => {
      const payment = isUuid(id) ? await payments(context).outgoingPayments.get(id) : undefined;
      if (!payment) throw notFound('unknown payment');
      return outgoingPaymentView(payment);
    }),
    outgoingPayments: field<unknown, PageArgs & { filter?: OutgoingPaymentFilterInput | null }>(
      async (_source, args, context) => {
        const window = readPageArgs(args);
        const { outgoingPayments } = payments(context);
        const filter = {
          receiver: readStringFilter(args.filter?.receiver),
          walletAddressId: readStringFilter(args.filter?.walletAddressId),
          state: readStringFilter(args.filter?.state),
        };
        const page = await pageOf((request) => outgoingPayments.listAll(filter, request), window);
        return connection(page, outgoingPaymentView);
      },
    ),
    quote: field<unknown, { id: string }>(async (_source, { id }, context) => {
      const quote = isUuid(id) ? await payments(context).quotes.get(id) : undefined;
      if (!quote) throw notFound('unknown quote');
      return quoteView(quote);
    }),
  },

  Mutation: {
    createQuote: field<
      unknown,
      { input: { walletAddressId: string; receiver: string; debitAmount?: AmountInput; receiveAmount?: AmountInput } }
    >(async (_source, { input }, context) => {
      const walletAddress = await activeWalletAddress(context, input.walletAddressId);
      const quote = await translated(() =>
        payments(context).quotes.create({
          walletAddress,
          receiver: input.receiver,
          debitAmount: asJsonAmount(input.debitAmount),
          receiveAmount: asJsonAmount(input.receiveAmount),
        }),
      );
      return { quote: quoteView(quote) };
    }),

    createOutgoingPayment: field<
      unknown,
      { input: { walletAddressId: string; quoteId: string; metadata?: Record<string, unknown> | null } }
    >(async (_source, { input }, context) => {
      const walletAddress = await activeWalletAddress(context, input.walletAddressId);
      if (!isUuid(input.quoteId)) throw notFound('unknown quote');
      const { payment } = await translated(() =>
        payments(context).outgoingPayments.createFromQuote({
          walletAddress,
          quoteId: input.quoteId,
          metadata: input.metadata ?? undefined,
        }),
      );
      return { payment: outgoingPaymentView(payment) };
    }),

    createOutgoingPaymentFromIncomingPayment: field<
      unknown,
      {
        input: {
          walletAddressId: string;
          incomingPayment: string;
          debitAmount?: AmountInput | null;
          metadata?: Record<string, unknown> | null;
        };
      }
    >(async (_source, { input }, context) => {
      const walletAddress = await activeWalletAddress(context, input.walletAddressId);
      const { quotes, outgoingPayments } = payments(context);
      const { payment } = await translated(async () => {
        // Without a debit amount the quote is for what the incoming payment still expects (Rafiki's card flow).
        const quote = await quotes.create({
          walletAddress,
          receiver: input.incomingPayment,
          debitAmount: asJsonAmount(input.debitAmount),
        });
        return outgoingPayments.createFromQuote({
          walletAddress,
          quoteId: quote.id,
          metadata: input.metadata ?? undefined,
        });
      });
      return { payment: outgoingPaymentView(payment) };
    }),

    cancelOutgoingPayment: field<unknown, { input: { id: string; reason?: string | null } }>(
      async (_source, { input }, context) => {
        if (!isUuid(input.id)) throw notFound('unknown payment');
        const payment = await translated(() =>
          payments(context).outgoingPayments.cancel(input.id, input.reason ?? undefined),
        );
        return { payment: outgoingPaymentView(payment) };
      },
    ),

    depositOutgoingPaymentLiquidity: field<unknown, { input: { outgoingPaymentId: string } }>(
      async (_source, { input }, context) => {
        if (!isUuid(input.outgoingPaymentId)) throw notFound('unknown payment');
        // One deposit per payment: the ledger transfer id is derived from nothing random the caller could repeat,
        // and the payment's state (FUNDING → SENDING) refuses a second deposit.
        await translated(() =>
          payments(context).outgoingPayments.depositLiquidity(input.outgoingPaymentId, randomUUID()),
        );
        return { success: true };
      },
    ),
  },

  OutgoingPayment: {
    tenantId: field((_source, _args, context) => context.tenantId()),
    liquidity: field<{ id: string }>((payment, _args, context) =>
      translated(() => context.paymentLiquidity.outgoing(payment.id)),
    ),
  },
  Quote: {
    tenantId: field((_source, _args, context) => context.tenantId()),
  },
};
