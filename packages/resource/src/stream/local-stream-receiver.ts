// Money arriving over STREAM for our wallet addresses: the connector hands each Prepare addressed below
// `<ILP_ADDRESS>.<wallet address segment>` to handlePrepare, in-process. Incoming payments are credited here, once
// per fulfilled packet, never above incomingAmount. The credit (or, for SPSP money, the wallet address's Web
// Monetization total and a receipt's) is written by the same statement that posts the packet's money to the ledger
// account the connector credits (its settlement), so a crash can never leave an incoming payment credited without
// the money, or the money without the credit.
import type { Knex } from 'knex';
import { IlpError, IlpErrorCode } from '@sluice/ilp';
import {
  ReceiveLimitError,
  ReceiverDeclineError,
  type IlpPrepare,
  type IlpReply,
  type ReceiveLimit,
  type ReceiverHooks,
} from '@sluice/stream';
import {
  IncomingPaymentCreditError,
  type IncomingPayment,
  type IncomingPaymentService,
} from '../incoming-payments/incoming-payment-service';
import type { WalletAddressService } from '../wallet-addresses/wallet-address-service';
import type { WebhookHandoff } from '../webhooks/webhook-delivery';
import { webMonetizationReceiptWrite, type WebMonetizationPolicy } from '../wallet-addresses/web-monetization';
import {
  connectionKindAt,
  decodeConnectionTag,
  type ConnectionTarget,
  type WalletAddressReceivers,
} from './wallet-address-receivers';

/** The connector's offer to post a packet's money in one statement with our own write (its LocalSettlement). */
export interface PacketSettlement {
  settle(write: (condition: string) => { sql: string; bindings: Knex.Value[] }): Promise<Record<string, unknown>[]>;
}

export interface LocalStreamReceiverDeps {
  knex: Knex;
  ilpAddress: string;
  walletAddresses: WalletAddressService;
  incomingPayments: IncomingPaymentService;
  receivers: WalletAddressReceivers;
  /** This process's webhook delivery: an incoming_payment.completed event is written claimed and handed to it. */
  webhooks?: WebhookHandoff;
  /** When SPSP money is announced to the operator (wallet_address.web_monetization); default: by threshold only. */
  webMonetization?: WebMonetizationPolicy;
}

function unreachable(ilpAddress: string): IlpReply {
  // No message: a receiver should not reveal which addresses exist (as ilp-protocol-stream does).
  return { code: 'F02', triggeredBy: ilpAddress, message: '', data: Buffer.alloc(0) };
}

export function createLocalStreamReceiver(deps: LocalStreamReceiverDeps) {
  const prefix = `${deps.ilpAddress}.`;
  const webMonetization = deps.webMonetization ?? {};

  // No remainingAmount hook: the credit enforces incomingAmount in its own statement, and only a packet it refuses
  // costs a read (to tell the sender how much more it may send).
  const hooksFor = (
    settlement: PacketSettlement | undefined,
    addressedTo: { kind: ConnectionTarget['kind']; walletAddressId: string },
  ): ReceiverHooks => ({
    async onMoney(money) {
      const target = decodeConnectionTag(money.connectionTag);
      if (!target) throw new ReceiverDeclineError('unknown connection');
      if (money.prepare.expiresAt.getTime() <= Date.now()) {
        throw new ReceiverDeclineError('the packet expired', { temporary: true });
      }
      if (!settlement) throw new ReceiverDeclineError('money must come through the ledger', { temporary: true });
      // The address says which account the connector credits; the token must agree, or money meant for one would
      // be counted as the other's.
      if (target.kind !== addressedTo.kind) throw new ReceiverDeclineError('unknown connection');
      if (target.kind === 'spsp') {
        // Web Monetization: the wallet address's total (announced to the operator), and a receipt's when asked for.
        const received = webMonetizationReceiptWrite(addressedTo.walletAddressId, money.amount, webMonetization);
        const [row] = await settleOrDecline(settlement, (condition) =>
          withReceiptTotal(received(condition), money.receipts ? money.connectionId : undefined, money.amount),
        );
        // No row: the ledger's own preconditions failed and nothing was recorded.
        if (!row) throw new ReceiverDeclineError('the payment could not be recorded now', { temporary: true });
        return money.receipts ? { totalReceived: BigInt(String(row.total_received)) } : undefined;
      }
      const rows = await settleOrDecline(
        settlement,
        deps.incomingPayments.creditWrite(
          target.incomingPaymentId,
          money.amount,
          deps.webhooks && { seconds: deps.webhooks.claimSeconds },
        ),
      );
      const completed = deps.incomingPayments.completedEventOf(rows);
      if (completed) deps.webhooks?.deliverClaimed(completed);
      try {
        const payment = await deps.incomingPayments.creditOutcome(deps.knex, target.incomingPaymentId, rows);
        return { totalReceived: payment.receivedAmount.value };
      } catch (error) {
        if (error instanceof IncomingPaymentCreditError) throw new ReceiveLimitError(receiveLimitOf(error.payment));
        throw new ReceiverDeclineError('the payment could not be credited now', { temporary: true });
      }
    },
  });

  function receiveLimitOf(payment: IncomingPayment | undefined): ReceiveLimit {
    if (!payment) return { remaining: 0n };
    const totalReceived = payment.receivedAmount.value;
    if (payment.state !== 'pending' && payment.state !== 'processing') return { remaining: 0n, totalReceived };
    return { remaining: deps.incomingPayments.remaining(payment) ?? 0n, totalReceived };
  }

  return {
    /** `settlement` comes with every packet that carries money (the connector's balance step offers it). */
    async handlePrepare(prepare: IlpPrepare, settlement?: PacketSettlement): Promise<IlpReply> {
      if (!prepare.destination.startsWith(prefix)) return unreachable(deps.ilpAddress);
      const segment = prepare.destination.slice(prefix.length).split('.', 1)[0];
      const walletAddress = await deps.walletAddresses.getByIlpSegment(segment);
      if (!walletAddress || walletAddress.status !== 'active') return unreachable(deps.ilpAddress);
      const addressedTo = {
        kind: connectionKindAt(walletAddress.ilpAddress, prepare.destination),
        walletAddressId: walletAddress.id,
      };
      return deps.receivers
        .receiverAt(walletAddress.ilpAddress, addressedTo.kind)
        .handlePrepare(prepare, hooksFor(settlement, addressedTo));
    },
  };
}

/**
 * Ends an SPSP packet's write with `settled`: with a `connectionId` (receipts asked for), the packet added to its
 * STREAM connection's receipt total, returning the new total; without, one row once `received` wrote its own.
 */
function withReceiptTotal(
  received: { sql: string; bindings: Knex.Value[] },
  connectionId: string | undefined,
  amount: bigint,
): { sql: string; bindings: Knex.Value[] } {
  if (connectionId === undefined) {
    return { sql: `${received.sql}, settled AS (SELECT true AS settled FROM received)`, bindings: received.bindings };
  }
  return {
    sql: `${received.sql}, settled AS (
       INSERT INTO stream_receipt_totals (connection_id, total_received)
       SELECT ?, ?::numeric FROM received
       ON CONFLICT (connection_id) DO UPDATE
         SET total_received = stream_receipt_totals.total_received + EXCLUDED.total_received, updated_at = now()
       RETURNING total_received)`,
    bindings: [...received.bindings, connectionId, amount.toString()],
  };
}

/**
 * Settles, or declines the packet temporarily (the sender retries) when the money cannot be taken now: with the
 * connector's own reject code (T04 when the accounts cannot take it, R00 once the packet expired), else T00.
 */
async function settleOrDecline(
  settlement: PacketSettlement,
  write: Parameters<PacketSettlement['settle']>[0],
): Promise<Record<string, unknown>[]> {
  try {
    return await settlement.settle(write);
  } catch (error) {
    const code = error instanceof IlpError && /^[TR]/.test(error.code) ? error.code : IlpErrorCode.T00_INTERNAL_ERROR;
    throw new ReceiverDeclineError('the payment could not be credited now', { temporary: true, rejectCode: code });
  }
}

export type LocalStreamReceiver = ReturnType<typeof createLocalStreamReceiver>;
