import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';

/** Rafiki's webhook event types, plus outgoing_payment.attempt_failed (ours). */
export type WebhookEventType =
  | 'incoming_payment.created'
  | 'incoming_payment.completed'
  | 'incoming_payment.expired'
  | 'outgoing_payment.created'
  | 'outgoing_payment.completed'
  | 'outgoing_payment.failed'
  | 'outgoing_payment.attempt_failed'
  | 'wallet_address.not_found'
  | 'wallet_address.web_monetization'
  | 'asset.liquidity_low'
  | 'peer.liquidity_low';

/** NOTIFY channel announcing new webhook events. */
export const WEBHOOK_EVENTS_CHANNEL = 'sluice_webhook_events';

/**
 * Records an event in the outbox. Call it inside the transaction that makes the change it announces, so an event
 * exists if and only if the change does; delivery happens later, with retries.
 */
export async function recordWebhookEvent(
  trx: Knex | Knex.Transaction,
  type: WebhookEventType,
  data: Record<string, unknown>,
): Promise<string> {
  const id = randomUUID();
  // The notification goes out when the transaction commits (and never if it rolls back), waking delivery at once in
  // whichever process runs it; one statement, so recording an event costs no extra round trip.
  await trx.raw(
    `WITH event AS (INSERT INTO webhook_events (id, type, data) VALUES (?, ?, ?) RETURNING id)
     SELECT pg_notify(?, '') FROM event`,
    [id, type, JSON.stringify(data), WEBHOOK_EVENTS_CHANNEL],
  );
  return id;
}

/** An event this process wrote already claimed for its own delivery (see writeWithWebhookEvent's `claimFor`). */
export interface ClaimedWebhookEvent {
  id: string;
  type: WebhookEventType;
  data: Record<string, unknown>;
  attempts: number;
}

/**
 * Runs `statement` (an INSERT or UPDATE ending in RETURNING *) and records its event in the same statement: one round
 * trip, and the event exists exactly when the change does. `timestamps` names the event fields (e.g. createdAt) to
 * fill from the changed row's columns, which only the database knows; `data` is the rest. Resolves with the row, or
 * undefined (and no event) when the statement changed nothing.
 *
 * With `claimFor`, the event is written already claimed by this process's delivery for that many seconds (no NOTIFY,
 * no claim query): hand it to that delivery once the transaction commits. Should the process die first, the claim
 * runs out and any delivery takes the event then.
 */
export async function writeWithWebhookEvent<Row>(
  trx: Knex | Knex.Transaction,
  statement: { sql: string; bindings: readonly Knex.Value[] },
  type: WebhookEventType,
  data: Record<string, unknown>,
  timestamps: Record<string, string>,
  claimFor?: { seconds: number },
): Promise<{ row: Row; event?: ClaimedWebhookEvent } | undefined> {
  const event = webhookEventCte({ name: 'event', from: 'changed', type, data, timestamps, claimFor });
  const result = await trx.raw(
    `WITH changed AS (${statement.sql}),
     ${event.sql}
     SELECT changed.*, (SELECT data FROM event) AS sluice_event_data,
            ${claimFor ? 'NULL' : "(SELECT pg_notify(?, '') FROM event)"} AS notified
       FROM changed`,
    [...statement.bindings, ...event.bindings, ...(claimFor ? [] : [WEBHOOK_EVENTS_CHANNEL])],
  );
  const first = (result.rows as (Row & { sluice_event_data: Record<string, unknown>; notified: unknown })[])[0];
  if (!first) return undefined;
  const { sluice_event_data: eventData, notified: _notified, ...row } = first;
  return { row: row as Row, event: claimFor ? { id: event.id, type, data: eventData, attempts: 0 } : undefined };
}

/**
 * The data-modifying CTE `name` recording an event for each row of the CTE `from` (which changed the row the event
 * announces), RETURNING the event's id and data. `timestamps` names the event fields filled from `from`'s columns;
 * `values` sets text values inside `data` (dotted paths, e.g. `sentAmount.value`) from SQL expressions over `from`;
 * `data` is the rest. With `claimFor`, it is written claimed by this process's delivery (see writeWithWebhookEvent);
 * with `notify`, it is announced on WEBHOOK_EVENTS_CHANNEL (delivered at commit); else the caller announces it.
 */
export function webhookEventCte(options: {
  name: string;
  from: string;
  type: WebhookEventType;
  data: Record<string, unknown>;
  timestamps: Record<string, string>;
  values?: Record<string, string>;
  claimFor?: { seconds: number };
  notify?: boolean;
}): { id: string; sql: string; bindings: Knex.Value[] } {
  const fields = Object.entries(options.timestamps).map(
    ([field, column]) => `'${field}', ${isoTimestampSql(`${options.from}.${column}`)}`,
  );
  let data = `?::jsonb || jsonb_build_object(${fields.join(', ')})`;
  for (const [path, expression] of Object.entries(options.values ?? {})) {
    data = `jsonb_set(${data}, '{${path.split('.').join(',')}}', to_jsonb((${expression})::text))`;
  }
  const id = randomUUID();
  return {
    id,
    sql: `${options.name} AS (
       INSERT INTO webhook_events (id, type, data, next_attempt_at)
       SELECT ?, ?, ${data}, now() + make_interval(secs => ?::double precision)
         FROM ${options.from}
       RETURNING id, data${options.notify ? `, pg_notify('${WEBHOOK_EVENTS_CHANNEL}', '')` : ''})`,
    bindings: [id, options.type, JSON.stringify(options.data), options.claimFor?.seconds ?? 0],
  };
}

/**
 * SQL for a timestamptz column as the ISO 8601 text JavaScript's toISOString() writes (UTC, milliseconds, Z): for
 * events written in the statement that creates their row, whose timestamps only the database knows.
 */
export function isoTimestampSql(column: string): string {
  return `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}
