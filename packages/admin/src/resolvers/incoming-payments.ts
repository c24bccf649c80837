// Incoming payments, through the resource server's incoming payment service (the same one Open Payments clients
// use, so validation, expiry and webhook events are identical).
import type { Receiver } from '@sluice/resource';
import { AdminError, ErrorCode, isUuid, notFound } from '../errors';
import { field, type ResolverMap } from '../graphql/build-schema';
import { amountView, incomingPaymentView, type IncomingPaymentView } from '../graphql/views';
import { translated } from '../service-errors';

interface CreateIncomingPaymentInput {
  walletAddressId: string;
  expiresAt?: string | null;
  metadata?: Record<string, unknown> | null;
  incomingAmount?: { value: bigint; assetCode: string; assetScale: number } | null;
}

interface CreateReceiverInput {
  walletAddressUrl: string;
  expiresAt?: string | null;
  metadata?: Record<string, unknown> | null;
  incomingAmount?: { value: bigint; assetCode: string; assetScale: number } | null;
}

const receiverView = (receiver: Receiver) => {
  const amount = (value: bigint) =>
    amountView({ value, assetCode: receiver.assetCode, assetScale: receiver.assetScale });
  return {
    id: receiver.url,
    walletAddressUrl: receiver.walletAddressUrl ?? '',
    completed: receiver.completed ?? false,
    incomingAmount: receiver.incomingAmount === undefined ? null : amount(receiver.incomingAmount),
    receivedAmount: amount(receiver.receivedAmount),
    expiresAt: receiver.expiresAt?.toISOString() ?? null,
    metadata: receiver.metadata ?? null,
    // A server that does not say when (it must, by the Open Payments schema) is shown as now rather than not at all.
    createdAt: (receiver.createdAt ?? new Date()).toISOString(),
  };
};

export const incomingPaymentResolvers: ResolverMap = {
  Query: {
    receiver: field<unknown, { id: string }>(async (_source, { id }, context) => {
      const receiver = await translated(() => context.resource.paymentReceivers.resolve(id));
      return receiverView(receiver);
    }),

    incomingPayment: field<unknown, { id: string }>(async (_source, { id }, context) => {
      const payment = isUuid(id) ? await context.resource.incomingPayments.get(id) : undefined;
      if (!payment) throw notFound('unknown payment');
      return incomingPaymentView(payment);
    }),
  },

  Mutation: {
    createReceiver: field<unknown, { input: CreateReceiverInput }>(async (_source, { input }, context) => {
      const { incomingAmount } = input;
      const receiver = await translated(() =>
        context.resource.paymentReceivers.createAt(input.walletAddressUrl, {
          incomingAmount: incomingAmount?.value,
          asset: incomingAmount ? { code: incomingAmount.assetCode, scale: incomingAmount.assetScale } : undefined,
          expiresAt: input.expiresAt ?? undefined,
          metadata: input.metadata ?? undefined,
        }),
      );
      return { receiver: receiverView(receiver) };
    }),

    updateIncomingPayment: field<unknown, { input: { id: string; metadata: Record<string, unknown> } }>(
      async (_source, { input }, context) => {
        const payment = isUuid(input.id)
          ? await translated(() => context.resource.incomingPayments.updateMetadata(input.id, input.metadata))
          : undefined;
        if (!payment) throw notFound('unknown payment');
        return { payment: incomingPaymentView(payment) };
      },
    ),

    approveIncomingPayment: field<unknown, { input: { id: string } }>(async (_source, { input }, context) => {
      if (!isUuid(input.id)) throw notFound('incoming payment not found');
      const payment = await translated(() => context.resource.incomingPayments.approve(input.id));
      return { payment: incomingPaymentView(payment) };
    }),

    cancelIncomingPayment: field<unknown, { input: { id: string } }>(async (_source, { input }, context) => {
      if (!isUuid(input.id)) throw notFound('incoming payment not found');
      const payment = await translated(() => context.resource.incomingPayments.cancel(input.id));
      return { payment: incomingPaymentView(payment) };
    }),

    createIncomingPayment: field<unknown, { input: CreateIncomingPaymentInput }>(
      async (_source, { input }, context) => {
        const walletAddress = isUuid(input.walletAddressId)
          ? await context.resource.walletAddresses.get(input.walletAddressId)
          : undefined;
        if (!walletAddress) throw notFound('unknown wallet address');
        if (walletAddress.status !== 'active') throw new AdminError(ErrorCode.Inactive, 'inactive wallet address');
        const { incomingAmount } = input;
        const payment = await translated(() =>
          context.resource.incomingPayments.create({
            walletAddress,
            // The service reads amounts as the Open Payments JSON does: value as a decimal string.
            incomingAmount: incomingAmount ? { ...incomingAmount, value: incomingAmount.value.toString() } : undefined,
            expiresAt: input.expiresAt ?? undefined,
            metadata: input.metadata ?? undefined,
          }),
        );
        return { payment: incomingPaymentView(payment) };
      },
    ),
  },

  IncomingPayment: {
    tenantId: field((_source, _args, context) => context.tenantId()),
    liquidity: field<IncomingPaymentView>((payment, _args, context) =>
      translated(() => context.paymentLiquidity.incoming(payment.id, BigInt(payment.receivedAmount.value))),
    ),
  },
};
