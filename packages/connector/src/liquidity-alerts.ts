// Low liquidity alerts, as Rafiki's asset.liquidity_low and peer.liquidity_low: an asset's liquidity account or a
// peer's account whose balance fell below its liquidity threshold is announced once per dip. A check compares the
// running balances with the thresholds in one statement (nothing on the packet path), remembering which accounts it
// announced, and forgets one once its balance is back at or above the threshold. Several processes may check at once:
// the remembered row is taken by exactly one of them.
import type { Knex } from 'knex';

export interface LiquidityAlert {
  kind: 'asset' | 'peer';
  /** The asset's or the peer's id. */
  id: string;
  asset: { id: string; code: string; scale: number };
  liquidityThreshold: bigint;
  balance: bigint;
}

/**
 * Told of each new dip inside the transaction that remembers it (record the announcement there, so that the two
 * commit together).
 */
export type LiquidityAlertHandler = (trx: Knex.Transaction, alert: LiquidityAlert) => Promise<void>;

interface LowRow {
  kind: 'asset' | 'peer';
  owner_id: string;
  asset_id: string;
  code: string;
  scale: number;
  threshold: string;
  balance: string;
}

/** Runs one check; resolves with the alerts it announced. */
export async function checkLiquidity(knex: Knex, onLow: LiquidityAlertHandler): Promise<LiquidityAlert[]> {
  return knex.transaction(async (trx) => {
    const result = await trx.raw(
      `WITH low AS (
         SELECT a.id AS account_id, 'asset' AS kind, s.id AS owner_id, s.id AS asset_id, s.code, s.scale,
                s.liquidity_threshold AS threshold, a.balance
           FROM connector_assets AS s
           JOIN ledger_accounts AS a ON a.asset_id = s.id AND a.kind = 'liquidity'
          WHERE s.liquidity_threshold IS NOT NULL AND a.balance < s.liquidity_threshold AND s.deleted_at IS NULL
         UNION ALL
         SELECT a.id, 'peer', p.id, s.id, s.code, s.scale, p.liquidity_threshold, a.balance
           FROM connector_peers AS p
           JOIN connector_assets AS s ON s.id = p.asset_id
           JOIN ledger_accounts AS a ON a.kind = 'peer' AND a.owner_id = p.id::text
          WHERE p.liquidity_threshold IS NOT NULL AND a.balance < p.liquidity_threshold
       ), recovered AS (
         DELETE FROM connector_liquidity_alerts AS x
          WHERE NOT EXISTS (SELECT 1 FROM low WHERE low.account_id = x.account_id)
       ), fresh AS (
         INSERT INTO connector_liquidity_alerts (account_id) SELECT account_id FROM low
         ON CONFLICT (account_id) DO NOTHING
         RETURNING account_id
       )
       SELECT low.kind, low.owner_id, low.asset_id, low.code, low.scale, low.threshold, low.balance
         FROM low JOIN fresh ON fresh.account_id = low.account_id`,
    );
    const alerts = (result.rows as LowRow[]).map((row): LiquidityAlert => ({
      kind: row.kind,
      id: row.owner_id,
      asset: { id: row.asset_id, code: row.code, scale: Number(row.scale) },
      liquidityThreshold: BigInt(row.threshold),
      balance: BigInt(row.balance),
    }));
    for (const alert of alerts) await onLow(trx, alert);
    return alerts;
  });
}
