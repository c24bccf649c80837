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
import { journalRowsCte, type JournalEntry, type JournalKind } from './journal';
import type { LedgerAccountKind, Leg, TransferKind } from './ledger-types';
import { toDbAmount } from '../amounts';

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

/** An account a transfer statement creates, holding `balance` from the start (the transfer's credit to it). */
export interface NewAccountRow {
  id: string;
  assetId: string;
  kind: LedgerAccountKind;
  ownerId: string;
  balance: bigint;
  minBalance: bigint | null;
  maxBalance: bigint | null;
}

export interface TransferWithWrite {
  /** The accounts the transfer changes (locked in id order before anything else is), with their deltas. */
  accounts: readonly AccountChange[];
  /**
   * Accounts the statement creates (a statement's CTEs cannot change a row another of them inserts, so each starts
   * with its balance). A leg may name them; they are written with the money, gated like it.
   */
  newAccounts?: readonly NewAccountRow[];
  journal: readonly JournalEntry[];
  /** The journal rows' kind; packets by default. */
  journalKind?: JournalKind;
  /** An API transfer's own record (ledger_transfers), written posted with the money. */
  record?: { id: string; kind: TransferKind; leg: Leg };
  /** The legs: every account they name must exist, and each leg stay within one asset. */
  legs: readonly { debitAccountId: string; creditAccountId: string }[];
  write: SettlementWrite;
}

/** The data-modifying CTE `new_accounts` inserting `accounts` with their starting balances where `condition` holds. */
function newAccountsCte(accounts: readonly NewAccountRow[], condition: string): SqlFragment {
  return {
    sql: `new_accounts AS (
       INSERT INTO ledger_accounts (id, asset_id, kind, owner_id, balance, min_balance, max_balance)
       SELECT v.id, v.asset_id, v.kind, v.owner_id, v.balance, v.min_balance, v.max_balance
         FROM unnest(?::uuid[], ?::uuid[], ?::text[], ?::text[], ?::numeric[], ?::numeric[], ?::numeric[])
           AS v(id, asset_id, kind, owner_id, balance, min_balance, max_balance)
        WHERE ${condition}
       RETURNING 1)`,
    bindings: [
      accounts.map((a) => a.id),
      accounts.map((a) => a.assetId),
      accounts.map((a) => a.kind),
      accounts.map((a) => a.ownerId),
      accounts.map((a) => a.balance.toString()),
      accounts.map((a) => toDbAmount(a.minBalance)) as Knex.Value,
      accounts.map((a) => toDbAmount(a.maxBalance)) as Knex.Value,
    ],
  };
}

/** The data-modifying CTE `transfer_record` writing an API transfer's posted record where `condition` holds. */
function transferRecordCte(record: { id: string; kind: TransferKind; leg: Leg }, condition: string): SqlFragment {
  return {
    sql: `transfer_record AS (
       INSERT INTO ledger_transfers (id, kind, debit_account_id, credit_account_id, amount, state, resolved_at)
       SELECT ?, ?, ?, ?, ?, 'posted', now() WHERE ${condition}
       RETURNING 1)`,
    bindings: [
      record.id,
      record.kind,
      record.leg.debitAccountId,
      record.leg.creditAccountId,
      record.leg.amount.toString(),
    ],
  };
}

/**
 * A transfer's legs moved (held and posted at once: nothing is pending) together with the caller's own write (a
 * local receiver's credit, a payment row), in one autocommit statement, so that neither commits without the other.
 * Locks the changed accounts in id order (as every batch does; an account a leg names but the transfer nets to zero,
 * like a liquidity account within one asset, is only read, so local deliveries do not queue on it), and only then
 * runs the caller's write (which may lock its own rows: accounts are always locked first, so two of these never
 * deadlock). The money, new accounts and record are written only when that write returned a row; the rows' CHECK
 * constraints refuse a transfer the accounts cannot take (the statement then fails with 23514 and nothing is
 * written). Returns the `settled` rows (none: nothing written).
 */
export async function writeTransferWith(knex: Knex, transfer: TransferWithWrite): Promise<Record<string, unknown>[]> {
  const created = transfer.newAccounts ?? [];
  const changed = [...new Set(transfer.accounts.map((account) => account.id))].sort();
  const createdIds = new Set(created.map((account) => account.id));
  const named = [
    ...new Set(
      transfer.legs.flatMap((leg) => [leg.debitAccountId, leg.creditAccountId]).filter((id) => !createdIds.has(id)),
    ),
  ];
  const written = 'EXISTS (SELECT 1 FROM settled)';
  const callerWrite = transfer.write('(SELECT ok FROM ready)');
  const accounts = accountChangesCte(transfer.accounts, written);
  const journal = journalRowsCte(transfer.journalKind ?? 'packet', transfer.journal, written);
  const extra = [
    ...(created.length > 0 ? [newAccountsCte(created, written)] : []),
    ...(transfer.record ? [transferRecordCte(transfer.record, written)] : []),
  ];
  // New accounts count as named with their asset; looked up too, so that one that exists already fails the count.
  const namedNew =
    created.length > 0 ? ' UNION ALL SELECT n.id, n.asset_id FROM unnest(?::uuid[], ?::uuid[]) AS n(id, asset_id)' : '';
  const sameAsset = legsWithinOneAsset(transfer.legs, 'named');
  const result = await knex.raw(
    `WITH locked AS MATERIALIZED (
       SELECT a.id FROM ledger_accounts AS a WHERE a.id = ANY(?::uuid[]) ORDER BY a.id FOR UPDATE OF a),
     named AS MATERIALIZED (
       SELECT a.id, a.asset_id FROM ledger_accounts AS a WHERE a.id = ANY(?::uuid[])${namedNew}),
     ready AS MATERIALIZED (
       SELECT (SELECT count(*) FROM locked) = ?
          AND (SELECT count(*) FROM named) = ?
          AND ${sameAsset.sql} AS ok),
     ${callerWrite.sql},
     ${accounts.sql},
     ${journal.sql}${extra.map((cte) => `,\n     ${cte.sql}`).join('')}
     SELECT * FROM settled`,
    [
      changed,
      [...named, ...created.map((account) => account.id)],
      ...(created.length > 0 ? [created.map((a) => a.id), created.map((a) => a.assetId)] : []),
      changed.length,
      named.length + created.length,
      ...sameAsset.bindings,
      ...callerWrite.bindings,
      ...accounts.bindings,
      ...journal.bindings,
      ...extra.flatMap((cte) => cte.bindings),
    ],
  );
  return result.rows as Record<string, unknown>[];
}

export interface SweepWithWrite {
  transferId: string;
  /** The account swept. */
  fromAccountId: string;
  /** Where what `from` holds above `keep` goes; none: nothing moves (the caller only reads what `from` holds). */
  toAccountId?: string;
  /** What stays in `from`. */
  keep: bigint;
  /**
   * The caller's data-modifying CTEs, applied only where the SQL condition holds, one named `settled`. They may read
   * the CTE `swept`: one row, `available` (what `from` held, balance less pending debits) and `amount` (what moves).
   */
  write: SettlementWrite;
}

/**
 * Moves whatever `from` holds above `keep` to `to` — an amount only known under the accounts' locks — together with
 * the caller's write, in one autocommit statement (the API transfer's record and journal leg included). Locks both
 * accounts in id order first; the money moves only when `settled` returned a row and there is something to move.
 * Returns the `settled` rows (none: nothing written, e.g. an account is missing or they differ in asset).
 */
export async function writeSweepWith(knex: Knex, sweep: SweepWithWrite): Promise<Record<string, unknown>[]> {
  const to = sweep.toAccountId ?? null;
  const ids = [...new Set([sweep.fromAccountId, ...(to ? [to] : [])])].sort();
  const callerWrite = sweep.write('(SELECT ok FROM ready)');
  const moves = 'EXISTS (SELECT 1 FROM settled) AND (SELECT amount FROM swept) > 0';
  const result = await knex.raw(
    `WITH locked AS MATERIALIZED (
       SELECT a.id, a.asset_id, a.balance - a.debits_pending AS available
         FROM ledger_accounts AS a WHERE a.id = ANY(?::uuid[]) ORDER BY a.id FOR UPDATE OF a),
     swept AS MATERIALIZED (
       SELECT f.available,
              CASE WHEN ?::uuid IS NULL THEN 0 ELSE greatest(f.available - ?::numeric, 0) END AS amount
         FROM locked AS f WHERE f.id = ?),
     ready AS MATERIALIZED (
       SELECT (SELECT count(*) FROM locked) = ? AND (SELECT count(DISTINCT asset_id) FROM locked) = 1 AS ok),
     ${callerWrite.sql},
     account_changes AS (
       UPDATE ledger_accounts AS a
          SET balance = a.balance + CASE WHEN a.id = ?::uuid THEN -s.amount ELSE s.amount END
         FROM swept AS s
        WHERE a.id = ANY(?::uuid[]) AND ${moves}
       RETURNING 1),
     journal_rows AS (
       INSERT INTO ledger_journal (transfer_id, leg, kind, debit_account_id, credit_account_id, amount)
       SELECT ?, 0, 'transfer', ?, ?, s.amount FROM swept AS s WHERE ${moves}
       RETURNING 1),
     transfer_record AS (
       INSERT INTO ledger_transfers (id, kind, debit_account_id, credit_account_id, amount, state, resolved_at)
       SELECT ?, 'transfer', ?, ?, s.amount, 'posted', now() FROM swept AS s WHERE ${moves}
       RETURNING 1)
     SELECT * FROM settled`,
    [
      ids,
      to,
      sweep.keep.toString(),
      sweep.fromAccountId,
      ids.length,
      ...callerWrite.bindings,
      sweep.fromAccountId,
      ids,
      sweep.transferId,
      sweep.fromAccountId,
      to,
      sweep.transferId,
      sweep.fromAccountId,
      to,
    ],
  );
  return result.rows as Record<string, unknown>[];
}
