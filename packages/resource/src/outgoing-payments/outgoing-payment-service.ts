import { sortableId } from '../sortable-id';
import type { Knex } from 'knex';
import { amountToJson, bigintFromColumn, type Amount } from '../amount';
import { invalidRequest, OpenPaymentsError } from '../open-payments-error';
import { paginate, paginateById, type Page, type PageRequest } from '../pagination';
import { whereStringFilter, type StringFilter } from '../string-filter';
import { recordWebhookEvent, webhookEventCte } from '../webhooks/webhook-events';
import type { OutgoingPaymentLimits } from '../http/token-introspection';
import type { WalletAddress } from '../wallet-addresses/wallet-address-service';
import type { Quote, QuoteService } from '../quotes/quote-service';
import type { ReceiverProgressSql } from '../quotes/receiver';
import { InsufficientFundsError, type PaymentLedger } from './payment-ledger';
import type { PaymentSlot } from './payment-worker';
import type { WebhookHandoff } from '../webhooks/webhook-delivery';

export type OutgoingPaymentState = 'FUNDING' | 'SENDING' | 'COMPLETED' | 'FAILED' | 'CANCELLED';
export type FundingMode = 'ledger' | 'webhook';

export interface OutgoingPayment {
  id: string;
  walletAddressId: string;
  client?: string;
  grantId?: string;
  quote: Quote;
  state: OutgoingPaymentState;
  error?: string;
  sentAmount: Amount;
  deliveredAmount: bigint;
  ledgerAccountId?: string;
  metadata?: Record<string, unknown>;
  attempts: number;
  createdAt: Date;
  updatedAt: Date;
}

/** Rafiki's OutgoingPaymentFilter. */
export interface OutgoingPaymentFilter {
  /** On the receiver (the incoming payment URL paid). */
  receiver?: StringFilter;
  walletAddressId?: StringFilter;
  /** On the state: FUNDING, SENDING, COMPLETED, FAILED, CANCELLED. */
  state?: StringFilter;
}

export interface GrantSpent {
  debit?: Amount;
  receive?: Amount;
}

/** Finds the interval of an ISO 8601 repeating interval that contains `at` (auth's reading of grant intervals). */
export type IntervalLocator = (interval: string, at: Date) => { start: Date; end: Date } | undefined;

export interface OutgoingPaymentServiceDeps {
  knex: Knex;
  quotes: QuoteService;
  ledger: PaymentLedger;
  funding: FundingMode;
  intervalContaining: IntervalLocator;
  /** Told after a payment is committed in SENDING, so the worker starts at once instead of at its next poll. */
  onReadyToSend?: () => void;
  /** This process's worker's free slots: a payment created into one is written leased to it and started at once. */
  reserveWorkerSlot?: () => PaymentSlot | undefined;
  /** A local receiver's progress as SQL, read by the statement creating a payment that starts at once. */
  receiverProgressSql?: (url: string) => ReceiverProgressSql | undefined;
  /** This process's webhook delivery, which the outgoing_payment.created event is handed to (written claimed for it). */
  webhooks?: WebhookHandoff;
}

/** A payment's addition to its grant's running totals, and the limits they must stay within. */
interface GrantSpend {
  grantId: string;
  intervalStart: Date;
  debit: bigint;
  receive: bigint;
  debitLimit?: bigint;
  receiveLimit?: bigint;
}

interface PaymentRow {
  id: string;
  wallet_address_id: string;
  client: string | null;
  grant_id: string | null;
  quote_id: string;
  state: OutgoingPaymentState;
  error: string | null;
  sent_amount: string;
  delivered_amount: string;
  ledger_account_id: string | null;
  metadata: Record<string, unknown> | null;
  attempts: number;
  created_at: Date;
  updated_at: Date;
}

const NO_INTERVAL = new Date('1970-01-01T00:00:00Z');

const quoteUsed = () => new OpenPaymentsError(400, 'invalid_quote', 'the quote has already been used');

function isUniqueViolation(error: unknown, constraint: string): boolean {
  const { code, constraint: violated } = error as { code?: string; constraint?: string };
  return code === '23505' && violated === constraint;
}

export const insufficientGrant = (description: string) => new OpenPaymentsError(403, 'insufficient_grant', description);

export function createOutgoingPaymentService(deps: OutgoingPaymentServiceDeps) {
  const { knex } = deps;

  async function toPayment(row: PaymentRow, db: Knex | Knex.Transaction = knex): Promise<OutgoingPayment> {
    return paymentWithQuote(row, (await deps.quotes.get(row.quote_id, db)) as Quote);
  }

  function paymentWithQuote(row: PaymentRow, quote: Quote): OutgoingPayment {
    return {
      id: row.id,
      walletAddressId: row.wallet_address_id,
      client: row.client ?? undefined,
      grantId: row.grant_id ?? undefined,
      quote,
      state: row.state,
      error: row.error ?? undefined,
      sentAmount: { ...quote.debitAmount, value: bigintFromColumn(row.sent_amount) },
      deliveredAmount: bigintFromColumn(row.delivered_amount),
      ledgerAccountId: row.ledger_account_id ?? undefined,
      metadata: row.metadata ?? undefined,
      attempts: Number(row.attempts),
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    };
  }

  /**
   * What a payment may add to its grant's running totals: the interval it counts in, and the limits those totals must
   * stay within (checked in JS where they cannot depend on the totals: the interval, the limits' assets).
   */
  function grantSpendOf(grant: { id: string; limits?: OutgoingPaymentLimits }, quote: Quote, now: Date): GrantSpend {
    const { limits } = grant;
    let intervalStart = NO_INTERVAL;
    if (limits?.interval) {
      const current = deps.intervalContaining(limits.interval, now);
      if (!current) throw insufficientGrant('the grant interval does not cover this moment');
      intervalStart = current.start;
    }
    const debitLimit = limits?.debitAmount;
    if (
      debitLimit &&
      (debitLimit.assetCode !== quote.debitAmount.assetCode || debitLimit.assetScale !== quote.debitAmount.assetScale)
    ) {
      throw insufficientGrant('the grant debitAmount limit is in another asset');
    }
    const receiveLimit = limits?.receiveAmount;
    if (
      receiveLimit &&
      (receiveLimit.assetCode !== quote.receiveAmount.assetCode ||
        receiveLimit.assetScale !== quote.receiveAmount.assetScale)
    ) {
      throw insufficientGrant('the grant receiveAmount limit is in another asset');
    }
    return {
      grantId: grant.id,
      intervalStart,
      debit: quote.debitAmount.value,
      receive: quote.receiveAmount.value,
      debitLimit: debitLimit && BigInt(debitLimit.value),
      receiveLimit: receiveLimit && BigInt(receiveLimit.value),
    };
  }

  /**
   * The payment's writes as data-modifying CTEs of the statement that creates its ledger account (and moves its money):
   * the grant's totals (`spend`, upserted only while they stay within the limits: its row lock, held until the
   * statement commits, serializes concurrent payments of one grant, each seeing the others' amounts), the payment row
   * (`settled`, only when the quote is unused and the grant took it) with its grant totals, and its
   * outgoing_payment.created event. Nothing is written unless `condition` (the ledger's) holds.
   */
  function paymentWrites(
    payment: {
      row: Omit<PaymentRow, 'attempts' | 'created_at' | 'updated_at'>;
      next: Date;
      event: Record<string, unknown>;
      /** Written leased to this process's worker, as its first attempt. */
      lease?: { owner: string; leaseMs: number };
      /** Read along, for the worker's first attempt: what the receiver still expects. */
      receiverProgress?: ReceiverProgressSql;
    },
    spend: GrantSpend | undefined,
  ) {
    return (condition: string, ledgerAccountId: string) => {
      const { row } = payment;
      // Written claimed by this process's delivery, which posts it once the statement has committed (no NOTIFY and
      // claim in between); without one here, announced to whichever process delivers.
      const event = webhookEventCte({
        name: 'created_event',
        from: 'inserted',
        type: 'outgoing_payment.created',
        data: payment.event,
        timestamps: { createdAt: 'created_at', updatedAt: 'updated_at' },
        claimFor: deps.webhooks && { seconds: deps.webhooks.claimSeconds },
        notify: !deps.webhooks,
      });
      // The amounts and limits (NULL: none) once, for both the first row of an interval and an existing one.
      const spendCte = spend
        ? {
            sql: `spend_input AS (
               SELECT ?::numeric AS debit, ?::numeric AS receive, ?::numeric AS debit_limit,
                      ?::numeric AS receive_limit),
             spend AS (
               INSERT INTO grant_spends (grant_id, interval_start, debit_spent, receive_spent)
               SELECT ?, ?, i.debit, i.receive FROM spend_input AS i
                WHERE ${condition} AND NOT (SELECT used FROM quote_use)
                  AND (i.debit_limit IS NULL OR i.debit <= i.debit_limit)
                  AND (i.receive_limit IS NULL OR i.receive <= i.receive_limit)
               ON CONFLICT (grant_id, interval_start) DO UPDATE
                 SET debit_spent = grant_spends.debit_spent + excluded.debit_spent,
                     receive_spent = grant_spends.receive_spent + excluded.receive_spent
                 WHERE ((SELECT debit_limit FROM spend_input) IS NULL
                        OR grant_spends.debit_spent + excluded.debit_spent <= (SELECT debit_limit FROM spend_input))
                   AND ((SELECT receive_limit FROM spend_input) IS NULL
                        OR grant_spends.receive_spent + excluded.receive_spent <= (SELECT receive_limit FROM spend_input))
               RETURNING debit_spent, receive_spent),`,
            bindings: [
              spend.debit.toString(),
              spend.receive.toString(),
              spend.debitLimit?.toString() ?? null,
              spend.receiveLimit?.toString() ?? null,
              spend.grantId,
              spend.intervalStart,
            ],
          }
        : { sql: '', bindings: [] };
      return {
        sql: `quote_use AS MATERIALIZED (
             SELECT EXISTS (SELECT 1 FROM outgoing_payments WHERE quote_id = ?) AS used),
           ${spendCte.sql}
           inserted AS (
             INSERT INTO outgoing_payments
               (id, wallet_address_id, client, grant_id, quote_id, state, ledger_account_id, metadata, next_attempt_at,
                lease_owner, lease_expires_at, attempts)
             SELECT ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?,
                    ?::text, now() + ?::bigint * interval '1 millisecond', ?
              WHERE ${condition} AND NOT (SELECT used FROM quote_use)
                    ${spend ? 'AND EXISTS (SELECT 1 FROM spend)' : ''}
             RETURNING *),
           ${event.sql},
           settled AS (
             SELECT inserted.*, (SELECT id FROM created_event) AS event_id, (SELECT data FROM created_event) AS event_data
                    ${spend ? ', (SELECT debit_spent FROM spend) AS grant_debit_spent, (SELECT receive_spent FROM spend) AS grant_receive_spent' : ''}
                    ${payment.receiverProgress ? `, ${payment.receiverProgress.sql} AS receiver_progress` : ''}
               FROM inserted)`,
        bindings: [
          row.quote_id,
          ...spendCte.bindings,
          row.id,
          row.wallet_address_id,
          row.client,
          row.grant_id,
          row.quote_id,
          row.state,
          ledgerAccountId,
          row.metadata === null ? null : JSON.stringify(row.metadata),
          payment.next,
          payment.lease?.owner ?? null,
          payment.lease?.leaseMs ?? null,
          payment.lease ? 1 : 0,
          ...event.bindings,
          ...(payment.receiverProgress?.bindings ?? []),
        ],
      };
    };
  }

  /** Whether a payment has used the quote (as committed now). */
  const isQuoteUsed = async (quoteId: string) =>
    (await knex('outgoing_payments').where('quote_id', quoteId).first('id')) !== undefined;

  /** Why a payment's statement wrote nothing: its quote was used meanwhile, or its grant could not take it. */
  async function refusalOf(quoteId: string, spend: GrantSpend | undefined): Promise<OpenPaymentsError | Error> {
    if (await isQuoteUsed(quoteId)) return quoteUsed();
    if (spend) {
      const row = await knex('grant_spends')
        .where({ grant_id: spend.grantId, interval_start: spend.intervalStart })
        .first('debit_spent', 'receive_spent');
      const debitSpent = row ? bigintFromColumn(row.debit_spent) : 0n;
      if (spend.debitLimit !== undefined && debitSpent + spend.debit > spend.debitLimit) {
        return insufficientGrant('the payment exceeds the grant debitAmount limit');
      }
      return insufficientGrant('the payment exceeds the grant receiveAmount limit');
    }
    return new Error('the outgoing payment was not written: its ledger accounts are missing or of another asset');
  }

  return {
    async createFromQuote(input: {
      walletAddress: WalletAddress;
      client?: string;
      grant?: { id: string; limits?: OutgoingPaymentLimits };
      quoteId: string;
      metadata?: unknown;
    }): Promise<{ payment: OutgoingPayment; grantSpent: GrantSpent }> {
      const { walletAddress } = input;
      if (
        input.metadata !== undefined &&
        (typeof input.metadata !== 'object' || input.metadata === null || Array.isArray(input.metadata))
      ) {
        throw invalidRequest('metadata must be an object');
      }
      const quote = await deps.quotes.get(input.quoteId);
      if (!quote || quote.walletAddressId !== walletAddress.id) {
        throw new OpenPaymentsError(400, 'invalid_quote', 'no such quote for this wallet address');
      }
      const now = new Date();
      let spend: GrantSpend | undefined;
      try {
        if (quote.expiresAt.getTime() <= now.getTime()) {
          throw new OpenPaymentsError(400, 'invalid_quote', 'the quote has expired');
        }
        if (input.grant?.limits?.receiver && input.grant.limits.receiver !== quote.receiver) {
          throw insufficientGrant('the grant only allows paying another receiver');
        }
        spend = input.grant && grantSpendOf(input.grant, quote, now);
      } catch (error) {
        // A quote pays once: a used one is refused as such (400) before anything else is said about it.
        if (await isQuoteUsed(quote.id)) throw quoteUsed();
        throw error;
      }
      const id = sortableId();
      const state: OutgoingPaymentState = deps.funding === 'ledger' ? 'SENDING' : 'FUNDING';
      const metadata = (input.metadata as Record<string, unknown> | undefined) ?? null;
      const row = {
        id,
        wallet_address_id: walletAddress.id,
        client: input.client ?? null,
        grant_id: input.grant?.id ?? null,
        quote_id: quote.id,
        state,
        error: null,
        sent_amount: '0',
        delivered_amount: '0',
        ledger_account_id: null,
        metadata,
      };
      const draft = paymentWithQuote({ ...row, attempts: 0, created_at: new Date(0), updated_at: new Date(0) }, quote);
      // Funded at creation from the wallet (ledger funding), or empty until the operator funds it.
      const {
        createdAt: _created,
        updatedAt: _updated,
        ...eventData
      } = outgoingPaymentEventData(draft, deps.funding === 'ledger' ? quote.debitAmount.value : 0n);
      // One statement: the payment account and its money, the grant's totals, the payment row and its event. A use of
      // the quote committed earlier is seen by it; a concurrent one is caught by the unique index on
      // outgoing_payments.quote_id (it waits there for the first to commit) and the whole statement fails.
      // A slot not handed to the worker by the end (refused, failed, or a throw after the write) is given back.
      const slot = state === 'SENDING' ? deps.reserveWorkerSlot?.() : undefined;
      // A payment that starts at once learns what its (local) receiver still expects from its own statement, instead
      // of its first attempt asking in a round trip of its own.
      const receiverProgress =
        slot && quote.paymentType === 'FIXED_DELIVERY' ? deps.receiverProgressSql?.(quote.receiver) : undefined;
      try {
        let written: { paymentAccountId: string; rows: Record<string, unknown>[] };
        try {
          written = await deps.ledger.createPaymentAccountWith(
            {
              assetId: walletAddress.assetId,
              outgoingPaymentId: id,
              funding:
                deps.funding === 'ledger'
                  ? { walletAddressId: walletAddress.id, amount: quote.debitAmount.value, transferId: id }
                  : undefined,
            },
            paymentWrites({ row, next: now, event: eventData, lease: slot, receiverProgress }, spend),
          );
        } catch (error) {
          if (isUniqueViolation(error, 'outgoing_payments_quote_id_unique')) throw quoteUsed();
          if (error instanceof InsufficientFundsError) {
            throw new OpenPaymentsError(
              403,
              'insufficient_funds',
              'the wallet address balance cannot fund this payment',
            );
          }
          throw error;
        }
        const created = written.rows[0] as unknown as
          | (PaymentRow & {
              event_id: string;
              event_data: Record<string, unknown>;
              grant_debit_spent?: string;
              grant_receive_spent?: string;
              receiver_progress?: unknown;
            })
          | undefined;
        if (!created) throw await refusalOf(quote.id, spend);
        const {
          event_id: eventId,
          event_data: createdEvent,
          grant_debit_spent: debitSpent,
          grant_receive_spent: receiveSpent,
          receiver_progress: progress,
          ...paymentRow
        } = created;
        deps.webhooks?.deliverClaimed({
          id: eventId,
          type: 'outgoing_payment.created',
          data: createdEvent,
          attempts: 0,
        });
        const result = {
          payment: paymentWithQuote(paymentRow, quote),
          grantSpent: (spend
            ? {
                debit: { ...quote.debitAmount, value: bigintFromColumn(debitSpent as string) },
                receive: { ...quote.receiveAmount, value: bigintFromColumn(receiveSpent as string) },
              }
            : {}) as GrantSpent,
        };
        if (slot) slot.run(result.payment, receiverProgress && { receiver: receiverProgress.read(progress) });
        else if (result.payment.state === 'SENDING') deps.onReadyToSend?.();
        return result;
      } finally {
        slot?.release();
      }
    },

    /**
     * Webhook funding: the operator answers outgoing_payment.created by depositing the debit amount, and the payment
     * starts. Idempotent per transfer id; a payment that is not waiting for funds is refused.
     */
    async depositLiquidity(id: string, transferId: string): Promise<OutgoingPayment> {
      const payment = await knex.transaction(async (trx) => {
        const row = (await trx('outgoing_payments').where('id', id).forUpdate().first()) as PaymentRow | undefined;
        if (!row) throw new OpenPaymentsError(404, 'not_found', 'outgoing payment not found');
        if (row.state !== 'FUNDING') {
          throw new OpenPaymentsError(409, 'invalid_state', `the outgoing payment is ${row.state}, not FUNDING`);
        }
        const quote = (await deps.quotes.get(row.quote_id, trx)) as Quote;
        await deps.ledger.depositToPaymentAccount(trx, {
          paymentAccountId: row.ledger_account_id as string,
          amount: quote.debitAmount.value,
          transferId,
        });
        await trx('outgoing_payments')
          .where('id', id)
          .update({ state: 'SENDING', next_attempt_at: trx.fn.now(), updated_at: trx.fn.now() });
        return (await this.get(id, trx)) as OutgoingPayment;
      });
      deps.onReadyToSend?.();
      return payment;
    },

    /** Cancels a payment still waiting for funds (the operator's answer when it will not fund it). */
    async cancel(id: string, reason?: string): Promise<OutgoingPayment> {
      return knex.transaction(async (trx) => {
        const row = (await trx('outgoing_payments').where('id', id).forUpdate().first()) as PaymentRow | undefined;
        if (!row) throw new OpenPaymentsError(404, 'not_found', 'outgoing payment not found');
        if (row.state !== 'FUNDING') {
          throw new OpenPaymentsError(
            409,
            'invalid_state',
            `only a payment in FUNDING can be cancelled, this one is ${row.state}`,
          );
        }
        await trx('outgoing_payments')
          .where('id', id)
          .update({
            state: 'CANCELLED',
            error: reason ?? 'cancelled by the operator',
            next_attempt_at: null,
            updated_at: trx.fn.now(),
          });
        const payment = (await this.get(id, trx)) as OutgoingPayment;
        // Never funded: its account holds nothing.
        await recordWebhookEvent(trx, 'outgoing_payment.failed', outgoingPaymentEventData(payment, 0n));
        return payment;
      });
    },

    /**
     * Takes up to `limit` payments that are due to be sent and not leased by anyone, leasing them to `owner` for
     * `leaseMs`: one statement, so its row locks (FOR UPDATE SKIP LOCKED) last only as long as it runs, and the lease
     * it writes is what keeps other workers off. At most `retryLimit` of them are on a later attempt (attempted
     * before); payments on their first attempt come first. Returns the claimed payments as they are now.
     */
    async claimDue(owner: string, leaseMs: number, limit: number, retryLimit = limit): Promise<OutgoingPayment[]> {
      const due = `state = 'SENDING' AND next_attempt_at <= now() AND (lease_expires_at IS NULL OR lease_expires_at < now())`;
      const result = await knex.raw(
        `WITH first_attempts AS (
           SELECT id, next_attempt_at, 0 AS later FROM outgoing_payments
            WHERE ${due} AND attempts = 0
            ORDER BY next_attempt_at LIMIT ? FOR UPDATE SKIP LOCKED
         ), later_attempts AS (
           SELECT id, next_attempt_at, 1 AS later FROM outgoing_payments
            WHERE ${due} AND attempts > 0
            ORDER BY next_attempt_at LIMIT ? FOR UPDATE SKIP LOCKED
         ), chosen AS (
           SELECT id FROM (SELECT * FROM first_attempts UNION ALL SELECT * FROM later_attempts) AS candidates
            ORDER BY later, next_attempt_at LIMIT ?
         )
         UPDATE outgoing_payments
            SET lease_owner = ?, lease_expires_at = now() + ?::bigint * interval '1 millisecond',
                attempts = attempts + 1, updated_at = now()
          WHERE id IN (SELECT id FROM chosen)
         RETURNING *`,
        [limit, Math.min(limit, retryLimit), limit, owner, leaseMs],
      );
      const rows = result.rows as PaymentRow[];
      if (rows.length === 0) return [];
      const quotes = await deps.quotes.getMany(rows.map((row) => row.quote_id));
      return rows.map((row) => paymentWithQuote(row, quotes.get(row.quote_id) as Quote));
    },

    async get(id: string, db: Knex | Knex.Transaction = knex): Promise<OutgoingPayment | undefined> {
      const row = (await db('outgoing_payments').where('id', id).first()) as PaymentRow | undefined;
      return row && toPayment(row, db);
    },

    async list(walletAddressId: string, request: PageRequest, client?: string): Promise<Page<OutgoingPayment>> {
      const query = knex('outgoing_payments').select('*').where('wallet_address_id', walletAddressId);
      if (client !== undefined) query.where('client', client);
      const page = await paginate<PaymentRow>(knex, 'outgoing_payments', query, request);
      return { items: await Promise.all(page.items.map((row) => toPayment(row))), pageInfo: page.pageInfo };
    },

    /**
     * Every wallet address's outgoing payments, newest first by id (the admin API's top-level list), filtered as
     * Rafiki's OutgoingPaymentFilter: by receiver, wallet address and state. Two queries per page: the payments, then
     * their quotes.
     */
    async listAll(filter: OutgoingPaymentFilter, request: PageRequest): Promise<Page<OutgoingPayment>> {
      const query = knex('outgoing_payments').select('outgoing_payments.*');
      if (filter.receiver) {
        query.join('quotes', 'quotes.id', 'outgoing_payments.quote_id');
        whereStringFilter(query, 'quotes.receiver', filter.receiver);
      }
      whereStringFilter(query, 'outgoing_payments.wallet_address_id', filter.walletAddressId, 'uuid');
      whereStringFilter(query, 'outgoing_payments.state', filter.state);
      const page = await paginateById<PaymentRow>(query, request, 'outgoing_payments.id');
      const quotes = await deps.quotes.getMany(page.items.map((row) => row.quote_id));
      // quote_id is a foreign key: every payment's quote is there.
      return {
        items: page.items.map((row) => paymentWithQuote(row, quotes.get(row.quote_id) as Quote)),
        pageInfo: page.pageInfo,
      };
    },

    /** What a grant has spent in its current interval (GET /outgoing-payment-grant). */
    async grantSpent(grantId: string, interval: string | undefined, asOf = new Date()) {
      let intervalStart = NO_INTERVAL;
      if (interval) {
        const current = deps.intervalContaining(interval, asOf);
        if (!current) return { debit: undefined, receive: undefined };
        intervalStart = current.start;
      }
      const row = await knex('grant_spends').where({ grant_id: grantId, interval_start: intervalStart }).first();
      return row
        ? { debit: bigintFromColumn(row.debit_spent), receive: bigintFromColumn(row.receive_spent) }
        : { debit: 0n, receive: 0n };
    },
  };
}

export type OutgoingPaymentService = ReturnType<typeof createOutgoingPaymentService>;

export function outgoingPaymentJson(payment: OutgoingPayment, walletAddress: WalletAddress, openPaymentsUrl: string) {
  const base = openPaymentsUrl.replace(/\/$/, '');
  return {
    id: `${base}/outgoing-payments/${payment.id}`,
    walletAddress: walletAddress.url,
    quoteId: `${base}/quotes/${payment.quote.id}`,
    failed: payment.state === 'FAILED',
    receiver: payment.quote.receiver,
    receiveAmount: amountToJson(payment.quote.receiveAmount),
    debitAmount: amountToJson(payment.quote.debitAmount),
    sentAmount: amountToJson(payment.sentAmount),
    ...(payment.metadata ? { metadata: payment.metadata } : {}),
    createdAt: payment.createdAt.toISOString(),
  };
}

/**
 * Rafiki's webhook payload for outgoing payment events. `balance` is what the payment's ledger account holds once the
 * change the event announces is made (Rafiki's operators withdraw it after completed and failed).
 */
export function outgoingPaymentEventData(payment: OutgoingPayment, balance: bigint): Record<string, unknown> {
  return {
    id: payment.id,
    walletAddressId: payment.walletAddressId,
    ...(payment.client ? { client: payment.client } : {}),
    ...(payment.grantId ? { grantId: payment.grantId } : {}),
    state: payment.state,
    ...(payment.error ? { error: payment.error } : {}),
    receiver: payment.quote.receiver,
    debitAmount: amountToJson(payment.quote.debitAmount),
    receiveAmount: amountToJson(payment.quote.receiveAmount),
    sentAmount: amountToJson(payment.sentAmount),
    stateAttempts: payment.attempts,
    balance: balance.toString(),
    ...(payment.metadata ? { metadata: payment.metadata } : {}),
    createdAt: payment.createdAt.toISOString(),
    updatedAt: payment.updatedAt.toISOString(),
  };
}
