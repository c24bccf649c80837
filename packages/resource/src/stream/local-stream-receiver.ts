// Money arriving over STREAM for our wallet addresses: the connector hands each Prepare addressed below
// `<ILP_ADDRESS>.<wallet address segment>` to handlePrepare, in-process. Incoming payments are credited here, once
// per fulfilled packet, never above incomingAmount; the connector credits the wallet address's ledger account when
// the Fulfill commits.
import type { Knex } from 'knex';
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
import { decodeConnectionTag, type WalletAddressReceivers } from './wallet-address-receivers';

export interface LocalStreamReceiverDeps {
  knex: Knex;
  ilpAddress: string;
  walletAddresses: WalletAddressService;
  incomingPayments: IncomingPaymentService;
  receivers: WalletAddressReceivers;
}

function unreachable(ilpAddress: string): IlpReply {
  // No message: a receiver should not reveal which addresses exist (as ilp-protocol-stream does).
  return { code: 'F02', triggeredBy: ilpAddress, message: '', data: Buffer.alloc(0) };
}

export function createLocalStreamReceiver(deps: LocalStreamReceiverDeps) {
  const prefix = `${deps.ilpAddress}.`;

  // No remainingAmount hook: the credit enforces incomingAmount in its own statement, and only a packet it refuses
  // costs a read (to tell the sender how much more it may send).
  const hooks: ReceiverHooks = {
    async onMoney(money) {
      const target = decodeConnectionTag(money.connectionTag);
      if (!target) throw new ReceiverDeclineError('unknown connection');
      if (money.prepare.expiresAt.getTime() <= Date.now()) {
        throw new ReceiverDeclineError('the packet expired', { temporary: true });
      }
      if (target.kind === 'spsp') {
        // SPSP money lands on the wallet address's balance (credited by the connector); only a receipt needs state.
        if (!money.receipts) return;
        const result = await deps.knex.raw(
          `INSERT INTO stream_receipt_totals (connection_id, total_received) VALUES (?, ?::numeric)
           ON CONFLICT (connection_id) DO UPDATE
             SET total_received = stream_receipt_totals.total_received + EXCLUDED.total_received, updated_at = now()
           RETURNING total_received`,
          [money.connectionId, money.amount.toString()],
        );
        return { totalReceived: BigInt(String(result.rows[0].total_received)) };
      }
      try {
        // One statement, the completed event included: no transaction needed around it.
        const payment = await deps.incomingPayments.credit(deps.knex, target.incomingPaymentId, money.amount);
        return { totalReceived: payment.receivedAmount.value };
      } catch (error) {
        if (error instanceof IncomingPaymentCreditError) throw new ReceiveLimitError(receiveLimitOf(error.payment));
        // Anything else (e.g. the database is unreachable) is temporary: the sender backs off and retries.
        throw new ReceiverDeclineError('the payment could not be credited now', { temporary: true });
      }
    },
  };

  function receiveLimitOf(payment: IncomingPayment | undefined): ReceiveLimit {
    if (!payment) return { remaining: 0n };
    const totalReceived = payment.receivedAmount.value;
    if (payment.state !== 'pending' && payment.state !== 'processing') return { remaining: 0n, totalReceived };
    return { remaining: deps.incomingPayments.remaining(payment) ?? 0n, totalReceived };
  }

  return {
    async handlePrepare(prepare: IlpPrepare): Promise<IlpReply> {
      if (!prepare.destination.startsWith(prefix)) return unreachable(deps.ilpAddress);
      const segment = prepare.destination.slice(prefix.length).split('.', 1)[0];
      const walletAddress = await deps.walletAddresses.getByIlpSegment(segment);
      if (!walletAddress || walletAddress.status !== 'active') return unreachable(deps.ilpAddress);
      return deps.receivers.receiverFor(walletAddress.ilpAddress).handlePrepare(prepare, hooks);
    },
  };
}

export type LocalStreamReceiver = ReturnType<typeof createLocalStreamReceiver>;
