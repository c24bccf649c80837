import { sortableId } from '../sortable-id';
import type { Knex } from 'knex';
import { amountToJson, bigintFromColumn, type Amount } from '../amount';
import { invalidRequest, OpenPaymentsError } from '../open-payments-error';
import { paginate, paginateById, type Page, type PageRequest } from '../pagination';
import { whereStringFilter, type StringFilter } from '../string-filter';
import { recordWebhookEvent, writeWithWebhookEvent } from '../webhooks/webhook-events';
import type { OutgoingPaymentLimits } from '../http/token-introspection';
import type { WalletAddress } from '../wallet-addresses/wallet-address-service';
import type { Quote, QuoteService } from '../quotes/quote-service';
import { InsufficientFundsError, type PaymentLedger } from './payment-ledger';

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

  /** Adds the payment to its grant's running totals, refusing it if the limits would be exceeded. */
  async function spendGrant(
    trx: Knex.Transaction,
    grantId: string,
    limits: OutgoingPaymentLimits | undefined,
    quote: Quote,
    now: Date,
  ): Promise<GrantSpent> {
    let intervalStart = NO_INTERVAL;
    if (limits?.interval) {
      const current = deps.intervalContaining(limits.interval, now);
      if (!current) throw insufficientGrant('the grant interval does not cover this moment');
      intervalStart = current.start;
    }
    // One statement adds the payment to the totals and returns them. Its row lock, held until commit, serializes
    // concurrent payments of one grant: each sees the totals with the others' amounts in. A refusal below throws,
    // and the transaction's rollback takes the amounts back out.
    const result = await trx.raw(
      `INSERT INTO grant_spends (grant_id, interval_start, debit_spent, receive_spent) VALUES (?, ?, ?, ?)
       ON CONFLICT (grant_id, interval_start) DO UPDATE
         SET debit_spent = grant_spends.debit_spent + excluded.debit_spent,
             receive_spent = grant_spends.receive_spent + excluded.receive_spent
       RETURNING debit_spent, receive_spent`,
      [grantId, intervalStart, quote.debitAmount.value.toString(), quote.receiveAmount.value.toString()],
    );
    const spent = result.rows[0] as { debit_spent: string; receive_spent: string };
    const debitSpent = bigintFromColumn(spent.debit_spent);
    const receiveSpent = bigintFromColumn(spent.receive_spent);
    if (limits?.debitAmount) {
      const limit = limits.debitAmount;
      if (limit.assetCode !== quote.debitAmount.assetCode || limit.assetScale !== quote.debitAmount.assetScale) {
        throw insufficientGrant('the grant debitAmount limit is in another asset');
      }
      if (debitSpent > BigInt(limit.value)) throw insufficientGrant('the payment exceeds the grant debitAmount limit');
    }
    if (limits?.receiveAmount) {
      const limit = limits.receiveAmount;
      if (limit.assetCode !== quote.receiveAmount.assetCode || limit.assetScale !== quote.receiveAmount.assetScale) {
        throw insufficientGrant('the grant receiveAmount limit is in another asset');
      }
      if (receiveSpent > BigInt(limit.value)) {
        throw insufficientGrant('the payment exceeds the grant receiveAmount limit');
      }
    }
    return {
      debit: { ...quote.debitAmount, value: debitSpent },
      receive: { ...quote.receiveAmount, value: receiveSpent },
    };
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
      const result = await knex
        .transaction(async (trx) => {
          const found = await deps.quotes.getWithUse(input.quoteId, trx);
          if (!found || found.quote.walletAddressId !== walletAddress.id) {
            throw new OpenPaymentsError(400, 'invalid_quote', 'no such quote for this wallet address');
          }
          // A quote pays once. A use committed earlier is seen here (before any other check, so a reused quote is
          // always a 400); a concurrent one is caught by the unique index on outgoing_payments.quote_id when the payment
          // row is inserted (it waits there for the first to commit), and the whole transaction, money and grant totals
          // included, rolls back.
          if (found.used) throw quoteUsed();
          const { quote } = found;
          const now = new Date();
          if (quote.expiresAt.getTime() <= now.getTime()) {
            throw new OpenPaymentsError(400, 'invalid_quote', 'the quote has expired');
          }
          if (input.grant?.limits?.receiver && input.grant.limits.receiver !== quote.receiver) {
            throw insufficientGrant('the grant only allows paying another receiver');
          }
          // The payment account first: creating it locks nothing that other payments wait for, while the grant's
          // totals row (locked by spendGrant) and the wallet's ledger row (locked by the funding) stay locked until
          // this transaction commits, so concurrent payments of one grant or wallet queue for as long as that lasts.
          const id = sortableId();
          const ledgerAccountId = await deps.ledger.createPaymentAccount(trx, {
            assetId: walletAddress.assetId,
            outgoingPaymentId: id,
          });
          const grantSpent = input.grant ? await spendGrant(trx, input.grant.id, input.grant.limits, quote, now) : {};
          if (deps.funding === 'ledger') {
            try {
              await deps.ledger.fundFromWalletAddress(trx, {
                walletAddressId: walletAddress.id,
                assetId: walletAddress.assetId,
                paymentAccountId: ledgerAccountId,
                amount: quote.debitAmount.value,
                transferId: id,
              });
            } catch (error) {
              if (error instanceof InsufficientFundsError) {
                throw new OpenPaymentsError(
                  403,
                  'insufficient_funds',
                  'the wallet address balance cannot fund this payment',
                );
              }
              throw error;
            }
          }
          // The payment row and its outgoing_payment.created event in one statement.
          const state: OutgoingPaymentState = deps.funding === 'ledger' ? 'SENDING' : 'FUNDING';
          const draft = paymentWithQuote(
            {
              id,
              wallet_address_id: walletAddress.id,
              client: input.client ?? null,
              grant_id: input.grant?.id ?? null,
              quote_id: quote.id,
              state,
              error: null,
              sent_amount: '0',
              delivered_amount: '0',
              ledger_account_id: ledgerAccountId,
              metadata: (input.metadata as Record<string, unknown> | undefined) ?? null,
              attempts: 0,
              created_at: new Date(0),
              updated_at: new Date(0),
            },
            quote,
          );
          const { createdAt: _created, updatedAt: _updated, ...eventData } = outgoingPaymentEventData(draft);
          const written = await writeWithWebhookEvent<PaymentRow>(
            trx,
            {
              sql: `INSERT INTO outgoing_payments
                      (id, wallet_address_id, client, grant_id, quote_id, state, ledger_account_id, metadata, next_attempt_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?)
                    RETURNING *`,
              bindings: [
                id,
                walletAddress.id,
                input.client ?? null,
                input.grant?.id ?? null,
                quote.id,
                state,
                ledgerAccountId,
                input.metadata === undefined ? null : JSON.stringify(input.metadata),
                now,
              ],
            },
            'outgoing_payment.created',
            eventData,
            { createdAt: 'created_at', updatedAt: 'updated_at' },
          );
          const payment = paymentWithQuote((written as { row: PaymentRow }).row, quote);
          return { payment, grantSpent };
        })
        .catch((error: unknown) => {
          if (isUniqueViolation(error, 'outgoing_payments_quote_id_unique')) throw quoteUsed();
          throw error;
        });
      if (result.payment.state === 'SENDING') deps.onReadyToSend?.();
      return result;
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
        await recordWebhookEvent(trx, 'outgoing_payment.failed', outgoingPaymentEventData(payment));
        return payment;
      });
    },

    /**
     * Takes up to `limit` payments that are due to be sent and not leased by anyone, leasing them to `owner` for
     * `leaseMs`: one statement, so its row locks (FOR UPDATE SKIP LOCKED) last only as long as it runs, and the lease
     * it writes is what keeps other workers off. Returns the claimed payments as they are now.
     */
    async claimDue(owner: string, leaseMs: number, limit: number): Promise<OutgoingPayment[]> {
      const result = await knex.raw(
        `UPDATE outgoing_payments
            SET lease_owner = ?, lease_expires_at = now() + ?::bigint * interval '1 millisecond',
                attempts = attempts + 1, updated_at = now()
          WHERE id IN (SELECT id FROM outgoing_payments
                        WHERE state = 'SENDING' AND next_attempt_at <= now()
                          AND (lease_expires_at IS NULL OR lease_expires_at < now())
                        ORDER BY next_attempt_at
                        LIMIT ?
                          FOR UPDATE SKIP LOCKED)
         RETURNING *`,
        [owner, leaseMs, limit],
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

/** Rafiki's webhook payload for outgoing payment events. */
export function outgoingPaymentEventData(payment: OutgoingPayment): Record<string, unknown> {
  return {
    id: payment.id,
    walletAddressId: payment.walletAddressId,
    ...(payment.client ? { client: payment.client } : {}),
    state: payment.state,
    ...(payment.error ? { error: payment.error } : {}),
    receiver: payment.quote.receiver,
    debitAmount: amountToJson(payment.quote.debitAmount),
    receiveAmount: amountToJson(payment.quote.receiveAmount),
    sentAmount: amountToJson(payment.sentAmount),
    stateAttempts: payment.attempts,
    ...(payment.metadata ? { metadata: payment.metadata } : {}),
    createdAt: payment.createdAt.toISOString(),
    updatedAt: payment.updatedAt.toISOString(),
  };
}
