// Rafiki's `liquidity` of a payment: what the ledger holds for it. An outgoing payment has its own ledger account
// (the money being sent, then what is left unsent until createOutgoingPaymentWithdrawal takes it). An incoming
// payment has none in Sluice — what it receives is credited to its wallet address's account — so its liquidity is
// what it received less what createIncomingPaymentWithdrawal has paid out for it (pending or posted), which is what
// Rafiki's per-payment account would hold. Read through the connector port, once per page of payments.
import { createHash } from 'node:crypto';
import type { ConnectorPort } from '../connector-port';
import { batchLoader } from './batch-loader';

/**
 * The ledger transfer id of a payment's payout, derived from the payment id so that each payment pays out at most
 * once. Not the payment id itself: an outgoing payment's funding transfer already has that id (ledger funding).
 */
export function payoutTransferId(paymentId: string): string {
  const bytes = createHash('sha256').update(`sluice payment payout ${paymentId}`).digest().subarray(0, 16);
  bytes[6] = 0x80 | (bytes[6] & 0x0f); // version 8: a name-based id of our own scheme
  bytes[8] = 0x80 | (bytes[8] & 0x3f); // variant 10
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export interface PaymentLiquidity {
  /** Null when the payment has no ledger account (it always has one once created). */
  outgoing(outgoingPaymentId: string): Promise<bigint | null>;
  incoming(incomingPaymentId: string, receivedAmount: bigint): Promise<bigint>;
}

/** Per request: `connector` is asked for only when a liquidity is (it throws SERVICE_UNAVAILABLE without one). */
export function paymentLiquidity(connector: () => ConnectorPort): PaymentLiquidity {
  const outgoingBalances = batchLoader((ids) => connector().getOutgoingPaymentLiquidities(ids));
  const withdrawn = batchLoader((ids) => connector().getWithdrawnAmounts(ids));
  return {
    async outgoing(outgoingPaymentId) {
      connector();
      return (await outgoingBalances(outgoingPaymentId)) ?? null;
    },
    async incoming(incomingPaymentId, receivedAmount) {
      connector();
      const paidOut = (await withdrawn(payoutTransferId(incomingPaymentId))) ?? 0n;
      return paidOut >= receivedAmount ? 0n : receivedAmount - paidOut;
    },
  };
}
