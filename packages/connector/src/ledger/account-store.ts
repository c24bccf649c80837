// SQL on ledger_accounts shared by the API transfers and the packet group commit: rows are always locked in id
// order (so two transactions, or two connector processes, never deadlock on each other), and changed with one
// statement per call whatever the number of accounts.
import type { Knex } from 'knex';
import { fromDbAmount } from '../amounts';
import type { AccountState } from './balance-rules';
import type { LedgerAccount, LedgerAccountKind } from './ledger-types';

export interface AccountRow {
  id: string;
  asset_id: string;
  kind: LedgerAccountKind;
  owner_id: string | null;
  balance: string;
  debits_pending: string;
  credits_pending: string;
  min_balance: string | null;
  max_balance: string | null;
  created_at: Date;
}

export function toAccountState(row: AccountRow): AccountState {
  return {
    id: row.id,
    assetId: row.asset_id,
    balance: fromDbAmount(row.balance),
    debitsPending: fromDbAmount(row.debits_pending),
    creditsPending: fromDbAmount(row.credits_pending),
    minBalance: fromDbAmount(row.min_balance, true),
    maxBalance: fromDbAmount(row.max_balance, true),
  };
}

export function toLedgerAccount(row: AccountRow): LedgerAccount {
  return {
    id: row.id,
    assetId: row.asset_id,
    kind: row.kind,
    ownerId: row.owner_id,
    minBalance: fromDbAmount(row.min_balance, true),
    maxBalance: fromDbAmount(row.max_balance, true),
    createdAt: row.created_at,
  };
}

/** Locks the accounts FOR UPDATE in id order; ids that do not exist are simply absent from the result. */
export async function lockAccounts(trx: Knex.Transaction, ids: Iterable<string>): Promise<Map<string, AccountState>> {
  const unique = [...new Set(ids)].sort();
  const result = await trx.raw(
    `SELECT id, asset_id, balance, debits_pending, credits_pending, min_balance, max_balance
       FROM ledger_accounts WHERE id = ANY(?::uuid[]) ORDER BY id FOR UPDATE`,
    [unique],
  );
  const accounts = new Map<string, AccountState>();
  for (const row of result.rows as AccountRow[]) accounts.set(row.id, toAccountState(row));
  return accounts;
}

export interface AccountChange {
  id: string;
  balance: bigint;
  debitsPending: bigint;
  creditsPending: bigint;
}

/** A piece of SQL and its bindings, to be composed into one statement. */
export interface SqlFragment {
  sql: string;
  bindings: Knex.Value[];
}

/**
 * The data-modifying CTE `account_changes` adding each change's deltas to its account (zero changes skipped), applied
 * only where the SQL `condition` holds (one statement can then gate its writes on what it checked or inserted).
 */
export function accountChangesCte(
  changes: readonly AccountChange[],
  condition = 'true',
): SqlFragment & {
  empty: boolean;
} {
  const effective = changes.filter((c) => c.balance !== 0n || c.debitsPending !== 0n || c.creditsPending !== 0n);
  return {
    empty: effective.length === 0,
    sql: `account_changes AS (
       UPDATE ledger_accounts AS a
          SET balance = a.balance + v.balance,
              debits_pending = a.debits_pending + v.debits_pending,
              credits_pending = a.credits_pending + v.credits_pending
         FROM unnest(?::uuid[], ?::numeric[], ?::numeric[], ?::numeric[])
           AS v(id, balance, debits_pending, credits_pending)
        WHERE a.id = v.id AND (${condition})
       RETURNING 1)`,
    bindings: [
      effective.map((c) => c.id),
      effective.map((c) => c.balance.toString()),
      effective.map((c) => c.debitsPending.toString()),
      effective.map((c) => c.creditsPending.toString()),
    ],
  };
}

/** Adds each change's deltas to its account, in one UPDATE. Zero changes are skipped. */
export async function updateAccounts(trx: Knex.Transaction, changes: readonly AccountChange[]): Promise<void> {
  const accounts = accountChangesCte(changes);
  if (accounts.empty) return;
  await trx.raw(`WITH ${accounts.sql} SELECT 1`, accounts.bindings);
}

/** The change between two states of the same accounts (before/after a batch), ready for updateAccounts. */
export function diffAccounts(
  before: ReadonlyMap<string, AccountState>,
  after: ReadonlyMap<string, AccountState>,
): AccountChange[] {
  const changes: AccountChange[] = [];
  for (const [id, now] of after) {
    const then = before.get(id);
    if (!then) continue;
    changes.push({
      id,
      balance: now.balance - then.balance,
      debitsPending: now.debitsPending - then.debitsPending,
      creditsPending: now.creditsPending - then.creditsPending,
    });
  }
  return changes;
}

export function cloneStates(states: ReadonlyMap<string, AccountState>): Map<string, AccountState> {
  const copy = new Map<string, AccountState>();
  for (const [id, state] of states) copy.set(id, { ...state });
  return copy;
}
