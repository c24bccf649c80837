// The two statements of a packet batch (besides BEGIN/COMMIT), each one round trip whatever the batch size.
import type { Knex } from 'knex';
import { toAccountState, type AccountChange, type AccountRow } from './account-store';
import type { AccountHold, AccountState } from './balance-rules';
import type { JournalEntry } from './journal';

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

/** Account deltas, this instance's hold totals and the journal rows, in one statement (data-modifying CTEs). */
export async function writeBatchChanges(trx: Knex.Transaction, changes: BatchChanges): Promise<void> {
  const accounts = changes.accounts.filter(
    (c) => c.balance !== 0n || c.debitsPending !== 0n || c.creditsPending !== 0n,
  );
  const holds = [...changes.instanceHolds].filter(([, hold]) => hold.debit !== 0n || hold.credit !== 0n);
  const journal = changes.journal;
  if (accounts.length === 0 && holds.length === 0 && journal.length === 0) return;
  await trx.raw(
    `WITH account_changes AS (
       UPDATE ledger_accounts AS a
          SET balance = a.balance + v.balance,
              debits_pending = a.debits_pending + v.debits_pending,
              credits_pending = a.credits_pending + v.credits_pending
         FROM unnest(?::uuid[], ?::numeric[], ?::numeric[], ?::numeric[])
           AS v(id, balance, debits_pending, credits_pending)
        WHERE a.id = v.id
       RETURNING 1),
     hold_changes AS (
       INSERT INTO ledger_instance_holds (instance_id, account_id, debits_pending, credits_pending)
       SELECT ?::uuid, v.account_id, v.debits, v.credits
         FROM unnest(?::uuid[], ?::numeric[], ?::numeric[]) AS v(account_id, debits, credits)
       ON CONFLICT (instance_id, account_id) DO UPDATE
         SET debits_pending = ledger_instance_holds.debits_pending + excluded.debits_pending,
             credits_pending = ledger_instance_holds.credits_pending + excluded.credits_pending
       RETURNING 1),
     journal_rows AS (
       INSERT INTO ledger_journal (transfer_id, leg, kind, debit_account_id, credit_account_id, amount)
       SELECT v.transfer_id, v.leg, 'packet', v.debit_account_id, v.credit_account_id, v.amount
         FROM unnest(?::uuid[], ?::smallint[], ?::uuid[], ?::uuid[], ?::numeric[])
           AS v(transfer_id, leg, debit_account_id, credit_account_id, amount)
       RETURNING 1)
     SELECT (SELECT count(*) FROM account_changes) AS accounts`,
    [
      accounts.map((c) => c.id),
      accounts.map((c) => c.balance.toString()),
      accounts.map((c) => c.debitsPending.toString()),
      accounts.map((c) => c.creditsPending.toString()),
      changes.instanceId,
      holds.map(([accountId]) => accountId),
      holds.map(([, hold]) => hold.debit.toString()),
      holds.map(([, hold]) => hold.credit.toString()),
      journal.map((e) => e.transferId),
      journal.map((e) => e.leg),
      journal.map((e) => e.debitAccountId),
      journal.map((e) => e.creditAccountId),
      journal.map((e) => e.amount.toString()),
    ],
  );
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
  const accounts = batch.accounts.filter((c) => c.balance !== 0n || c.debitsPending !== 0n || c.creditsPending !== 0n);
  const holds = [...batch.instanceHolds].filter(([, hold]) => hold.debit !== 0n || hold.credit !== 0n);
  const journal = batch.journal;
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
          AND NOT EXISTS (
            SELECT 1 FROM unnest(?::uuid[], ?::uuid[]) AS l(debit_account_id, credit_account_id)
              LEFT JOIN locked AS d ON d.id = l.debit_account_id
              LEFT JOIN locked AS c ON c.id = l.credit_account_id
             WHERE d.asset_id IS NULL OR d.asset_id IS DISTINCT FROM c.asset_id) AS ok),
     account_changes AS (
       UPDATE ledger_accounts AS a
          SET balance = a.balance + v.balance,
              debits_pending = a.debits_pending + v.debits_pending,
              credits_pending = a.credits_pending + v.credits_pending
         FROM unnest(?::uuid[], ?::numeric[], ?::numeric[], ?::numeric[])
           AS v(id, balance, debits_pending, credits_pending)
        WHERE a.id = v.id AND (SELECT ok FROM checked)
       RETURNING 1),
     hold_changes AS (
       INSERT INTO ledger_instance_holds (instance_id, account_id, debits_pending, credits_pending)
       SELECT ?::uuid, v.account_id, v.debits, v.credits
         FROM unnest(?::uuid[], ?::numeric[], ?::numeric[]) AS v(account_id, debits, credits)
        WHERE (SELECT ok FROM checked)
       ON CONFLICT (instance_id, account_id) DO UPDATE
         SET debits_pending = ledger_instance_holds.debits_pending + excluded.debits_pending,
             credits_pending = ledger_instance_holds.credits_pending + excluded.credits_pending
       RETURNING 1),
     journal_rows AS (
       INSERT INTO ledger_journal (transfer_id, leg, kind, debit_account_id, credit_account_id, amount)
       SELECT v.transfer_id, v.leg, 'packet', v.debit_account_id, v.credit_account_id, v.amount
         FROM unnest(?::uuid[], ?::smallint[], ?::uuid[], ?::uuid[], ?::numeric[])
           AS v(transfer_id, leg, debit_account_id, credit_account_id, amount)
        WHERE (SELECT ok FROM checked)
       RETURNING 1)
     SELECT (SELECT ok FROM checked) AS ok,
            (SELECT count(*) FROM account_changes) AS accounts,
            (SELECT count(*) FROM hold_changes) AS holds,
            (SELECT count(*) FROM journal_rows) AS journal`,
    [
      batch.instanceId,
      ids,
      ids.length,
      batch.legs.map((leg) => leg.debitAccountId),
      batch.legs.map((leg) => leg.creditAccountId),
      accounts.map((c) => c.id),
      accounts.map((c) => c.balance.toString()),
      accounts.map((c) => c.debitsPending.toString()),
      accounts.map((c) => c.creditsPending.toString()),
      batch.instanceId,
      holds.map(([accountId]) => accountId),
      holds.map(([, hold]) => hold.debit.toString()),
      holds.map(([, hold]) => hold.credit.toString()),
      journal.map((e) => e.transferId),
      journal.map((e) => e.leg),
      journal.map((e) => e.debitAccountId),
      journal.map((e) => e.creditAccountId),
      journal.map((e) => e.amount.toString()),
    ],
  );
  return (result.rows as { ok: boolean }[])[0]?.ok === true;
}
