// Ledger accounts: created with their asset (settlement, liquidity), their peer, or on request of the resource
// server (wallet addresses, incoming and outgoing payments); balances read from the running balance row.
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { UINT64_MAX, toDbAmount } from '../amounts';
import { ConnectorError, UNIQUE_VIOLATION, invalidArgument, sqlState } from '../errors';
import { isUuid } from '../pagination';
import { availableToDebit } from './balance-rules';
import { toAccountState, toLedgerAccount, type AccountRow } from './account-store';
import {
  LEDGER_ACCOUNT_KINDS,
  type LedgerAccount,
  type LedgerAccountKind,
  type LedgerBalance,
  type RequestableAccountKind,
} from './ledger-types';

const FOREIGN_KEY_VIOLATION = '23503';
const REQUESTABLE_KINDS: readonly string[] = LEDGER_ACCOUNT_KINDS.filter(
  (kind) => kind !== 'settlement' && kind !== 'liquidity' && kind !== 'peer',
);

export interface CreateLedgerAccountOptions {
  /** Defaults to a new UUID; the resource server may reuse its own id (e.g. the incoming payment's). */
  id?: string;
  assetId: string;
  kind: RequestableAccountKind;
  ownerId: string;
  /** Lowest allowed balance; default 0 (the account cannot be overdrawn). null = no lower limit. */
  minBalance?: bigint | null;
  /** Highest allowed balance; default null (no upper limit). */
  maxBalance?: bigint | null;
}

export interface AccountInsert {
  id: string;
  assetId: string;
  kind: LedgerAccountKind;
  ownerId: string | null;
  minBalance: bigint | null;
  maxBalance: bigint | null;
}

function checkLimit(value: bigint | null, field: string): bigint | null {
  if (value === null) return null;
  if (typeof value !== 'bigint' || value < -UINT64_MAX || value > UINT64_MAX) {
    throw invalidArgument(`${field} must be null or a bigint in -(2^64-1)..2^64-1`);
  }
  return value;
}

/** Inserts an account inside the caller's transaction (assets and peers create theirs atomically with themselves). */
export async function insertAccount(trx: Knex | Knex.Transaction, account: AccountInsert): Promise<LedgerAccount> {
  try {
    const [row] = (await trx('ledger_accounts')
      .insert({
        id: account.id,
        asset_id: account.assetId,
        kind: account.kind,
        owner_id: account.ownerId,
        min_balance: toDbAmount(account.minBalance),
        max_balance: toDbAmount(account.maxBalance),
      })
      .returning('*')) as AccountRow[];
    return toLedgerAccount(row);
  } catch (error) {
    if (sqlState(error) === UNIQUE_VIOLATION) {
      throw new ConnectorError('duplicate_account', 'a ledger account with this id or owner already exists', {
        cause: error,
      });
    }
    if (sqlState(error) === FOREIGN_KEY_VIOLATION) {
      throw new ConnectorError('unknown_asset', `unknown asset ${account.assetId}`, { cause: error });
    }
    throw error;
  }
}

/** The row a requested account becomes, its options checked (invalid_argument / unknown_asset when they are not usable). */
export function requestedAccount(options: CreateLedgerAccountOptions): AccountInsert {
  const id = options.id ?? randomUUID();
  if (!isUuid(id)) throw invalidArgument('id must be a UUID');
  if (!isUuid(options.assetId)) throw new ConnectorError('unknown_asset', `unknown asset ${String(options.assetId)}`);
  if (!REQUESTABLE_KINDS.includes(options.kind)) {
    throw invalidArgument(`kind must be one of ${REQUESTABLE_KINDS.join(', ')}`);
  }
  if (typeof options.ownerId !== 'string' || options.ownerId.length === 0 || options.ownerId.length > 255) {
    throw invalidArgument('ownerId must be a non-empty string of at most 255 characters');
  }
  const minBalance = checkLimit(options.minBalance === undefined ? 0n : options.minBalance, 'minBalance');
  const maxBalance = checkLimit(options.maxBalance ?? null, 'maxBalance');
  if (minBalance !== null && maxBalance !== null && minBalance > maxBalance) {
    throw invalidArgument('minBalance must not exceed maxBalance');
  }
  return { id, assetId: options.assetId, kind: options.kind, ownerId: options.ownerId, minBalance, maxBalance };
}

export async function createLedgerAccount(knex: Knex, options: CreateLedgerAccountOptions): Promise<LedgerAccount> {
  return insertAccount(knex, requestedAccount(options));
}

export async function getLedgerAccount(knex: Knex, accountId: string): Promise<LedgerAccount | undefined> {
  if (!isUuid(accountId)) return undefined;
  const row = (await knex('ledger_accounts').where({ id: accountId }).first()) as AccountRow | undefined;
  return row ? toLedgerAccount(row) : undefined;
}

export async function getBalance(knex: Knex, accountId: string): Promise<LedgerBalance> {
  const row = isUuid(accountId)
    ? ((await knex('ledger_accounts').where({ id: accountId }).first()) as AccountRow | undefined)
    : undefined;
  if (!row) throw new ConnectorError('unknown_account', `unknown ledger account ${accountId}`);
  const state = toAccountState(row);
  return {
    accountId: state.id,
    assetId: state.assetId,
    balance: state.balance,
    debitsPending: state.debitsPending,
    creditsPending: state.creditsPending,
    available: availableToDebit(state),
    minBalance: state.minBalance,
    maxBalance: state.maxBalance,
  };
}

/** The settlement and liquidity accounts of an asset. */
export async function getAssetAccountIds(
  knex: Knex | Knex.Transaction,
  assetId: string,
): Promise<{ settlementAccountId: string; liquidityAccountId: string } | undefined> {
  if (!isUuid(assetId)) return undefined;
  const rows = (await knex('ledger_accounts')
    .select('id', 'kind')
    .where({ asset_id: assetId })
    .whereIn('kind', ['settlement', 'liquidity'])) as Array<{ id: string; kind: string }>;
  const settlement = rows.find((row) => row.kind === 'settlement');
  const liquidity = rows.find((row) => row.kind === 'liquidity');
  return settlement && liquidity ? { settlementAccountId: settlement.id, liquidityAccountId: liquidity.id } : undefined;
}

/**
 * Changes an account's limits. The row's CHECK constraints refuse a limit the current balance and holds already
 * exceed (limit_below_usage): a limit never retroactively invalidates money that has moved.
 */
export async function setAccountLimits(
  knex: Knex | Knex.Transaction,
  accountId: string,
  limits: { minBalance?: bigint | null; maxBalance?: bigint | null },
): Promise<void> {
  const update: Record<string, string | null> = {};
  if (limits.minBalance !== undefined) update.min_balance = toDbAmount(checkLimit(limits.minBalance, 'minBalance'));
  if (limits.maxBalance !== undefined) update.max_balance = toDbAmount(checkLimit(limits.maxBalance, 'maxBalance'));
  if (Object.keys(update).length === 0) return;
  try {
    const changed = await knex('ledger_accounts').where({ id: accountId }).update(update);
    if (changed === 0) throw new ConnectorError('unknown_account', `unknown ledger account ${accountId}`);
  } catch (error) {
    if (sqlState(error) === '23514') {
      throw new ConnectorError('limit_below_usage', 'the account already uses more than the new limit allows', {
        cause: error,
      });
    }
    throw error;
  }
}
