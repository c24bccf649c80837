// Executes outgoing payments with the embedded STREAM sender over the connector.
//
// Claiming: one statement picks due payments with FOR UPDATE SKIP LOCKED and writes a lease (owner + expiry);
// the row lock ends with that statement, and the lease alone keeps other workers off while money moves, so no row
// lock is ever held across network I/O. A worker that dies leaves its lease to run out; another then resumes.
//
// Never sending twice: what left the payment's ledger account is durable before any Fulfill counts, so on resume the
// amount still to send is read from that balance, not from progress the dead worker may not have recorded.
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { sendPayment, StreamPaymentError, type PaymentProgress } from '@sluice/stream';
import { recordWebhookEvent, webhookEventCte } from '../webhooks/webhook-events';
import type { WebhookHandoff } from '../webhooks/webhook-delivery';
import type { ReceiverProgress, ReceiverResolver } from '../quotes/receiver';
import type { PaymentLedger } from './payment-ledger';
import {
  outgoingPaymentEventData,
  type FundingMode,
  type OutgoingPayment,
  type OutgoingPaymentService,
} from './outgoing-payment-service';

export interface PaymentWorkerDeps {
  knex: Knex;
  logger: Logger;
  outgoingPayments: OutgoingPaymentService;
  ledger: PaymentLedger;
  receivers: ReceiverResolver;
  funding: FundingMode;
  /** How long a claim holds before another worker may take the payment over. */
  leaseMs?: number;
  /** Fallback poll when nothing woke the worker (payments are normally started by wake()). */
  pollIntervalMs?: number;
  /** Payments executed at once by this worker. */
  concurrency?: number;
  /**
   * Attempts before a payment that keeps failing temporarily is failed for good (default 12: with the backoff between
   * attempts, 0.5 s doubling up to 60 s, about seven minutes of trying).
   */
  maxAttempts?: number;
  /**
   * Temporary failures in a row that end an attempt (default 8: about 13 s of the sender's own backoff). An attempt
   * holds a slot; between attempts the payment waits in the database, so a path that keeps failing does not keep
   * slots from payments that could go through.
   */
  attemptFailureLimit?: number;
  /**
   * This process's webhook delivery: a finished payment's event is written already claimed for it and handed over
   * as soon as the finish commits (no NOTIFY and claim in between).
   */
  webhooks?: WebhookHandoff;
}

/** Codes after which retrying the same payment cannot help. */
const FINAL_CODES = new Set([
  'INVALID_OPTIONS',
  'INSUFFICIENT_EXCHANGE_RATE',
  'MAX_PACKET_AMOUNT_ZERO',
  'CLOSED_BY_RECEIVER',
  'RECEIVER_REFUSED',
  'RECEIVER_PROTOCOL_VIOLATION',
  'ENCRYPTION_LIMIT',
]);

function isFinal(error: unknown): boolean {
  if (!(error instanceof StreamPaymentError)) return false;
  if (FINAL_CODES.has(error.code)) return true;
  // A connector's final reject (F…) on a money packet will not change on retry; T… and R… may.
  return error.code === 'CONNECTOR_ERROR' && error.reject?.code.startsWith('F') === true;
}

/** What a payment's first attempt would otherwise read first, when its creation already read it. */
export interface KnownAtStart {
  /** The receiver's progress (undefined: no such receiver). */
  receiver: ReceiverProgress | undefined;
}

/** A worker slot reserved for a payment being created (see the worker's reserve()). */
export interface PaymentSlot {
  owner: string;
  leaseMs: number;
  run(payment: OutgoingPayment, known?: KnownAtStart): void;
  release(): void;
}

export function createPaymentWorker(deps: PaymentWorkerDeps) {
  const { knex, logger } = deps;
  const owner = randomUUID();
  const leaseMs = deps.leaseMs ?? 30_000;
  const pollIntervalMs = deps.pollIntervalMs ?? 2_000;
  const concurrency = deps.concurrency ?? 8;
  const maxAttempts = deps.maxAttempts ?? 12;
  const attemptFailureLimit = deps.attemptFailureLimit ?? 8;
  // Payments on a later attempt (they failed before, and may again) get at most half the slots: the rest stay for
  // payments on their first, so that a receiver or path that keeps failing cannot hold up everyone else's payments.
  const retrySlots = Math.max(1, Math.floor(concurrency / 2));
  const running = new Map<string, AbortController>();
  /** Of `running`, the payments on a later attempt. */
  const retrying = new Set<string>();
  /** Slots promised to payments being created (see reserve()). */
  let reserved = 0;
  let stopped = true;
  let timer: NodeJS.Timeout | undefined;
  let claiming: Promise<void> | undefined;
  let claimAgain = false;
  /** Payments may be due that no claim took (all slots were busy). */
  let backlog = false;
  /** Leases being given back for payments handed over after stop() began; stop() waits for them. */
  const handingBack = new Set<Promise<void>>();

  /**
   * Ends the payment while this worker still holds the lease, in one statement: what was sent is read from the payment
   * account under its lock; a completed payment keeps its fee and returns any unsent rest, a failed one returns
   * everything it did not send, its fee included (ledger funding). The payment row and its event are written with it,
   * only while this worker's lease holds.
   */
  async function finish(
    payment: OutgoingPayment,
    outcome: { state: 'COMPLETED' | 'FAILED'; error?: string },
    delivered: bigint = payment.deliveredAmount,
  ): Promise<void> {
    const type = outcome.state === 'COMPLETED' ? 'outgoing_payment.completed' : 'outgoing_payment.failed';
    // The event is built before the update, which fills in its updatedAt, its sentAmount and what the account keeps
    // (known under the lock).
    const { updatedAt: _updatedAt, ...eventData } = outgoingPaymentEventData(
      { ...payment, state: outcome.state, error: outcome.error, deliveredAmount: delivered },
      0n,
    );
    const event = webhookEventCte({
      name: 'finished_event',
      from: 'finished',
      type,
      data: eventData,
      timestamps: { updatedAt: 'updated_at' },
      values: {
        'sentAmount.value': 'finished.sent_amount',
        balance: '(SELECT s.available - s.amount FROM swept AS s)',
      },
      claimFor: deps.webhooks && { seconds: deps.webhooks.claimSeconds },
      notify: !deps.webhooks,
    });
    const rows = await deps.ledger.settlePaymentAccountWith(
      {
        paymentAccountId: payment.ledgerAccountId as string,
        keep: outcome.state === 'COMPLETED' ? payment.quote.fee : 0n,
        transferId: randomUUID(),
        refundTo: deps.funding === 'ledger' ? { walletAddressId: payment.walletAddressId } : undefined,
      },
      (condition) => ({
        sql: `finished AS (
           UPDATE outgoing_payments
              SET state = ?, error = ?, sent_amount = greatest(?::numeric - (SELECT available FROM swept), 0),
                  delivered_amount = ?, lease_owner = NULL, lease_expires_at = NULL, next_attempt_at = NULL,
                  updated_at = now()
            WHERE id = ? AND lease_owner = ? AND state = 'SENDING' AND ${condition}
           RETURNING *),
         ${event.sql},
         settled AS (SELECT finished.id, (SELECT data FROM finished_event) AS event_data FROM finished)`,
        bindings: [
          outcome.state,
          outcome.error ?? null,
          payment.quote.debitAmount.value.toString(),
          delivered.toString(),
          payment.id,
          owner,
          ...event.bindings,
        ],
      }),
    );
    const finished = rows[0] as { event_data: Record<string, unknown> } | undefined;
    if (finished && deps.webhooks) {
      deps.webhooks.deliverClaimed({ id: event.id, type, data: finished.event_data, attempts: 0 });
    }
  }

  async function retryLater(payment: OutgoingPayment, error: unknown): Promise<void> {
    const reject = error instanceof StreamPaymentError ? error.reject : undefined;
    const backoffMs = Math.min(60_000, 500 * 2 ** Math.max(0, payment.attempts - 1));
    // A failed attempt is rare: its event may cost a read of what the account still holds.
    const balance = await deps.ledger.balance(payment.ledgerAccountId as string);
    await knex.transaction(async (trx) => {
      const updated = await trx('outgoing_payments')
        .where({ id: payment.id, lease_owner: owner, state: 'SENDING' })
        .update({
          lease_owner: null,
          lease_expires_at: null,
          next_attempt_at: trx.raw(`now() + interval '${backoffMs} milliseconds'`),
          updated_at: trx.fn.now(),
        });
      if (updated === 0) return;
      await recordWebhookEvent(trx, 'outgoing_payment.attempt_failed', {
        ...outgoingPaymentEventData(payment, balance),
        error: error instanceof Error ? error.message : String(error),
        ...(reject ? { rejectCode: reject.code, rejectMessage: reject.message, triggeredBy: reject.triggeredBy } : {}),
      });
    });
  }

  async function execute(payment: OutgoingPayment, signal: AbortSignal, known?: KnownAtStart): Promise<void> {
    const { id, quote } = payment;
    if (!payment.ledgerAccountId) return;
    // Both reads at once: the receiver may be on another server, a round trip of its own. (receiverRead never
    // rejects: an unreadable receiver is undefined.)
    const receiverRead =
      quote.paymentType !== 'FIXED_DELIVERY'
        ? Promise.resolve(undefined)
        : known
          ? Promise.resolve(known.receiver)
          : deps.receivers.progress(quote.receiver).catch(() => undefined);
    const debit = quote.debitAmount.value;
    // A first attempt (every claim counts one) follows no other: its account holds the debit amount it was funded
    // with. A later one resumes from whatever an earlier attempt left, read from the account. (Either way the ledger
    // refuses any packet the account cannot pay for.)
    const balance = payment.attempts <= 1 ? debit : await deps.ledger.balance(payment.ledgerAccountId);
    // The fee stays in the payment account; anything above it is still ours to send.
    const toSend = balance - quote.fee;
    const alreadySent = debit - balance;
    // Only before its first attempt: a later attempt carries on what the first began (every packet still has to meet
    // the quote's minimum rate), however long the path took to come back.
    if (payment.attempts <= 1 && alreadySent === 0n && quote.expiresAt.getTime() <= Date.now()) {
      await finish(payment, { state: 'FAILED', error: 'the quote expired before the payment could start' });
      return;
    }
    let delivered = payment.deliveredAmount;
    let toDeliver: bigint | undefined;
    if (quote.paymentType === 'FIXED_DELIVERY') {
      const receiver = await receiverRead;
      const expected = quote.receiveAmount.value - delivered;
      const receiverRemaining =
        receiver?.incomingAmount === undefined ? undefined : receiver.incomingAmount - receiver.receivedAmount;
      toDeliver = receiverRemaining !== undefined && receiverRemaining < expected ? receiverRemaining : expected;
    }
    if (toSend <= 0n || (toDeliver !== undefined && toDeliver <= 0n)) {
      await finish(payment, { state: 'COMPLETED' });
      return;
    }
    const renew = setInterval(() => {
      knex('outgoing_payments')
        .where({ id, lease_owner: owner })
        .update({ lease_expires_at: knex.raw(`now() + interval '${leaseMs} milliseconds'`) })
        .catch((error: unknown) => logger.warn({ err: error, id }, 'lease renewal failed'));
    }, leaseMs / 3);
    let progress: PaymentProgress | undefined;
    try {
      progress = await sendPayment({
        destinationAddress: quote.ilpAddress,
        sharedSecret: quote.sharedSecret,
        sourceAmount: toSend,
        minDeliveryAmount: toDeliver,
        minExchangeRate: quote.minExchangeRate,
        // To our own receiver in the sending asset the path is one for one (our connector converts only between
        // assets), as the quote took it: no rate probes.
        knownExchangeRate:
          deps.receivers.isLocal(quote.receiver) &&
          quote.receiveAmount.assetCode === quote.debitAmount.assetCode &&
          quote.receiveAmount.assetScale === quote.debitAmount.assetScale
            ? { numerator: 1n, denominator: 1n }
            : undefined,
        // Rate probes are marked unfulfillable, so they cross the connector without holding the payment's balance.
        sendPrepare: (prepare, options) => deps.ledger.sendPrepare(payment.ledgerAccountId as string, prepare, options),
        maxConsecutiveFailures: attemptFailureLimit,
        signal,
      });
      delivered += progress.delivered;
      if (signal.aborted) {
        await knex('outgoing_payments').where('id', id).update({ delivered_amount: delivered.toString() });
        throw new StreamPaymentError('ABORTED', 'the worker is stopping');
      }
      await finish(payment, { state: 'COMPLETED' }, delivered);
    } catch (error) {
      const partial = error instanceof StreamPaymentError ? (error.progress as PaymentProgress | undefined) : undefined;
      if (partial) {
        delivered += partial.delivered;
        await knex('outgoing_payments').where('id', id).update({ delivered_amount: delivered.toString() });
      }
      if (signal.aborted) {
        // A clean stop hands the payment over at once; a crash leaves the lease to run out instead.
        await knex('outgoing_payments')
          .where({ id, lease_owner: owner })
          .update({ lease_owner: null, lease_expires_at: null })
          .catch((releaseError: unknown) => logger.warn({ err: releaseError, id }, 'lease release failed'));
        return;
      }
      if (quote.paymentType === 'FIXED_DELIVERY' && (await receiverIsPaid(quote.receiver))) {
        // The receiver closed because it has everything it expected (e.g. the last packets of an interrupted attempt
        // completed it): the payment has done its job.
        await finish(payment, { state: 'COMPLETED' }, delivered);
        return;
      }
      logger.info({ err: error, id, attempt: payment.attempts }, 'payment attempt failed');
      if (isFinal(error) || payment.attempts >= maxAttempts) {
        const reason = error instanceof Error ? error.message : String(error);
        await finish(payment, { state: 'FAILED', error: reason }, delivered);
      } else {
        await retryLater(payment, error);
      }
    } finally {
      clearInterval(renew);
    }
  }

  /** Whether an incoming payment with a fixed amount has received all of it. */
  async function receiverIsPaid(url: string): Promise<boolean> {
    const receiver = await deps.receivers.progress(url).catch(() => undefined);
    return (
      receiver?.incomingAmount !== undefined &&
      !receiver.receiving &&
      receiver.receivedAmount >= receiver.incomingAmount
    );
  }

  async function claimAndRun(): Promise<void> {
    do {
      claimAgain = false;
      const free = concurrency - running.size - reserved;
      if (stopped) return;
      if (free <= 0) {
        backlog = true;
        return;
      }
      const retryLimit = Math.max(0, retrySlots - retrying.size);
      let payments: OutgoingPayment[];
      try {
        payments = await deps.outgoingPayments.claimDue(owner, leaseMs, free, retryLimit);
      } catch (error) {
        logger.warn({ err: error }, 'claiming payments failed');
        return;
      }
      for (const payment of payments) run(payment);
      // Every free slot filled: more payments may be due. Every retry slot filled: later attempts may be waiting for
      // one, so a payment that ends looks again.
      const laterAttempts = payments.filter((payment) => payment.attempts > 1).length;
      backlog = payments.length === free || laterAttempts === retryLimit;
      if (payments.length === free) claimAgain = true;
    } while (claimAgain && !stopped);
  }

  /** Executes a payment this worker holds the lease of, in a slot of its own. */
  function run(payment: OutgoingPayment, known?: KnownAtStart): void {
    const controller = new AbortController();
    running.set(payment.id, controller);
    if (payment.attempts > 1) retrying.add(payment.id);
    execute(payment, controller.signal, known)
      .catch((error: unknown) => logger.error({ err: error, id: payment.id }, 'payment execution crashed'))
      .finally(() => {
        running.delete(payment.id);
        retrying.delete(payment.id);
        // A freed slot looks for more work only when some may be waiting; otherwise wake() and the poll do.
        if (!stopped && backlog) wake();
      });
  }

  /**
   * A payment created leased to this worker that it will not run (it began stopping meanwhile): gives the lease up
   * now, so that the next claim, here or on another instance, sends it without waiting for the lease to run out, and
   * takes back the attempt it never made.
   */
  function handBack(id: string): void {
    const released: Promise<void> = knex('outgoing_payments')
      .where({ id, lease_owner: owner })
      .update({ lease_owner: null, lease_expires_at: null, attempts: knex.raw('greatest(attempts - 1, 0)') })
      .then(
        () => undefined,
        (error: unknown) => logger.warn({ err: error, id }, 'lease release failed; the lease will run out instead'),
      )
      .finally(() => handingBack.delete(released));
    handingBack.add(released);
  }

  function wake(): void {
    if (stopped) return;
    if (claiming) {
      claimAgain = true;
      return;
    }
    claiming = claimAndRun().finally(() => {
      claiming = undefined;
    });
  }

  return {
    wake,
    /**
     * A slot for a payment about to be created, when one is free: the creation writes the payment already leased to
     * `owner` for `leaseMs` (its first attempt) and hands it to `run` once committed, so it starts without a wake-up
     * and a claim (or, when the worker began stopping meanwhile, gives the lease back at once); `release` gives the
     * slot back when the creation failed, and does nothing after `run`. Undefined when the worker is stopped or full
     * (the payment is then created unleased and claimed as usual).
     */
    reserve(): PaymentSlot | undefined {
      if (stopped || running.size + reserved >= concurrency) return undefined;
      reserved++;
      let open = true;
      const close = () => {
        if (!open) return false;
        open = false;
        reserved--;
        return true;
      };
      return {
        owner,
        leaseMs,
        run(payment, known) {
          if (!close()) return;
          if (stopped) handBack(payment.id);
          else run(payment, known);
        },
        release() {
          if (close() && !stopped && backlog) wake();
        },
      };
    },
    start(): void {
      if (!stopped) return;
      stopped = false;
      const tick = () => {
        wake();
        timer = setTimeout(tick, pollIntervalMs);
        timer.unref();
      };
      tick();
    },
    /**
     * Stops claiming; payments in flight are aborted and resumed later by whoever claims them, and payments created
     * meanwhile into a reserved slot get their lease back. Resolves when none of them is left.
     */
    async stop(): Promise<void> {
      stopped = true;
      if (timer) clearTimeout(timer);
      for (const controller of running.values()) controller.abort();
      // Payments being created into a reserved slot are waited for too: each ends released or handed back.
      while (running.size > 0 || claiming || reserved > 0) await new Promise((resolve) => setTimeout(resolve, 20));
      await Promise.all(handingBack);
    },
    /** Ids of payments executing here (tests and diagnostics). */
    runningIds: () => [...running.keys()],
  };
}

export type PaymentWorker = ReturnType<typeof createPaymentWorker>;
