// The ledger's API for the rest of Sluice (admin API, resource server), over one knex instance.
import type { Knex } from 'knex';
import {
  createLedgerAccount,
  getAssetAccountIds,
  getBalance,
  getLedgerAccount,
  type CreateLedgerAccountOptions,
} from './accounts';
import type { LedgerAccount, LedgerBalance, LedgerTransfer } from './ledger-types';
import {
  createAccountWith,
  createPendingTransfer,
  deposit,
  sweepWith,
  getTransfer,
  postTransfer,
  transfer,
  voidExpiredTransfers,
  voidTransfer,
  withdraw,
  type AccountWithWriteOptions,
  type SweepWithWriteOptions,
  type DepositOptions,
  type PendingTransferOptions,
  type TransferOptions,
  type WithdrawalOptions,
} from './transfers';
import { verifyLedger, type LedgerViolation } from './verify';
import { listAccountTransfers, type AccountTransfers } from './account-transfers';

export interface Ledger {
  createLedgerAccount(options: CreateLedgerAccountOptions): Promise<LedgerAccount>;
  /**
   * Creates an account (optionally funded from another) together with the caller's write, in one statement: all of it
   * is written exactly when the caller's `settled` CTE returns a row.
   */
  createAccountWith(
    options: AccountWithWriteOptions,
  ): Promise<{ account: Omit<LedgerAccount, 'createdAt'>; rows: Record<string, unknown>[] }>;
  /**
   * Moves what an account holds above `keep` to another (or nothing, with no `toAccountId`) together with the caller's
   * write, in one statement: the amount is only known under the accounts' locks, and the write may read it.
   */
  sweepWith(options: SweepWithWriteOptions): Promise<Record<string, unknown>[]>;
  getLedgerAccount(accountId: string): Promise<LedgerAccount | undefined>;
  getBalance(accountId: string): Promise<LedgerBalance>;
  getAssetAccountIds(assetId: string): Promise<{ settlementAccountId: string; liquidityAccountId: string } | undefined>;
  /** Credits `accountId` from its asset's settlement account (money entering the ledger). Idempotent by id. */
  deposit(options: DepositOptions): Promise<LedgerTransfer>;
  /** Holds `amount` on `accountId` for a withdrawal; then postWithdrawal or voidWithdrawal. Idempotent by id. */
  withdraw(options: WithdrawalOptions): Promise<LedgerTransfer>;
  postWithdrawal(id: string): Promise<LedgerTransfer>;
  voidWithdrawal(id: string): Promise<LedgerTransfer>;
  /** Single-phase transfer between two accounts of one asset. Idempotent by id. */
  transfer(options: TransferOptions): Promise<LedgerTransfer>;
  createPendingTransfer(options: PendingTransferOptions): Promise<LedgerTransfer>;
  postTransfer(id: string): Promise<LedgerTransfer>;
  voidTransfer(id: string): Promise<LedgerTransfer>;
  getTransfer(id: string): Promise<LedgerTransfer | undefined>;
  /** The account's `limit` newest movements (posted legs and unexpired pending transfers), debits and credits. */
  listAccountTransfers(accountId: string, limit: number): Promise<AccountTransfers>;
  voidExpiredTransfers(): Promise<number>;
  verifyLedger(): Promise<LedgerViolation[]>;
}

export function createLedger(deps: { knex: Knex }): Ledger {
  const { knex } = deps;
  return {
    createLedgerAccount: (options) => createLedgerAccount(knex, options),
    createAccountWith: (options) => createAccountWith(knex, options),
    sweepWith: (options) => sweepWith(knex, options),
    getLedgerAccount: (accountId) => getLedgerAccount(knex, accountId),
    getBalance: (accountId) => getBalance(knex, accountId),
    getAssetAccountIds: (assetId) => getAssetAccountIds(knex, assetId),
    deposit: (options) => deposit(knex, options),
    withdraw: (options) => withdraw(knex, options),
    postWithdrawal: (id) => postTransfer(knex, id, 'withdrawal'),
    voidWithdrawal: (id) => voidTransfer(knex, id, 'withdrawal'),
    transfer: (options) => transfer(knex, options),
    createPendingTransfer: (options) => createPendingTransfer(knex, options),
    postTransfer: (id) => postTransfer(knex, id),
    voidTransfer: (id) => voidTransfer(knex, id),
    getTransfer: (id) => getTransfer(knex, id),
    listAccountTransfers: (accountId, limit) => listAccountTransfers(knex, accountId, limit),
    voidExpiredTransfers: () => voidExpiredTransfers(knex),
    verifyLedger: () => verifyLedger(knex),
  };
}
