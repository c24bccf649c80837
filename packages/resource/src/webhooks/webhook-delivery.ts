// Delivers the webhook outbox to the operator's WEBHOOK_URL, signed the way Rafiki signs: header
// `Rafiki-Signature: t=<unix seconds>, v1=<hex HMAC-SHA256(secret, "<t>.<canonical JSON body>")>`, so an operator's
// existing Rafiki webhook handler accepts ours. A 200 answer delivers; anything else is retried with backoff.
import { createHmac } from 'node:crypto';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { canonicalJson } from './canonical-json';

export interface WebhookDeliveryDeps {
  knex: Knex;
  logger: Logger;
  webhookUrl: string;
  secret: string;
  timeoutMs?: number;
  /** Attempts before an event is given up on (it stays in the log with its last error). */
  maxAttempts?: number;
  pollIntervalMs?: number;
}

export function signWebhook(body: unknown, secret: string, timestampSeconds = Math.floor(Date.now() / 1000)): string {
  const digest = createHmac('sha256', secret)
    .update(`${timestampSeconds}.${canonicalJson(body)}`)
    .digest('hex');
  return `t=${timestampSeconds}, v1=${digest}`;
}

interface EventRow {
  id: string;
  type: string;
  data: Record<string, unknown>;
  attempts: number;
}

export function createWebhookDelivery(deps: WebhookDeliveryDeps) {
  const { knex, logger } = deps;
  const timeoutMs = deps.timeoutMs ?? 5_000;
  const maxAttempts = deps.maxAttempts ?? 10;
  let stopped = true;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;

  /** Claims due events by pushing their next attempt past the delivery timeout: a lease, not a held lock. */
  async function claim(): Promise<EventRow[]> {
    return knex.transaction(async (trx) => {
      const rows = (await trx('webhook_events')
        .whereNull('delivered_at')
        .whereNotNull('next_attempt_at')
        .where('next_attempt_at', '<=', trx.fn.now())
        .orderBy('next_attempt_at')
        .limit(20)
        .forUpdate()
        .skipLocked()
        .select('id', 'type', 'data', 'attempts')) as EventRow[];
      if (rows.length > 0) {
        await trx('webhook_events')
          .whereIn(
            'id',
            rows.map((row) => row.id),
          )
          .update({ next_attempt_at: trx.raw(`now() + interval '${timeoutMs * 2} milliseconds'`) });
      }
      return rows;
    });
  }

  async function deliver(event: EventRow): Promise<void> {
    const body = { id: event.id, type: event.type, data: event.data };
    const attempts = event.attempts + 1;
    let status: number | undefined;
    let error: string | undefined;
    try {
      const response = await fetch(deps.webhookUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'rafiki-signature': signWebhook(body, deps.secret) },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
      status = response.status;
      await response.arrayBuffer().catch(() => undefined);
      if (status !== 200) error = `answered ${status}`;
    } catch (cause) {
      error = cause instanceof Error ? cause.message : String(cause);
    }
    if (!error) {
      await knex('webhook_events').where('id', event.id).update({
        attempts,
        status_code: status,
        delivered_at: knex.fn.now(),
        next_attempt_at: null,
        last_error: null,
      });
      return;
    }
    logger.warn({ event: event.id, type: event.type, attempts, error }, 'webhook delivery failed');
    const backoffMs = Math.min(10 * 60_000, 1_000 * 2 ** (attempts - 1));
    await knex('webhook_events')
      .where('id', event.id)
      .update({
        attempts,
        status_code: status ?? null,
        last_error: error,
        next_attempt_at: attempts >= maxAttempts ? null : knex.raw(`now() + interval '${backoffMs} milliseconds'`),
      });
  }

  async function drain(): Promise<void> {
    do {
      again = false;
      const events = await claim().catch((error: unknown) => {
        logger.warn({ err: error }, 'claiming webhook events failed');
        return [];
      });
      await Promise.all(
        events.map((event) => deliver(event).catch((e: unknown) => logger.error({ err: e }, 'webhook'))),
      );
      if (events.length > 0) again = true;
    } while (again && !stopped);
  }

  function wake(): void {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = drain().finally(() => (running = undefined));
  }

  return {
    wake,
    start(): void {
      if (!stopped) return;
      stopped = false;
      const tick = () => {
        wake();
        timer = setTimeout(tick, deps.pollIntervalMs ?? 1_000);
        timer.unref();
      };
      tick();
    },
    async stop(): Promise<void> {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
