// The SQL of a packet batch, each statement one round trip whatever the batch size: the whole batch at once when every
// hold fits, otherwise lock then write inside a transaction.
import type { Knex } from 'knex';
import {
  accountChangesCte,
  toAccountState,
  type AccountChange,
  type AccountRow,
  type SqlFragment,
} from './account-store';
import type { AccountHold, AccountState } from './balance-rules';
import { journalRowsCte, type JournalEntry } from './journal';

/**
 * Share-locks this instance's registration, then locks the accounts FOR UPDATE in id order. The registration check
 * is an uncorrelated EXISTS, which PostgreSQL runs once before scanning accounts, so the lock order is the same as
 * a release's (instance, then accounts) and the two never deadlock. Undefined when the instance is not registered
 * (declared dead and its holds released).
 */
export async function lockBatchAccounts(
  trx: Knex.Transaction,
  instanceId: string,
  accountIds: Iterable<string>,
): Promise<Map<string, AccountState> | undefined> {
  const ids = [...new Set(accountIds)].sort();
  const result = await trx.raw(
    `WITH alive AS MATERIALIZED (SELECT id FROM ledger_instances WHERE id = ? FOR SHARE)
     SELECT a.id, a.asset_id, a.balance, a.debits_pending, a.credits_pending, a.min_balance, a.max_balance
       FROM ledger_accounts AS a
      WHERE a.id = ANY(?::uuid[]) AND EXISTS (SELECT 1 FROM alive)
      ORDER BY a.id
        FOR UPDATE OF a`,
    [instanceId, ids],
  );
  const rows = result.rows as AccountRow[];
  if (rows.length === 0) {
    // No rows: either none of the accounts exists, or the instance is gone. Rare; ask.
    const alive = await trx.raw('SELECT 1 FROM ledger_instances WHERE id = ? FOR SHARE', [instanceId]);
    if (alive.rows.length === 0) return undefined;
  }
  const accounts = new Map<string, AccountState>();
  for (const row of rows) accounts.set(row.id, toAccountState(row));
  return accounts;
}

export interface BatchChanges {
  instanceId: string;
  accounts: readonly AccountChange[];
  /** Signed change of this instance's open holds per account. */
  instanceHolds: ReadonlyMap<string, AccountHold>;
  journal: readonly JournalEntry[];
}

/**
 * The data-modifying CTE `hold_changes` adding this instance's open holds per account (zero changes skipped), written
 * only where the SQL `condition` holds.
 */
function instanceHoldsCte(
  instanceId: string,
  instanceHolds: ReadonlyMap<string, AccountHold>,
  condition: string,
): SqlFragment & { empty: boolean } {
  const holds = [...instanceHolds].filter(([, hold]) => hold.debit !== 0n || hold.credit !== 0n);
  return {
    empty: holds.length === 0,
    sql: `hold_changes AS (
       INSERT INTO ledger_instance_holds (instance_id, account_id, debits_pending, credits_pending)
       SELECT ?::uuid, v.account_id, v.debits, v.credits
         FROM unnest(?::uuid[], ?::numeric[], ?::numeric[]) AS v(account_id, debits, credits)
        WHERE ${condition}
       ON CONFLICT (instance_id, account_id) DO UPDATE
         SET debits_pending = ledger_instance_holds.debits_pending + excluded.debits_pending,
             credits_pending = ledger_instance_holds.credits_pending + excluded.credits_pending
       RETURNING 1)`,
    bindings: [
      instanceId,
      holds.map(([accountId]) => accountId),
      holds.map(([, hold]) => hold.debit.toString()),
      holds.map(([, hold]) => hold.credit.toString()),
    ],
  };
}

/** The batch's writes as the CTEs of one statement, each applied only where `condition` holds. */
function batchChangeCtes(changes: BatchChanges, condition = 'true') {
  const accounts = accountChangesCte(changes.accounts, condition);
  const holds = instanceHoldsCte(changes.instanceId, changes.instanceHolds, condition);
  const journal = journalRowsCte('packet', changes.journal, condition);
  return {
    empty: accounts.empty && holds.empty && changes.journal.length === 0,
    sql: `${accounts.sql}, ${holds.sql}, ${journal.sql}`,
    bindings: [...accounts.bindings, ...holds.bindings, ...journal.bindings],
  };
}

/** Account deltas, this instance's hold totals and the journal rows, in one statement (data-modifying CTEs). */
export async function writeBatchChanges(trx: Knex.Transaction, changes: BatchChanges): Promise<void> {
  const writes = batchChangeCtes(changes);
  if (writes.empty) return;
  await trx.raw(`WITH ${writes.sql} SELECT 1`, writes.bindings);
}

/**
 * SQL true when every leg's two accounts are among `accounts` (a CTE with id and asset_id) and share an asset: double
 * entry holds within each asset.
 */
function legsWithinOneAsset(
  legs: readonly { debitAccountId: string; creditAccountId: string }[],
  accounts: string,
): SqlFragment {
  return {
    sql: `NOT EXISTS (
            SELECT 1 FROM unnest(?::uuid[], ?::uuid[]) AS l(debit_account_id, credit_account_id)
              LEFT JOIN ${accounts} AS d ON d.id = l.debit_account_id
              LEFT JOIN ${accounts} AS c ON c.id = l.credit_account_id
             WHERE d.asset_id IS NULL OR d.asset_id IS DISTINCT FROM c.asset_id)`,
    bindings: [legs.map((leg) => leg.debitAccountId), legs.map((leg) => leg.creditAccountId)],
  };
}

export interface UncheckedBatch extends BatchChanges {
  /** Every account the batch names (legs of its holds and accounts it changes): all must exist, and are locked. */
  accountIds: readonly string[];
  /** The legs of the batch's holds: each must stay within one asset. */
  legs: readonly { debitAccountId: string; creditAccountId: string }[];
}

/**
 * A whole batch in one autocommit statement, without reading the accounts first. It locks every account it names in
 * id order (as lockBatchAccounts does), and writes only when this instance is registered, all those accounts exist
 * and every leg stays within one asset; the rows' CHECK constraints refuse any hold that does not fit, failing the
 * statement. True when it wrote the batch; false (nothing written) when a precondition did not hold.
 */
export async function writeBatchAtOnce(knex: Knex, batch: UncheckedBatch): Promise<boolean> {
  const ids = [...new Set(batch.accountIds)].sort();
  const writes = batchChangeCtes(batch, '(SELECT ok FROM checked)');
  const sameAsset = legsWithinOneAsset(batch.legs, 'locked');
  const result = await knex.raw(
    `WITH alive AS MATERIALIZED (SELECT id FROM ledger_instances WHERE id = ? FOR SHARE),
     locked AS MATERIALIZED (
       SELECT a.id, a.asset_id FROM ledger_accounts AS a
        WHERE a.id = ANY(?::uuid[]) AND EXISTS (SELECT 1 FROM alive)
        ORDER BY a.id
          FOR UPDATE OF a),
     checked AS MATERIALIZED (
       SELECT EXISTS (SELECT 1 FROM alive)
          AND (SELECT count(*) FROM locked) = ?
          AND ${sameAsset.sql} AS ok),
     ${writes.sql}
     SELECT (SELECT ok FROM checked) AS ok`,
    [batch.instanceId, ids, ids.length, ...sameAsset.bindings, ...writes.bindings],
  );
  return (result.rows as { ok: boolean }[])[0]?.ok === true;
}

/**
 * What a local receiver writes together with the money of its packet: data-modifying CTEs, applied only where the SQL
 * `condition` holds, one of which is named `settled`. The money moves exactly when `settled` returns a row.
 */
export type SettlementWrite = (condition: string) => SqlFragment;

export interface TransferWithWrite {
  /** The accounts the transfer changes (locked in id order before anything else is), with their deltas. */
  accounts: readonly AccountChange[];
  journal: readonly JournalEntry[];
  /** The legs: every account they name must exist, and each leg stay within one asset. */
  legs: readonly { debitAccountId: string; creditAccountId: string }[];
  write: SettlementWrite;
}

/**
 * A packet's legs moved (held and posted at once: nothing is pending) together with a local receiver's own write, in
 * one autocommit statement, so that neither commits without the other. Locks the changed accounts in id order (as
 * every batch does; an account a leg names but the transfer nets to zero, like a liquidity account within one asset,
 * is only read, so local deliveries do not queue on it), and only then runs the receiver's write (which may lock its
 * own rows: accounts are always locked first, so two of these never deadlock). The money is written only when that
 * write returned a row; the rows' CHECK constraints refuse a transfer the accounts cannot take (the statement then
 * fails with 23514 and nothing is written). Returns the `settled` rows (none: nothing written).
 */
export async function writeTransferWith(knex: Knex, transfer: TransferWithWrite): Promise<Record<string, unknown>[]> {
  const changed = [...new Set(transfer.accounts.map((account) => account.id))].sort();
  const named = [...new Set(transfer.legs.flatMap((leg) => [leg.debitAccountId, leg.creditAccountId]))];
  const receiverWrite = transfer.write('(SELECT ok FROM ready)');
  const accounts = accountChangesCte(transfer.accounts, 'EXISTS (SELECT 1 FROM settled)');
  const journal = journalRowsCte('packet', transfer.journal, 'EXISTS (SELECT 1 FROM settled)');
  const sameAsset = legsWithinOneAsset(transfer.legs, 'named');
  const result = await knex.raw(
    `WITH locked AS MATERIALIZED (
       SELECT a.id FROM ledger_accounts AS a WHERE a.id = ANY(?::uuid[]) ORDER BY a.id FOR UPDATE OF a),
     named AS MATERIALIZED (SELECT a.id, a.asset_id FROM ledger_accounts AS a WHERE a.id = ANY(?::uuid[])),
     ready AS MATERIALIZED (
       SELECT (SELECT count(*) FROM locked) = ?
          AND (SELECT count(*) FROM named) = ?
          AND ${sameAsset.sql} AS ok),
     ${receiverWrite.sql},
     ${accounts.sql},
     ${journal.sql}
     SELECT * FROM settled`,
    [
      changed,
      named,
      changed.length,
      named.length,
      ...sameAsset.bindings,
      ...receiverWrite.bindings,
      ...accounts.bindings,
      ...journal.bindings,
    ],
  );
  return result.rows as Record<string, unknown>[];
}
