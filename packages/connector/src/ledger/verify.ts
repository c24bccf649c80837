// Checks the ledger's invariants with SQL aggregates. Not used to compute anything: balances are the running rows;
// this is for tests, reconciliation and operators.
import type { Knex } from 'knex';

export interface LedgerViolation {
  invariant: 'asset_sum_zero' | 'balance_matches_journal' | 'pending_matches_holds' | 'within_limits';
  detail: string;
}

export async function verifyLedger(knex: Knex): Promise<LedgerViolation[]> {
  const violations: LedgerViolation[] = [];
  const sums = await knex.raw(
    `SELECT asset_id, sum(balance)::text AS total FROM ledger_accounts GROUP BY asset_id HAVING sum(balance) <> 0`,
  );
  for (const row of sums.rows as Array<{ asset_id: string; total: string }>) {
    violations.push({ invariant: 'asset_sum_zero', detail: `asset ${row.asset_id} sums to ${row.total}` });
  }
  const journal = await knex.raw(
    `WITH movements AS (
       SELECT credit_account_id AS account_id, amount FROM ledger_journal
       UNION ALL SELECT debit_account_id, -amount FROM ledger_journal)
     SELECT a.id, a.balance::text AS balance, coalesce(sum(m.amount), 0)::text AS journal
       FROM ledger_accounts a LEFT JOIN movements m ON m.account_id = a.id
      GROUP BY a.id, a.balance HAVING a.balance <> coalesce(sum(m.amount), 0)`,
  );
  for (const row of journal.rows as Array<{ id: string; balance: string; journal: string }>) {
    violations.push({
      invariant: 'balance_matches_journal',
      detail: `account ${row.id} balance ${row.balance} but journal says ${row.journal}`,
    });
  }
  const pending = await knex.raw(
    `WITH holds AS (
       SELECT debit_account_id AS account_id, amount AS debits, 0::numeric AS credits
         FROM ledger_transfers WHERE state = 'pending'
       UNION ALL SELECT credit_account_id, 0, amount FROM ledger_transfers WHERE state = 'pending'
       UNION ALL SELECT account_id, debits_pending, credits_pending FROM ledger_instance_holds)
     SELECT a.id, a.debits_pending::text AS debits_pending, a.credits_pending::text AS credits_pending,
            coalesce(sum(h.debits), 0)::text AS held_debits, coalesce(sum(h.credits), 0)::text AS held_credits
       FROM ledger_accounts a LEFT JOIN holds h ON h.account_id = a.id
      GROUP BY a.id, a.debits_pending, a.credits_pending
     HAVING a.debits_pending <> coalesce(sum(h.debits), 0) OR a.credits_pending <> coalesce(sum(h.credits), 0)`,
  );
  for (const row of pending.rows as Array<Record<string, string>>) {
    violations.push({
      invariant: 'pending_matches_holds',
      detail:
        `account ${row.id} pending ${row.debits_pending}/${row.credits_pending} ` +
        `but holds sum to ${row.held_debits}/${row.held_credits}`,
    });
  }
  const limits = await knex.raw(
    `SELECT id FROM ledger_accounts
      WHERE (min_balance IS NOT NULL AND balance - debits_pending < min_balance)
         OR (max_balance IS NOT NULL AND balance + credits_pending > max_balance)`,
  );
  for (const row of limits.rows as Array<{ id: string }>) {
    violations.push({ invariant: 'within_limits', detail: `account ${row.id} is outside its limits` });
  }
  return violations;
}
