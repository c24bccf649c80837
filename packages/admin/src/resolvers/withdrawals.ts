// Money leaving Sluice's ledger to the operator: a wallet address's balance (ledger funding) or what it received over
// SPSP (webhook funding), what an incoming payment received or what an outgoing payment left unsent (webhook
// funding). Payment withdrawals use an id derived from the payment's as the ledger transfer id, so each payment pays
// out at most once, whatever is retried.
import { AdminError, ErrorCode, isUuid, notFound } from '../errors';
import { field, type ResolverMap } from '../graphql/build-schema';
import { payoutTransferId } from '../graphql/payment-liquidity';
import { walletAddressView } from '../graphql/views';
import type { AdminContext } from '../graphql/context';
import { translated } from '../service-errors';

const FINISHED_OUTGOING = new Set(['COMPLETED', 'FAILED', 'CANCELLED']);

/** Pays out what a completed or expired incoming payment received, once per payment. */
export async function withdrawIncomingPayment(
  context: AdminContext,
  incomingPaymentId: string,
  timeoutSeconds: bigint,
) {
  const connector = context.requireConnector();
  const payment = isUuid(incomingPaymentId)
    ? await context.resource.incomingPayments.get(incomingPaymentId)
    : undefined;
  if (!payment) throw notFound('unknown payment');
  if (payment.state !== 'completed' && payment.state !== 'expired') {
    throw new AdminError(ErrorCode.BadUserInput, `the incoming payment is ${payment.state}, not completed or expired`);
  }
  if (payment.receivedAmount.value === 0n) throw new AdminError(ErrorCode.Forbidden, 'nothing was received');
  await translated(() =>
    connector.createIncomingPaymentWithdrawal({
      id: payoutTransferId(payment.id),
      walletAddressId: payment.walletAddressId,
      amount: payment.receivedAmount.value,
      timeoutSeconds,
    }),
  );
}

/** Takes out what a finished outgoing payment left in its account, once per payment. */
export async function withdrawOutgoingPayment(
  context: AdminContext,
  outgoingPaymentId: string,
  timeoutSeconds: bigint,
) {
  const connector = context.requireConnector();
  const outgoingPayments = context.resource.outgoingPayments;
  const payment =
    outgoingPayments && isUuid(outgoingPaymentId) ? await outgoingPayments.get(outgoingPaymentId) : undefined;
  if (!payment || !payment.ledgerAccountId) throw notFound('unknown payment');
  if (!FINISHED_OUTGOING.has(payment.state)) {
    throw new AdminError(ErrorCode.BadUserInput, `the outgoing payment is ${payment.state}, not finished`);
  }
  await translated(() =>
    connector.createOutgoingPaymentWithdrawal({
      id: payoutTransferId(payment.id),
      paymentAccountId: payment.ledgerAccountId as string,
      timeoutSeconds,
    }),
  );
}

export const withdrawalResolvers: ResolverMap = {
  Mutation: {
    createWalletAddressWithdrawal: field<
      unknown,
      { input: { id: string; walletAddressId: string; timeoutSeconds: bigint } }
    >(async (_source, { input }, context) => {
      const connector = context.requireConnector();
      if (!isUuid(input.id)) throw new AdminError(ErrorCode.BadUserInput, 'id must be a UUID');
      const walletAddress = isUuid(input.walletAddressId)
        ? await context.resource.walletAddresses.get(input.walletAddressId)
        : undefined;
      if (!walletAddress) throw notFound('unknown wallet address');
      const amount = await translated(() =>
        connector.createWalletAddressWithdrawal({
          id: input.id,
          walletAddressId: walletAddress.id,
          timeoutSeconds: input.timeoutSeconds,
        }),
      );
      return { withdrawal: { id: input.id, amount, walletAddress: walletAddressView(walletAddress) } };
    }),

    createIncomingPaymentWithdrawal: field<unknown, { input: { incomingPaymentId: string; timeoutSeconds: bigint } }>(
      async (_source, { input }, context) => {
        await withdrawIncomingPayment(context, input.incomingPaymentId, input.timeoutSeconds);
        return { success: true };
      },
    ),

    createOutgoingPaymentWithdrawal: field<unknown, { input: { outgoingPaymentId: string; timeoutSeconds: bigint } }>(
      async (_source, { input }, context) => {
        await withdrawOutgoingPayment(context, input.outgoingPaymentId, input.timeoutSeconds);
        return { success: true };
      },
    ),
  },
};
