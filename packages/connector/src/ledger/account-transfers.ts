// An account's latest movements (Rafiki's accountingTransfers): its posted legs from the journal and its pending
// two-phase transfers that have not expired, newest first. Voided transfers moved nothing and are not listed.
import type { Knex } from 'knex';
import type { JournalKind } from './journal';

export interface AccountTransfer {
  /** The transfer's id (a packet's, or the caller's for deposits, withdrawals and transfers). */
  transferId: string;
  /** Position of the leg within its transfer (0 for every transfer made through the API). */
  leg: number;
  kind: JournalKind;
  debitAccountId: string;
  creditAccountId: string;
  amount: bigint;
  state: 'posted' | 'pending';
  createdAt: Date;
  /** A two-phase transfer's deadline. */
  expiresAt: Date | null;
}

export interface AccountTransfers {
  /** Movements out of the account, newest first. */
  debits: AccountTransfer[];
  /** Movements into it, newest first. */
  credits: AccountTransfer[];
}

interface Row {
  transfer_id: string;
  leg: number;
  kind: JournalKind;
  debit_account_id: string;
  credit_account_id: string;
  amount: string;
  state: 'posted' | 'pending';
  created_at: Date;
  expires_at: Date | null;
}

/**
 * The `limit` newest movements of `accountId`, debits and credits together (as Rafiki counts them). Each side is one
 * backward index scan of the journal, so the cost does not grow with the journal's length.
 */
export async function listAccountTransfers(knex: Knex, accountId: string, limit: number): Promise<AccountTransfers> {
  const result = await knex.raw(
    `WITH posted AS (
       (SELECT * FROM ledger_journal WHERE debit_account_id = :account ORDER BY id DESC LIMIT :limit)
       UNION ALL
       (SELECT * FROM ledger_journal WHERE credit_account_id = :account ORDER BY id DESC LIMIT :limit)
     ), newest AS (
       SELECT * FROM posted ORDER BY id DESC LIMIT :limit
     )
     SELECT newest.transfer_id, newest.leg, newest.kind, newest.debit_account_id, newest.credit_account_id,
            newest.amount, 'posted' AS state, COALESCE(transfer.created_at, newest.created_at) AS created_at,
            transfer.expires_at, newest.id AS position
       FROM newest LEFT JOIN ledger_transfers AS transfer ON transfer.id = newest.transfer_id
     UNION ALL
     SELECT id, 0, kind, debit_account_id, credit_account_id, amount, 'pending', created_at, expires_at, NULL
       FROM ledger_transfers
      WHERE state = 'pending' AND (expires_at IS NULL OR expires_at > now())
        AND (debit_account_id = :account OR credit_account_id = :account)
     ORDER BY created_at DESC, position DESC NULLS FIRST
     LIMIT :limit`,
    { account: accountId, limit },
  );
  const transfers: AccountTransfers = { debits: [], credits: [] };
  for (const row of result.rows as Row[]) {
    const transfer: AccountTransfer = {
      transferId: row.transfer_id,
      leg: Number(row.leg),
      kind: row.kind,
      debitAccountId: row.debit_account_id,
      creditAccountId: row.credit_account_id,
      amount: BigInt(row.amount),
      state: row.state,
      createdAt: row.created_at,
      expiresAt: row.expires_at,
    };
    (row.debit_account_id === accountId ? transfers.debits : transfers.credits).push(transfer);
  }
  return transfers;
}
