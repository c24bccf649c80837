// Rafiki's event liquidity mutations (deprecated there, still used by older operator handlers): the money a webhook
// event is about, deposited or withdrawn by the event's id, each through the operation that replaced it, so an event
// moves money once whichever way the operator asks.
import { randomUUID } from 'node:crypto';
import { AdminError, ErrorCode, isUuid, notFound } from '../errors';
import { field, type ResolverMap } from '../graphql/build-schema';
import type { AdminContext } from '../graphql/context';
import { translated } from '../service-errors';
import { withdrawIncomingPayment, withdrawOutgoingPayment } from './withdrawals';

async function eventOf(context: AdminContext, eventId: string) {
  const event = isUuid(eventId) ? await context.webhookEvents.get(eventId) : undefined;
  if (!event) throw notFound('unknown event');
  return event;
}

const noLiquidity = (type: string, what: string) =>
  new AdminError(ErrorCode.BadUserInput, `a ${type} event has no liquidity to ${what}`);

export const eventLiquidityResolvers: ResolverMap = {
  Mutation: {
    depositEventLiquidity: field<unknown, { input: { eventId: string } }>(async (_source, { input }, context) => {
      const event = await eventOf(context, input.eventId);
      if (event.type !== 'outgoing_payment.created') throw noLiquidity(event.type, 'deposit');
      const outgoingPayments = context.resource.outgoingPayments;
      if (!outgoingPayments) throw notFound('unknown payment');
      // As depositOutgoingPaymentLiquidity: the payment's state (FUNDING → SENDING) refuses a second deposit.
      await translated(() => outgoingPayments.depositLiquidity(String(event.data.id), randomUUID()));
      return { success: true };
    }),

    withdrawEventLiquidity: field<unknown, { input: { eventId: string } }>(async (_source, { input }, context) => {
      const event = await eventOf(context, input.eventId);
      switch (event.type) {
        case 'incoming_payment.completed':
        case 'incoming_payment.expired':
          await withdrawIncomingPayment(context, String(event.data.id), 0n);
          break;
        case 'outgoing_payment.completed':
        case 'outgoing_payment.failed':
          await withdrawOutgoingPayment(context, String(event.data.id), 0n);
          break;
        case 'wallet_address.web_monetization': {
          // Exactly what the event announced, once: the event's id is the withdrawal's.
          const walletAddress = event.data.walletAddress as { id: string; receivedAmount: { value: string } };
          await translated(() =>
            context.requireConnector().createWalletAddressWithdrawal({
              id: event.id,
              walletAddressId: walletAddress.id,
              amount: BigInt(walletAddress.receivedAmount.value),
              timeoutSeconds: 0n,
            }),
          );
          break;
        }
        default:
          throw noLiquidity(event.type, 'withdraw');
      }
      return { success: true };
    }),
  },
};
