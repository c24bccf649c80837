// Incoming payments, through the resource server's incoming payment service (the same one Open Payments clients
// use, so validation, expiry and webhook events are identical).
import { AdminError, ErrorCode, isUuid, notFound } from '../errors';
import { field, type ResolverMap } from '../graphql/build-schema';
import { incomingPaymentView, type IncomingPaymentView } from '../graphql/views';
import { translated } from '../service-errors';

interface CreateIncomingPaymentInput {
  walletAddressId: string;
  expiresAt?: string | null;
  metadata?: Record<string, unknown> | null;
  incomingAmount?: { value: bigint; assetCode: string; assetScale: number } | null;
}

export const incomingPaymentResolvers: ResolverMap = {
  Query: {
    incomingPayment: field<unknown, { id: string }>(async (_source, { id }, context) => {
      const payment = isUuid(id) ? await context.resource.incomingPayments.get(id) : undefined;
      if (!payment) throw notFound('unknown payment');
      return incomingPaymentView(payment);
    }),
  },

  Mutation: {
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
