// Appends posted legs to ledger_journal in one statement.
import type { Knex } from 'knex';
import type { SqlFragment } from './account-store';
import type { Leg } from './ledger-types';

export type JournalKind = 'packet' | 'deposit' | 'withdrawal' | 'transfer';

export interface JournalEntry extends Leg {
  transferId: string;
  /** Position of the leg within its transfer; (transferId, leg) is unique. */
  leg: number;
}

/**
 * The data-modifying CTE `journal_rows` appending posted legs (unnest: one parameter per column, any number of rows),
 * written only where the SQL `condition` holds.
 */
export function journalRowsCte(kind: JournalKind, entries: readonly JournalEntry[], condition = 'true'): SqlFragment {
  return {
    sql: `journal_rows AS (
       INSERT INTO ledger_journal (transfer_id, leg, kind, debit_account_id, credit_account_id, amount)
       SELECT v.transfer_id, v.leg, ?, v.debit_account_id, v.credit_account_id, v.amount
         FROM unnest(?::uuid[], ?::smallint[], ?::uuid[], ?::uuid[], ?::numeric[])
           AS v(transfer_id, leg, debit_account_id, credit_account_id, amount)
        WHERE ${condition}
       RETURNING 1)`,
    bindings: [
      kind,
      entries.map((e) => e.transferId),
      entries.map((e) => e.leg),
      entries.map((e) => e.debitAccountId),
      entries.map((e) => e.creditAccountId),
      entries.map((e) => e.amount.toString()),
    ],
  };
}

export async function appendJournal(
  trx: Knex.Transaction,
  kind: JournalKind,
  entries: readonly JournalEntry[],
): Promise<void> {
  if (entries.length === 0) return;
  const journal = journalRowsCte(kind, entries);
  await trx.raw(`WITH ${journal.sql} SELECT 1`, journal.bindings);
}
