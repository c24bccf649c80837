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
  await trx('webhook_events').insert({ id, type, data: JSON.stringify(data) });
  return id;
}
