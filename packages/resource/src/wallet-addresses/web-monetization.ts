// Web Monetization: money paid to a wallet address over SPSP, outside any incoming payment. As Rafiki does, Sluice
// tells the operator in wallet_address.web_monetization events, each announcing what arrived since the last one:
// as soon as that reaches the asset's withdrawalThreshold, or, with a throttle delay, that long after the first
// packet not yet announced (neither set: no events, as in Rafiki). Each SPSP packet adds to a running total in the
// statement that posts its money; a periodic check writes the events that are due.
import type { Knex } from 'knex';
import { isoTimestampSql, WEBHOOK_EVENTS_CHANNEL } from '../webhooks/webhook-events';

export interface WebMonetizationPolicy {
  /** Rafiki's WITHDRAWAL_THROTTLE_DELAY: announce at most this long after money arrived, in ms; undefined: never. */
  throttleDelayMs?: number;
}

/**
 * The CTE `received` adding an SPSP packet's `amount` to its wallet address's total, in the statement that posts the
 * money (`condition` true only when it is posted), and scheduling the announcement the policy asks for.
 */
export function webMonetizationReceiptWrite(
  walletAddressId: string,
  amount: bigint,
  policy: WebMonetizationPolicy,
): (condition: string) => { sql: string; bindings: Knex.Value[] } {
  const throttleSeconds = policy.throttleDelayMs === undefined ? null : policy.throttleDelayMs / 1000;
  return (condition) => ({
    sql: `received AS (
       INSERT INTO web_monetization_totals AS totals (wallet_address_id, received, due_at)
       SELECT wa.id, ?::numeric,
              CASE WHEN assets.withdrawal_threshold IS NOT NULL AND ?::numeric >= assets.withdrawal_threshold THEN now()
                   WHEN ?::double precision IS NOT NULL THEN now() + make_interval(secs => ?::double precision)
              END
         FROM wallet_addresses AS wa
         JOIN connector_assets AS assets ON assets.id = wa.asset_id
        WHERE wa.id = ? AND (${condition})
       ON CONFLICT (wallet_address_id) DO UPDATE
          SET received = totals.received + EXCLUDED.received,
              due_at = CASE
                WHEN totals.received + EXCLUDED.received - totals.announced >= (
                       SELECT assets.withdrawal_threshold
                         FROM wallet_addresses AS wa JOIN connector_assets AS assets ON assets.id = wa.asset_id
                        WHERE wa.id = totals.wallet_address_id)
                  THEN LEAST(COALESCE(totals.due_at, now()), now())
                WHEN totals.due_at IS NULL THEN EXCLUDED.due_at
                ELSE totals.due_at
              END
       RETURNING totals.received)`,
    bindings: [amount.toString(), amount.toString(), throttleSeconds, throttleSeconds, walletAddressId],
  });
}

/**
 * Writes the wallet_address.web_monetization events that are due, Rafiki's payload: `{ walletAddress: { id,
 * createdAt, receivedAmount } }`, receivedAmount being what arrived since the previous event. Rows are claimed with
 * SKIP LOCKED, so processes checking at once announce each amount once. Resolves with the number of events written.
 */
export async function announceDueWebMonetization(knex: Knex, limit = 100): Promise<number> {
  const result = await knex.raw(
    `WITH due AS (
       SELECT wallet_address_id, received, announced
         FROM web_monetization_totals
        WHERE due_at <= now()
        ORDER BY due_at
        LIMIT ?
          FOR UPDATE SKIP LOCKED
     ), marked AS (
       UPDATE web_monetization_totals AS totals
          SET announced = due.received, due_at = NULL
         FROM due
        WHERE totals.wallet_address_id = due.wallet_address_id
     ), events AS (
       INSERT INTO webhook_events (id, type, data)
       SELECT gen_random_uuid(), 'wallet_address.web_monetization',
              jsonb_build_object('walletAddress', jsonb_build_object(
                'id', wa.id,
                'createdAt', ${isoTimestampSql('wa.created_at')},
                'receivedAmount', jsonb_build_object(
                  'value', (due.received - due.announced)::text,
                  'assetCode', assets.code,
                  'assetScale', assets.scale)))
         FROM due
         JOIN wallet_addresses AS wa ON wa.id = due.wallet_address_id
         JOIN connector_assets AS assets ON assets.id = wa.asset_id
        WHERE due.received > due.announced
       RETURNING id
     )
     SELECT count(*)::int AS written, (SELECT pg_notify(?, '') FROM events LIMIT 1) AS notified FROM events`,
    [limit, WEBHOOK_EVENTS_CHANNEL],
  );
  return (result.rows as { written: number }[])[0]?.written ?? 0;
}

/** Announces due Web Monetization every `intervalMs` until stopped. */
export function createWebMonetizationAnnouncer(deps: {
  knex: Knex;
  intervalMs: number;
  onError: (error: unknown) => void;
}) {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;
  let stopped = true;
  const schedule = () => {
    timer = setTimeout(tick, deps.intervalMs);
    timer.unref();
  };
  const tick = () => {
    running = announceDueWebMonetization(deps.knex)
      .catch(deps.onError)
      .finally(() => {
        running = undefined;
        if (!stopped) schedule();
      });
  };
  return {
    start(): void {
      if (!stopped) return;
      stopped = false;
      schedule();
    },
    async stop(): Promise<void> {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
