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

/**
 * SQL for a timestamptz column as the ISO 8601 text JavaScript's toISOString() writes (UTC, milliseconds, Z): for
 * events written in the statement that creates their row, whose timestamps only the database knows.
 */
export function isoTimestampSql(column: string): string {
  return `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}
