// Transfers made through the API: deposits, two-phase withdrawals and transfers between accounts of one asset,
// single-phase or two-phase (pending → posted | voided). Each call is one transaction; the caller's id makes it
// idempotent (the same id with the same parameters returns the first result; with other parameters it is refused).
import type { Knex } from 'knex';
import { checkUInt64, fromDbAmount } from '../amounts';
import { CHECK_VIOLATION, ConnectorError, invalidArgument, sqlState } from '../errors';
import { isUuid } from '../pagination';
import {
  applyHold,
  applyPost,
  applyRelease,
  holdsOfLegs,
  refuseHold,
  type AccountState,
  type HoldRefusal,
} from './balance-rules';
import {
  accountChangesCte,
  cloneStates,
  diffAccounts,
  lockAccounts,
  updateAccounts,
  type AccountChange,
} from './account-store';
import { getAssetAccountIds, requestedAccount, type CreateLedgerAccountOptions } from './accounts';
import { writeSweepWith, writeTransferWith, type SettlementWrite } from './batch-sql';
import { appendJournal, journalRowsCte } from './journal';
import type { Leg, LedgerAccount, LedgerTransfer, TransferKind, TransferState } from './ledger-types';

export interface TransferOptions {
  /** Idempotency id (UUID) chosen by the caller. */
  id: string;
  debitAccountId: string;
  creditAccountId: string;
  amount: bigint;
}

export interface PendingTransferOptions extends TransferOptions {
  /** Voided automatically when not posted within this many milliseconds. */
  timeoutMs?: number;
}

export interface DepositOptions {
  id: string;
  accountId: string;
  amount: bigint;
}

export interface WithdrawalOptions extends DepositOptions {
  timeoutMs?: number;
}

interface TransferRow {
  id: string;
  kind: TransferKind;
  debit_account_id: string;
  credit_account_id: string;
  amount: string;
  state: TransferState;
  expires_at: Date | null;
  created_at: Date;
  resolved_at: Date | null;
}

function toTransfer(row: TransferRow): LedgerTransfer {
  return {
    id: row.id,
    kind: row.kind,
    debitAccountId: row.debit_account_id,
    creditAccountId: row.credit_account_id,
    amount: fromDbAmount(row.amount),
    state: row.state,
    expiresAt: row.expires_at,
    createdAt: row.created_at,
    resolvedAt: row.resolved_at,
  };
}

function refusalError(refusal: HoldRefusal, accountId: string): ConnectorError {
  switch (refusal) {
    case 'min_balance':
      return new ConnectorError('insufficient_balance', `account ${accountId} has insufficient balance`);
    case 'max_balance':
      return new ConnectorError('exceeds_max_balance', `account ${accountId} would exceed its maximum balance`);
    case 'out_of_range':
      return new ConnectorError('amount_out_of_range', `account ${accountId} would leave the UInt64 range`);
  }
}

function checkTimeout(timeoutMs: number | undefined): void {
  if (timeoutMs !== undefined && (!Number.isInteger(timeoutMs) || timeoutMs <= 0)) {
    throw invalidArgument('timeoutMs must be a positive integer');
  }
}

interface NewTransfer {
  id: string;
  kind: TransferKind;
  leg: Leg;
  pending: boolean;
  timeoutMs?: number;
}

async function createTransfer(knex: Knex, request: NewTransfer): Promise<LedgerTransfer> {
  const { id, leg } = request;
  if (!isUuid(id)) throw invalidArgument('id must be a UUID');
  checkUInt64(leg.amount, 'amount', { positive: true });
  checkTimeout(request.timeoutMs);
  for (const accountId of [leg.debitAccountId, leg.creditAccountId]) {
    if (!isUuid(accountId)) throw new ConnectorError('unknown_account', `unknown ledger account ${String(accountId)}`);
  }
  if (leg.debitAccountId === leg.creditAccountId) throw invalidArgument('debit and credit accounts must differ');
  // Inside a caller's transaction the transfer joins it without a savepoint: nothing is written before every check has
  // passed, so a refusal leaves the caller's transaction as it was. Two round trips: lock, then write.
  const create = async (trx: Knex.Transaction): Promise<LedgerTransfer> => {
    const before = await lockAccounts(trx, [leg.debitAccountId, leg.creditAccountId]);
    const after = cloneStates(before);
    const refusal = applyTransfer(after, leg, request.pending);
    // A repeated request answers with the first result even when the accounts would refuse it now.
    if (refusal) return existingTransfer(trx, request, refusal);
    const inserted = await writeNewTransfer(trx, request, diffAccounts(before, after));
    return inserted ?? existingTransfer(trx, request);
  };
  return (knex as Knex.Transaction).isTransaction ? create(knex as Knex.Transaction) : knex.transaction(create);
}

/** Applies the leg to the locked accounts' states, or says why it cannot be made (the states are then not to be used). */
function applyTransfer(accounts: Map<string, AccountState>, leg: Leg, pending: boolean): ConnectorError | undefined {
  const debit = accounts.get(leg.debitAccountId);
  const credit = accounts.get(leg.creditAccountId);
  if (!debit) return new ConnectorError('unknown_account', `unknown ledger account ${leg.debitAccountId}`);
  if (!credit) return new ConnectorError('unknown_account', `unknown ledger account ${leg.creditAccountId}`);
  if (debit.assetId !== credit.assetId) {
    return new ConnectorError('asset_mismatch', 'both accounts of a transfer must have the same asset');
  }
  for (const [accountId, hold] of holdsOfLegs([leg])) {
    const account = accounts.get(accountId)!;
    const refusal = refuseHold(account, hold);
    if (refusal) return refusalError(refusal, accountId);
    applyHold(account, hold);
    if (!pending) applyPost(account, hold);
  }
  return undefined;
}

/** The transfer already recorded under the request's id; `otherwise` (or unknown_transfer) when there is none. */
async function existingTransfer(
  trx: Knex.Transaction,
  request: NewTransfer,
  otherwise?: Error,
): Promise<LedgerTransfer> {
  const existing = (await trx('ledger_transfers').where({ id: request.id }).first()) as TransferRow | undefined;
  if (!existing) throw otherwise ?? new ConnectorError('unknown_transfer', `transfer ${request.id} vanished`);
  const transfer = toTransfer(existing);
  if (!isSameTransfer(transfer, request)) {
    throw new ConnectorError('transfer_exists', `transfer ${request.id} already exists with other parameters`);
  }
  return transfer;
}

/**
 * The transfer row, the account changes and (when posted) its journal leg, in one statement. The row goes first with
 * ON CONFLICT DO NOTHING, and the other writes only happen when it was inserted: a transfer id already used (by a
 * repeated request, or a concurrent one that committed first) changes nothing and returns undefined.
 */
async function writeNewTransfer(
  trx: Knex.Transaction,
  request: NewTransfer,
  changes: readonly AccountChange[],
): Promise<LedgerTransfer | undefined> {
  const { id, leg } = request;
  const written = 'EXISTS (SELECT 1 FROM inserted)';
  const accounts = accountChangesCte(changes, written);
  const journal = journalRowsCte(request.kind, request.pending ? [] : [{ ...leg, transferId: id, leg: 0 }], written);
  const result = await trx.raw(
    `WITH inserted AS (
       INSERT INTO ledger_transfers (id, kind, debit_account_id, credit_account_id, amount, state, expires_at, resolved_at)
       VALUES (?, ?, ?, ?, ?, ?, now() + ?::bigint * interval '1 millisecond', CASE WHEN ? THEN NULL ELSE now() END)
       ON CONFLICT (id) DO NOTHING
       RETURNING *),
     ${accounts.sql},
     ${journal.sql}
     SELECT * FROM inserted`,
    [
      id,
      request.kind,
      leg.debitAccountId,
      leg.creditAccountId,
      leg.amount.toString(),
      request.pending ? 'pending' : 'posted',
      request.timeoutMs ?? null,
      request.pending,
      ...accounts.bindings,
      ...journal.bindings,
    ],
  );
  const row = (result.rows as TransferRow[])[0];
  return row ? toTransfer(row) : undefined;
}

function isSameTransfer(existing: LedgerTransfer, request: NewTransfer): boolean {
  const sameShape =
    existing.kind === request.kind &&
    existing.debitAccountId === request.leg.debitAccountId &&
    existing.creditAccountId === request.leg.creditAccountId &&
    existing.amount === request.leg.amount;
  // A single-phase transfer is only ever posted; a two-phase one may be in any state by now.
  return sameShape && (request.pending || existing.state === 'posted');
}

export function transfer(knex: Knex, options: TransferOptions): Promise<LedgerTransfer> {
  return createTransfer(knex, { id: options.id, kind: 'transfer', leg: legOf(options), pending: false });
}

export function createPendingTransfer(knex: Knex, options: PendingTransferOptions): Promise<LedgerTransfer> {
  return createTransfer(knex, {
    id: options.id,
    kind: 'transfer',
    leg: legOf(options),
    pending: true,
    timeoutMs: options.timeoutMs,
  });
}

function legOf(options: TransferOptions): Leg {
  return { debitAccountId: options.debitAccountId, creditAccountId: options.creditAccountId, amount: options.amount };
}

async function settlementAccountOf(knex: Knex, accountId: string): Promise<string> {
  const row = isUuid(accountId)
    ? ((await knex('ledger_accounts').select('asset_id', 'kind').where({ id: accountId }).first()) as
        { asset_id: string; kind: string } | undefined)
    : undefined;
  if (!row) throw new ConnectorError('unknown_account', `unknown ledger account ${accountId}`);
  if (row.kind === 'settlement') throw invalidArgument('cannot deposit to or withdraw from a settlement account');
  const accounts = await getAssetAccountIds(knex, row.asset_id);
  if (!accounts) throw new ConnectorError('unknown_asset', `asset ${row.asset_id} has no settlement account`);
  return accounts.settlementAccountId;
}

/** Money entering the ledger: debits the asset's settlement account, credits `accountId` (single phase). */
export async function deposit(knex: Knex, options: DepositOptions): Promise<LedgerTransfer> {
  const settlement = await settlementAccountOf(knex, options.accountId);
  return createTransfer(knex, {
    id: options.id,
    kind: 'deposit',
    leg: { debitAccountId: settlement, creditAccountId: options.accountId, amount: options.amount },
    pending: false,
  });
}

/** Money leaving the ledger, two-phase: held now, then postWithdrawal / voidWithdrawal. */
export async function withdraw(knex: Knex, options: WithdrawalOptions): Promise<LedgerTransfer> {
  const settlement = await settlementAccountOf(knex, options.accountId);
  return createTransfer(knex, {
    id: options.id,
    kind: 'withdrawal',
    leg: { debitAccountId: options.accountId, creditAccountId: settlement, amount: options.amount },
    pending: true,
    timeoutMs: options.timeoutMs,
  });
}

type Resolution = 'posted' | 'voided';

async function resolveTransfer(
  knex: Knex,
  id: string,
  resolution: Resolution,
  kind?: TransferKind,
): Promise<LedgerTransfer> {
  if (!isUuid(id)) throw new ConnectorError('unknown_transfer', `unknown transfer ${String(id)}`);
  const outcome = await knex.transaction(async (trx) => {
    const row = (await trx('ledger_transfers').where({ id }).forUpdate().first()) as TransferRow | undefined;
    if (!row || (kind && row.kind !== kind)) throw new ConnectorError('unknown_transfer', `unknown transfer ${id}`);
    const current = toTransfer(row);
    if (current.state === resolution) return { transfer: current, expired: false };
    if (current.state !== 'pending') {
      throw new ConnectorError('transfer_not_pending', `transfer ${id} is already ${current.state}`);
    }
    // A pending transfer past its timeout can only be voided (and is, by whoever touches it first).
    const expired = row.expires_at !== null && (await isPast(trx, row.expires_at));
    const effective: Resolution = expired ? 'voided' : resolution;
    const leg: Leg = {
      debitAccountId: current.debitAccountId,
      creditAccountId: current.creditAccountId,
      amount: current.amount,
    };
    const before = await lockAccounts(trx, [leg.debitAccountId, leg.creditAccountId]);
    const after = cloneStates(before);
    for (const [accountId, hold] of holdsOfLegs([leg])) {
      if (effective === 'posted') applyPost(after.get(accountId)!, hold);
      else applyRelease(after.get(accountId)!, hold);
    }
    await updateAccounts(trx, diffAccounts(before, after));
    const [updated] = (await trx('ledger_transfers')
      .where({ id })
      .update({ state: effective, resolved_at: trx.fn.now() })
      .returning('*')) as TransferRow[];
    if (effective === 'posted') await appendJournal(trx, current.kind, [{ ...leg, transferId: id, leg: 0 }]);
    return { transfer: toTransfer(updated), expired };
  });
  if (outcome.expired && resolution === 'posted') {
    throw new ConnectorError('transfer_expired', `transfer ${id} timed out and was voided`);
  }
  return outcome.transfer;
}

async function isPast(trx: Knex.Transaction, at: Date): Promise<boolean> {
  const result = await trx.raw('SELECT ?::timestamptz <= now() AS past', [at]);
  return (result.rows[0] as { past: boolean }).past;
}

export function postTransfer(knex: Knex, id: string, kind?: TransferKind): Promise<LedgerTransfer> {
  return resolveTransfer(knex, id, 'posted', kind);
}

export function voidTransfer(knex: Knex, id: string, kind?: TransferKind): Promise<LedgerTransfer> {
  return resolveTransfer(knex, id, 'voided', kind);
}

export async function getTransfer(knex: Knex, id: string): Promise<LedgerTransfer | undefined> {
  if (!isUuid(id)) return undefined;
  const row = (await knex('ledger_transfers').where({ id }).first()) as TransferRow | undefined;
  return row ? toTransfer(row) : undefined;
}

/** Voids pending transfers whose timeout has passed; returns how many. Run periodically. */
export async function voidExpiredTransfers(knex: Knex, limit = 100): Promise<number> {
  const rows = (await knex('ledger_transfers')
    .select('id')
    .where({ state: 'pending' })
    .whereRaw('expires_at <= now()')
    .limit(limit)) as Array<{ id: string }>;
  let voided = 0;
  for (const { id } of rows) {
    try {
      await voidTransfer(knex, id);
      voided++;
    } catch (error) {
      // Posted or voided meanwhile by someone else: nothing left to do.
      if (!(error instanceof ConnectorError && error.code === 'transfer_not_pending')) throw error;
    }
  }
  return voided;
}

export interface AccountWithWriteOptions {
  /** The account to create; its id is required (the caller's write usually names it). */
  account: CreateLedgerAccountOptions & { id: string };
  /** Money moved into it at once from another account of its asset (a single-phase transfer); none: it starts empty. */
  funding?: { transferId: string; debitAccountId: string; amount: bigint };
  /** The caller's data-modifying CTEs (one named `settled`), applied only where the SQL condition holds. */
  write: SettlementWrite;
}

/**
 * Creates an account, optionally funded from another account, together with the caller's own write, in ONE autocommit
 * statement (see writeTransferWith): the account, the money, the transfer's record and journal leg exist exactly when
 * the caller's `settled` CTE returned a row. Resolves with those rows (none: nothing was written). Rejects with
 * insufficient_balance (or another refusal of the funding account's limits) when the debit account cannot fund it;
 * nothing is written then either.
 */
export async function createAccountWith(
  knex: Knex,
  options: AccountWithWriteOptions,
): Promise<{ account: Omit<LedgerAccount, 'createdAt'>; rows: Record<string, unknown>[] }> {
  const insert = requestedAccount(options.account);
  const funding = options.funding;
  const leg: Leg | undefined = funding && {
    debitAccountId: funding.debitAccountId,
    creditAccountId: insert.id,
    amount: funding.amount,
  };
  if (funding && leg) {
    if (!isUuid(funding.transferId)) throw invalidArgument('transferId must be a UUID');
    checkUInt64(funding.amount, 'amount', { positive: true });
    if (!isUuid(funding.debitAccountId)) {
      throw new ConnectorError('unknown_account', `unknown ledger account ${String(funding.debitAccountId)}`);
    }
    if (funding.debitAccountId === insert.id) throw invalidArgument('debit and credit accounts must differ');
  }
  const balance = leg?.amount ?? 0n;
  try {
    const rows = await writeTransferWith(knex, {
      accounts: leg ? [{ id: leg.debitAccountId, balance: -leg.amount, debitsPending: 0n, creditsPending: 0n }] : [],
      newAccounts: [{ ...insert, ownerId: insert.ownerId as string, balance }],
      journal: leg && funding ? [{ ...leg, transferId: funding.transferId, leg: 0 }] : [],
      journalKind: 'transfer',
      record: leg && funding ? { id: funding.transferId, kind: 'transfer', leg } : undefined,
      legs: leg ? [leg] : [],
      write: options.write,
    });
    return { account: insert, rows };
  } catch (error) {
    if (sqlState(error) === CHECK_VIOLATION && (error as { table?: unknown }).table === 'ledger_accounts') {
      const constraint = (error as { constraint?: unknown }).constraint;
      if (constraint === 'ledger_accounts_min_balance') {
        throw new ConnectorError(
          'insufficient_balance',
          `account ${funding?.debitAccountId} has insufficient balance`,
          {
            cause: error,
          },
        );
      }
      throw new ConnectorError('amount_out_of_range', 'the accounts cannot take this transfer', { cause: error });
    }
    throw error;
  }
}

export interface SweepWithWriteOptions {
  /** Id (UUID) of the transfer that moves the money, when there is any to move. */
  transferId: string;
  fromAccountId: string;
  /** Where what `from` holds above `keep` goes; none: nothing moves. */
  toAccountId?: string;
  keep: bigint;
  /** The caller's data-modifying CTEs (one named `settled`); they may read `swept` (`available`, `amount`). */
  write: SettlementWrite;
}

/**
 * Sweeps what an account holds above `keep` into another account of its asset together with the caller's write, in
 * one autocommit statement (see writeSweepWith). Resolves with the `settled` rows (none: nothing was written).
 */
export async function sweepWith(knex: Knex, options: SweepWithWriteOptions): Promise<Record<string, unknown>[]> {
  if (!isUuid(options.transferId)) throw invalidArgument('transferId must be a UUID');
  checkUInt64(options.keep, 'keep');
  for (const accountId of [options.fromAccountId, options.toAccountId]) {
    if (accountId !== undefined && !isUuid(accountId)) {
      throw new ConnectorError('unknown_account', `unknown ledger account ${String(accountId)}`);
    }
  }
  if (options.fromAccountId === options.toAccountId) throw invalidArgument('debit and credit accounts must differ');
  try {
    return await writeSweepWith(knex, options);
  } catch (error) {
    // The receiving account's limits (its maximum balance, the 64-bit range).
    if (sqlState(error) === CHECK_VIOLATION && (error as { table?: unknown }).table === 'ledger_accounts') {
      throw new ConnectorError('exceeds_max_balance', `account ${options.toAccountId} cannot take the sweep`, {
        cause: error,
      });
    }
    throw error;
  }
}
