// Appends posted legs to ledger_journal in one statement (unnest: one parameter per column, any number of rows).
import type { Knex } from 'knex';
import type { Leg } from './ledger-types';

export type JournalKind = 'packet' | 'deposit' | 'withdrawal' | 'transfer';

export interface JournalEntry extends Leg {
  transferId: string;
  /** Position of the leg within its transfer; (transferId, leg) is unique. */
  leg: number;
}

export async function appendJournal(
  trx: Knex.Transaction,
  kind: JournalKind,
  entries: readonly JournalEntry[],
): Promise<void> {
  if (entries.length === 0) return;
  await trx.raw(
    `INSERT INTO ledger_journal (transfer_id, leg, kind, debit_account_id, credit_account_id, amount)
     SELECT v.transfer_id, v.leg, ?, v.debit_account_id, v.credit_account_id, v.amount
       FROM unnest(?::uuid[], ?::smallint[], ?::uuid[], ?::uuid[], ?::numeric[])
         AS v(transfer_id, leg, debit_account_id, credit_account_id, amount)`,
    [
      kind,
      entries.map((e) => e.transferId),
      entries.map((e) => e.leg),
      entries.map((e) => e.debitAccountId),
      entries.map((e) => e.creditAccountId),
      entries.map((e) => e.amount.toString()),
    ],
  );
}
