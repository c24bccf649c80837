import { randomUUID } from 'node:crypto';
import { sortableId } from '../sortable-id';
import type { Knex } from 'knex';
import { amountToJson, bigintFromColumn, parseAmount, type Amount } from '../amount';
import { invalidRequest, OpenPaymentsError } from '../open-payments-error';
import { paginate, type Page, type PageRequest } from '../pagination';
import {
  isoTimestampSql,
  recordWebhookEvent,
  WEBHOOK_EVENTS_CHANNEL,
  type ClaimedWebhookEvent,
} from '../webhooks/webhook-events';
import { createWriteBatcher } from '../write-batcher';
import type { WalletAddress } from '../wallet-addresses/wallet-address-service';

export type IncomingPaymentState = 'pending' | 'processing' | 'completed' | 'expired';

export interface IncomingPayment {
  id: string;
  walletAddressId: string;
  client?: string;
  incomingAmount?: Amount;
  receivedAmount: Amount;
  state: IncomingPaymentState;
  expiresAt: Date;
  metadata?: Record<string, unknown>;
  /** When the operator approved it (approveIncomingPayment), if it did. */
  approvedAt?: Date;
  /** When the operator cancelled it (cancelIncomingPayment), if it did; it then expired at once. */
  cancelledAt?: Date;
  createdAt: Date;
  updatedAt: Date;
}

interface IncomingPaymentRow {
  id: string;
  wallet_address_id: string;
  client: string | null;
  incoming_amount: string | null;
  received_amount: string;
  state: IncomingPaymentState;
  expires_at: Date;
  metadata: Record<string, unknown> | null;
  approved_at: Date | null;
  cancelled_at: Date | null;
  created_at: Date;
  updated_at: Date;
  asset_code: string;
  asset_scale: number;
}

export interface IncomingPaymentServiceDeps {
  knex: Knex;
  /** How far ahead expiresAt may be, and the expiry given when none is asked for (Rafiki: 30 days). */
  maxExpiryMs?: number;
  /**
   * Rafiki's POLL_INCOMING_PAYMENT_CREATED_WEBHOOK: a creation answers only once the operator, told by the
   * incoming_payment.created event, approved the payment (approve); cancelled, or undecided after `timeoutMs`, it is
   * refused (403) and the payment ends at once. The decision is looked for every `pollIntervalMs`, and at once when
   * it is taken in this process.
   */
  approval?: { timeoutMs: number; pollIntervalMs: number };
  /** Told when an incoming_payment.created event awaits the operator's decision, so delivery need not wait. */
  onAwaitingApproval?: () => void;
}

const THIRTY_DAYS_MS = 30 * 24 * 60 * 60 * 1000;

interface NewIncomingPaymentRow {
  id: string;
  walletAddressId: string;
  client: string | null;
  incomingAmount: string | null;
  expiresAt: Date;
  /** JSON text. */
  metadata: string | null;
  eventId: string;
  /** The event's data without its timestamps (JSON text); the statement adds the database's. */
  eventData: string;
}

const ISO_TIMESTAMP = isoTimestampSql('payment.created_at');

/** Why a credit was refused: the STREAM receiver turns these into rejects the sender understands. */
export class IncomingPaymentCreditError extends Error {
  constructor(
    readonly code: 'unknown_incoming_payment' | 'not_receiving' | 'exceeds_incoming_amount',
    message: string,
    /** The payment as it is now, when it exists: what it received and may still receive. */
    readonly payment?: IncomingPayment,
  ) {
    super(message);
    this.name = 'IncomingPaymentCreditError';
  }
}

export function createIncomingPaymentService(deps: IncomingPaymentServiceDeps) {
  const { knex } = deps;
  const maxExpiryMs = deps.maxExpiryMs ?? THIRTY_DAYS_MS;

  const select = (db: Knex | Knex.Transaction = knex) =>
    db('incoming_payments')
      .join('wallet_addresses', 'wallet_addresses.id', 'incoming_payments.wallet_address_id')
      .join('connector_assets as assets', 'assets.id', 'wallet_addresses.asset_id')
      .select('incoming_payments.*', 'assets.code as asset_code', 'assets.scale as asset_scale');

  const toPayment = (row: IncomingPaymentRow): IncomingPayment => {
    const asset = { assetCode: row.asset_code, assetScale: Number(row.asset_scale) };
    return {
      id: row.id,
      walletAddressId: row.wallet_address_id,
      client: row.client ?? undefined,
      incomingAmount:
        row.incoming_amount === null ? undefined : { value: bigintFromColumn(row.incoming_amount), ...asset },
      receivedAmount: { value: bigintFromColumn(row.received_amount), ...asset },
      // An open payment past its expiry is expired even before the sweep has marked it.
      state:
        (row.state === 'pending' || row.state === 'processing') && row.expires_at.getTime() <= Date.now()
          ? 'expired'
          : row.state,
      expiresAt: row.expires_at,
      metadata: row.metadata ?? undefined,
      ...(row.approved_at ? { approvedAt: row.approved_at } : {}),
      ...(row.cancelled_at ? { cancelledAt: row.cancelled_at } : {}),
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    };
  };

  // One statement writes each payment and its incoming_payment.created event: atomic without a transaction. Creation
  // is the hottest write of the resource server, so payments created together share the statement (and its commit).
  // Timestamps are the database's. Unlike other events this one sends no NOTIFY (every NOTIFY serialises commits on
  // PostgreSQL's notification queue lock): delivery's next poll picks it up.
  const insertCreated = createWriteBatcher(async (rows: NewIncomingPaymentRow[]): Promise<Date[]> => {
    const column = <K extends keyof NewIncomingPaymentRow>(key: K): Knex.Value =>
      rows.map((row) => row[key]) as Knex.Value;
    const result = await knex.raw(
      `WITH input AS (
         SELECT * FROM unnest(?::uuid[], ?::uuid[], ?::text[], ?::numeric[], ?::timestamptz[], ?::jsonb[], ?::uuid[], ?::jsonb[])
           AS v(id, wallet_address_id, client, incoming_amount, expires_at, metadata, event_id, event_data)
       ), payment AS (
         INSERT INTO incoming_payments (id, wallet_address_id, client, incoming_amount, expires_at, metadata)
         SELECT id, wallet_address_id, client, incoming_amount, expires_at, metadata FROM input
         RETURNING id, created_at
       ), event AS (
         INSERT INTO webhook_events (id, type, data, created_at)
         SELECT input.event_id, 'incoming_payment.created',
                input.event_data || jsonb_build_object('createdAt', ${ISO_TIMESTAMP}, 'updatedAt', ${ISO_TIMESTAMP}),
                payment.created_at
           FROM payment JOIN input ON input.id = payment.id
       )
       SELECT id, created_at FROM payment`,
      [
        column('id'),
        column('walletAddressId'),
        column('client'),
        column('incomingAmount'),
        column('expiresAt'),
        column('metadata'),
        column('eventId'),
        column('eventData'),
      ],
    );
    const createdAt = new Map(
      (result.rows as { id: string; created_at: Date }[]).map((row) => [row.id, row.created_at]),
    );
    return rows.map((row) => createdAt.get(row.id) as Date);
  });

  const getIn = async (db: Knex | Knex.Transaction, id: string) => {
    const row = (await select(db).where('incoming_payments.id', id).first()) as IncomingPaymentRow | undefined;
    return row && toPayment(row);
  };

  // Crediting is one statement even when it completes the payment: the guarded update returns the row with its asset,
  // and the incoming_payment.completed event is built from it in SQL (the JSON incomingPaymentEventData would build;
  // a test holds the two equal — a change to the payload must touch both).
  const creditWrite =
    (id: string, amount: bigint, claimFor?: { seconds: number }) =>
    (condition: string): { sql: string; bindings: Knex.Value[] } => {
      const value = amount.toString();
      const u = (column: string) => `credited.${column}`;
      const amountJson = (column: string) =>
        `jsonb_build_object('value', ${u(column)}::text, 'assetCode', credited.asset_code, 'assetScale', credited.asset_scale)`;
      return {
        sql: `credited AS (
           UPDATE incoming_payments AS ip
              SET received_amount = ip.received_amount + ?::numeric,
                  state = CASE WHEN ip.incoming_amount IS NOT NULL AND ip.received_amount + ?::numeric >= ip.incoming_amount
                               THEN 'completed' ELSE 'processing' END,
                  completed_at = CASE WHEN ip.incoming_amount IS NOT NULL
                                       AND ip.received_amount + ?::numeric >= ip.incoming_amount
                               THEN now() ELSE NULL END,
                  updated_at = now()
             FROM wallet_addresses AS wa
             JOIN connector_assets AS assets ON assets.id = wa.asset_id
            WHERE ip.id = ? AND wa.id = ip.wallet_address_id
              AND ip.state IN ('pending', 'processing') AND ip.expires_at > now()
              AND (ip.incoming_amount IS NULL OR ip.received_amount + ?::numeric <= ip.incoming_amount)
              AND (${condition})
            RETURNING ip.*, assets.code AS asset_code, assets.scale AS asset_scale
         ), completed_event AS (
           INSERT INTO webhook_events (id, type, data, next_attempt_at)
           SELECT ?, 'incoming_payment.completed',
                  jsonb_build_object(
                    'id', credited.id,
                    'walletAddressId', credited.wallet_address_id,
                    'completed', true,
                    'receivedAmount', ${amountJson('received_amount')},
                    'expiresAt', ${isoTimestampSql(u('expires_at'))},
                    'createdAt', ${isoTimestampSql(u('created_at'))},
                    'updatedAt', ${isoTimestampSql(u('updated_at'))})
                  || CASE WHEN credited.client IS NULL THEN '{}'::jsonb
                          ELSE jsonb_build_object('client', credited.client) END
                  || CASE WHEN credited.incoming_amount IS NULL THEN '{}'::jsonb
                          ELSE jsonb_build_object('incomingAmount', ${amountJson('incoming_amount')}) END
                  || CASE WHEN credited.metadata IS NULL THEN '{}'::jsonb
                          ELSE jsonb_build_object('metadata', credited.metadata) END
                  || CASE WHEN credited.approved_at IS NULL THEN '{}'::jsonb
                          ELSE jsonb_build_object('approvedAt', ${isoTimestampSql(u('approved_at'))}) END
                  || CASE WHEN credited.cancelled_at IS NULL THEN '{}'::jsonb
                          ELSE jsonb_build_object('cancelledAt', ${isoTimestampSql(u('cancelled_at'))}) END,
                  now() + make_interval(secs => ?::double precision)
             FROM credited
            WHERE credited.state = 'completed'
           RETURNING id, data${claimFor ? '' : `, pg_notify('${WEBHOOK_EVENTS_CHANNEL}', '')`}
         ), settled AS (
           SELECT credited.*, (SELECT id FROM completed_event) AS completed_event_id,
                  (SELECT data FROM completed_event) AS completed_event_data
             FROM credited
         )`,
        bindings: [value, value, value, id, value, randomUUID(), claimFor?.seconds ?? 0],
      };
    };

  /**
   * The incoming_payment.completed event a credit wrote already claimed (creditWrite's `claimFor`), to hand to this
   * process's delivery once the statement has committed; undefined when the credit did not complete the payment.
   */
  const completedEventOf = (rows: unknown[]): ClaimedWebhookEvent | undefined => {
    const row = rows[0] as { completed_event_id?: string | null; completed_event_data?: Record<string, unknown> };
    return row?.completed_event_id
      ? {
          id: row.completed_event_id,
          type: 'incoming_payment.completed',
          data: row.completed_event_data as Record<string, unknown>,
          attempts: 0,
        }
      : undefined;
  };

  /** The payment a credit returned (its `settled` rows); none: throws IncomingPaymentCreditError saying why. */
  const creditOutcome = async (db: Knex | Knex.Transaction, id: string, rows: unknown[]): Promise<IncomingPayment> => {
    if (rows.length > 0) return toPayment(rows[0] as IncomingPaymentRow);
    const payment = await getIn(db, id);
    if (!payment) throw new IncomingPaymentCreditError('unknown_incoming_payment', `no incoming payment ${id}`);
    if (payment.state === 'completed' || payment.state === 'expired') {
      throw new IncomingPaymentCreditError('not_receiving', `incoming payment is ${payment.state}`, payment);
    }
    throw new IncomingPaymentCreditError('exceeds_incoming_amount', 'amount would exceed incomingAmount', payment);
  };

  /**
   * Ends a payment nothing was paid into: it expires now (unannounced: see announceEnd). `undecided`: only if the
   * operator has neither approved nor cancelled it; `cancel`: as the operator's cancellation. Returns the payment
   * when it ended it.
   */
  const expireUnpaid = async (
    trx: Knex.Transaction,
    id: string,
    options: { undecided?: boolean; cancel?: boolean } = {},
  ): Promise<IncomingPayment | undefined> => {
    const query = trx('incoming_payments')
      .where({ id, state: 'pending' })
      .where('received_amount', 0)
      .where('expires_at', '>', trx.fn.now());
    if (options.undecided) query.whereNull('approved_at').whereNull('cancelled_at');
    const updated = await query.update({
      state: 'expired',
      expires_at: trx.fn.now(),
      updated_at: trx.fn.now(),
      ...(options.cancel ? { cancelled_at: trx.fn.now() } : {}),
    });
    return updated > 0 ? getIn(trx, id) : undefined;
  };

  /**
   * incoming_payment.completed / .expired, as Rafiki sends them: only for a payment that received money. They are the
   * operator's cue to withdraw it, and a Rafiki handler withdraws on every one (an unpaid payment would have it
   * refused, failing the delivery again and again); Rafiki ends unpaid payments without a word.
   */
  const announceEnd = async (
    trx: Knex.Transaction,
    type: 'incoming_payment.completed' | 'incoming_payment.expired',
    payment: IncomingPayment,
  ) => {
    if (payment.receivedAmount.value > 0n) await recordWebhookEvent(trx, type, incomingPaymentEventData(payment));
  };

  // Creations waiting for the operator's decision in this process, woken as soon as it is taken here.
  const awaitingDecision = new Map<string, () => void>();

  const declined = (description: string) => new OpenPaymentsError(403, 'forbidden', description);

  async function awaitDecision(id: string, approval: { timeoutMs: number; pollIntervalMs: number }) {
    deps.onAwaitingApproval?.();
    const deadline = Date.now() + approval.timeoutMs;
    let wake = () => {};
    awaitingDecision.set(id, () => wake());
    try {
      for (;;) {
        const payment = await getIn(knex, id);
        if (payment?.approvedAt) return payment;
        if (payment?.cancelledAt) throw declined('the wallet operator cancelled this incoming payment');
        const left = deadline - Date.now();
        if (left <= 0) break;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.min(approval.pollIntervalMs, left));
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    } finally {
      awaitingDecision.delete(id);
    }
    // Undecided: nobody was told its id, so it ends now — unless the approval lands first.
    if (!(await knex.transaction((trx) => expireUnpaid(trx, id, { undecided: true })))) {
      const payment = await getIn(knex, id);
      if (payment?.approvedAt) return payment;
    }
    throw declined(`the wallet operator did not approve this incoming payment within ${approval.timeoutMs} ms`);
  }

  return {
    async create(input: {
      walletAddress: WalletAddress;
      client?: string;
      incomingAmount?: unknown;
      expiresAt?: unknown;
      metadata?: unknown;
    }): Promise<IncomingPayment> {
      const { walletAddress } = input;
      if (walletAddress.status !== 'active') throw invalidRequest('the wallet address is inactive');
      const incomingAmount =
        input.incomingAmount === undefined
          ? undefined
          : parseAmount(input.incomingAmount, 'incomingAmount', walletAddress);
      const now = Date.now();
      let expiresAt = new Date(now + maxExpiryMs);
      if (input.expiresAt !== undefined) {
        const parsed = typeof input.expiresAt === 'string' ? new Date(input.expiresAt) : new Date(NaN);
        if (Number.isNaN(parsed.getTime())) throw invalidRequest('expiresAt must be an RFC 3339 date-time');
        if (parsed.getTime() <= now) throw invalidRequest('expiresAt must be in the future');
        if (parsed.getTime() > now + maxExpiryMs) {
          throw invalidRequest(`expiresAt must be within ${Math.round(maxExpiryMs / 86_400_000)} days`);
        }
        expiresAt = parsed;
      }
      if (
        input.metadata !== undefined &&
        (typeof input.metadata !== 'object' || input.metadata === null || Array.isArray(input.metadata))
      ) {
        throw invalidRequest('metadata must be an object');
      }
      const payment: IncomingPayment = {
        id: sortableId(),
        walletAddressId: walletAddress.id,
        client: input.client,
        incomingAmount,
        receivedAmount: { value: 0n, assetCode: walletAddress.assetCode, assetScale: walletAddress.assetScale },
        state: 'pending',
        expiresAt,
        metadata: input.metadata as Record<string, unknown> | undefined,
        createdAt: new Date(0),
        updatedAt: new Date(0),
      };
      const { createdAt: _created, updatedAt: _updated, ...eventWithoutTimes } = incomingPaymentEventData(payment);
      const createdAt = await insertCreated({
        id: payment.id,
        walletAddressId: walletAddress.id,
        client: input.client ?? null,
        incomingAmount: incomingAmount?.value.toString() ?? null,
        expiresAt,
        metadata: input.metadata === undefined ? null : JSON.stringify(input.metadata),
        eventId: randomUUID(),
        eventData: JSON.stringify(eventWithoutTimes),
      });
      payment.createdAt = payment.updatedAt = createdAt;
      return deps.approval ? awaitDecision(payment.id, deps.approval) : payment;
    },

    /**
     * The operator's approval (Rafiki's approveIncomingPayment): a pending payment only; approving an approved one
     * changes nothing; a cancelled one is 403, any other state 409.
     */
    async approve(id: string): Promise<IncomingPayment> {
      const payment = await knex.transaction(async (trx) => {
        const updated = await trx('incoming_payments')
          .where({ id, state: 'pending' })
          .whereNull('approved_at')
          .whereNull('cancelled_at')
          .where('expires_at', '>', trx.fn.now())
          .update({ approved_at: trx.fn.now(), updated_at: trx.fn.now() });
        const current = await getIn(trx, id);
        if (!current) throw new OpenPaymentsError(404, 'not_found', 'incoming payment not found');
        if (updated === 0 && !current.approvedAt) {
          if (current.cancelledAt) throw new OpenPaymentsError(403, 'forbidden', 'the incoming payment was cancelled');
          throw new OpenPaymentsError(409, 'invalid_state', `incoming payment is ${current.state}`);
        }
        return current;
      });
      awaitingDecision.get(id)?.();
      return payment;
    },

    /**
     * The operator's cancellation (Rafiki's cancelIncomingPayment): a pending payment only, which then takes no money:
     * it expires at once (unannounced: nothing to withdraw). Cancelling a cancelled one changes nothing; an
     * approved one is 403, any other state 409.
     */
    async cancel(id: string): Promise<IncomingPayment> {
      const payment = await knex.transaction(async (trx) => {
        const cancelled = await expireUnpaid(trx, id, { undecided: true, cancel: true });
        if (cancelled) return cancelled;
        const current = await getIn(trx, id);
        if (!current) throw new OpenPaymentsError(404, 'not_found', 'incoming payment not found');
        if (current.cancelledAt) return current;
        if (current.approvedAt) throw new OpenPaymentsError(403, 'forbidden', 'the incoming payment was approved');
        throw new OpenPaymentsError(409, 'invalid_state', `incoming payment is ${current.state}`);
      });
      awaitingDecision.get(id)?.();
      return payment;
    },

    get: (id: string) => getIn(knex, id),

    async list(walletAddressId: string, request: PageRequest, client?: string): Promise<Page<IncomingPayment>> {
      const query = select().where('incoming_payments.wallet_address_id', walletAddressId);
      if (client !== undefined) query.where('incoming_payments.client', client);
      const page = await paginate<IncomingPaymentRow>(knex, 'incoming_payments', query, request);
      return { items: page.items.map(toPayment), pageInfo: page.pageInfo };
    },

    /** Replaces a payment's metadata (the admin API's updateIncomingPayment); undefined for an unknown payment. */
    async updateMetadata(id: string, metadata: unknown): Promise<IncomingPayment | undefined> {
      if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
        throw invalidRequest('metadata must be an object');
      }
      const updated = await knex('incoming_payments')
        .where('id', id)
        .update({ metadata: JSON.stringify(metadata), updated_at: knex.fn.now() });
      return updated > 0 ? getIn(knex, id) : undefined;
    },

    /** Marks a payment completed (no further money accepted). Completing a completed payment changes nothing. */
    async complete(id: string): Promise<IncomingPayment> {
      return knex.transaction(async (trx) => {
        const updated = await trx('incoming_payments')
          .where('id', id)
          .whereIn('state', ['pending', 'processing'])
          .where('expires_at', '>', trx.fn.now())
          .update({ state: 'completed', completed_at: trx.fn.now(), updated_at: trx.fn.now() });
        const payment = await getIn(trx, id);
        if (!payment) throw new OpenPaymentsError(404, 'not_found', 'incoming payment not found');
        if (updated === 0 && payment.state !== 'completed') {
          throw new OpenPaymentsError(409, 'invalid_state', `incoming payment is ${payment.state}`);
        }
        if (updated > 0) await announceEnd(trx, 'incoming_payment.completed', payment);
        return payment;
      });
    },

    /**
     * Ends at once a payment that nothing was paid into yet (one created for a quote that then failed): it expires
     * now (unannounced: nothing to withdraw) instead of waiting for its expiry. Otherwise changes nothing.
     */
    async abandon(id: string): Promise<void> {
      await knex.transaction((trx) => expireUnpaid(trx, id));
    },

    /**
     * Adds `amount` to what the payment received, atomically and never above incomingAmount; completes it when the
     * amount is reached, with its incoming_payment.completed event. One statement.
     */
    async credit(db: Knex | Knex.Transaction, id: string, amount: bigint): Promise<IncomingPayment> {
      const write = creditWrite(id, amount)('true');
      const result = await db.raw(`WITH ${write.sql} SELECT * FROM settled`, write.bindings);
      return creditOutcome(db, id, result.rows as unknown[]);
    },

    /**
     * The credit as data-modifying CTEs for a statement that commits it together with the money (the connector's
     * LocalSettlement): `settled` returns the updated row, and nothing is written unless the SQL `condition` holds.
     * With `claimFor`, the completed event it may write is claimed for this process's delivery (completedEventOf).
     */
    creditWrite,
    creditOutcome,
    completedEventOf,

    /** What may still be received: incomingAmount − receivedAmount, or undefined when there is no limit. */
    remaining(payment: IncomingPayment): bigint | undefined {
      return payment.incomingAmount && payment.incomingAmount.value - payment.receivedAmount.value;
    },

    /** Marks open payments past their expiry as expired, announcing each. Returns how many. */
    async expireDue(limit = 100): Promise<number> {
      return knex.transaction(async (trx) => {
        const rows = (await trx('incoming_payments')
          .whereIn('state', ['pending', 'processing'])
          .where('expires_at', '<=', trx.fn.now())
          .forUpdate()
          .skipLocked()
          .limit(limit)
          .pluck('id')) as string[];
        if (rows.length === 0) return 0;
        await trx('incoming_payments').whereIn('id', rows).update({ state: 'expired', updated_at: trx.fn.now() });
        for (const id of rows) await announceEnd(trx, 'incoming_payment.expired', (await getIn(trx, id))!);
        return rows.length;
      });
    },
  };
}

export type IncomingPaymentService = ReturnType<typeof createIncomingPaymentService>;

/** Rafiki's webhook payload for incoming payment events. */
export function incomingPaymentEventData(payment: IncomingPayment): Record<string, unknown> {
  return {
    id: payment.id,
    walletAddressId: payment.walletAddressId,
    ...(payment.client ? { client: payment.client } : {}),
    completed: payment.state === 'completed',
    ...(payment.incomingAmount ? { incomingAmount: amountToJson(payment.incomingAmount) } : {}),
    receivedAmount: amountToJson(payment.receivedAmount),
    ...(payment.metadata ? { metadata: payment.metadata } : {}),
    // The operator's decision on a payment that waited for one (Rafiki's card flow), as Rafiki's events carry it.
    ...(payment.approvedAt ? { approvedAt: payment.approvedAt.toISOString() } : {}),
    ...(payment.cancelledAt ? { cancelledAt: payment.cancelledAt.toISOString() } : {}),
    expiresAt: payment.expiresAt.toISOString(),
    createdAt: payment.createdAt.toISOString(),
    updatedAt: payment.updatedAt.toISOString(),
  };
}
