// The ledger's arithmetic, free of I/O so it can be tested exhaustively: how a set of legs changes each account,
// and whether an account may take a hold. The database enforces the same limits with CHECK constraints; these
// functions decide which packets of a batch fit so that the constraints never fire.
import { UINT64_MAX } from '../amounts';
import type { Leg } from './ledger-types';

export interface AccountState {
  id: string;
  assetId: string;
  balance: bigint;
  debitsPending: bigint;
  creditsPending: bigint;
  minBalance: bigint | null;
  maxBalance: bigint | null;
}

/** What a transfer holds on one account: legs netted, so an account both debited and credited holds only the difference. */
export interface AccountHold {
  debit: bigint;
  credit: bigint;
}

export type HoldRefusal = 'min_balance' | 'max_balance' | 'out_of_range';

/** Per-account holds of a set of legs that are posted or voided together. */
export function holdsOfLegs(legs: readonly Leg[]): Map<string, AccountHold> {
  const net = new Map<string, bigint>();
  for (const { debitAccountId, creditAccountId, amount } of legs) {
    net.set(debitAccountId, (net.get(debitAccountId) ?? 0n) - amount);
    net.set(creditAccountId, (net.get(creditAccountId) ?? 0n) + amount);
  }
  const holds = new Map<string, AccountHold>();
  for (const [accountId, value] of net) {
    if (value < 0n) holds.set(accountId, { debit: -value, credit: 0n });
    else if (value > 0n) holds.set(accountId, { debit: 0n, credit: value });
  }
  return holds;
}

/** Why `account` cannot take `hold`, or undefined when it can. Pending credits never count as spendable. */
export function refuseHold(account: AccountState, hold: AccountHold): HoldRefusal | undefined {
  const debitsPending = account.debitsPending + hold.debit;
  const creditsPending = account.creditsPending + hold.credit;
  if (debitsPending > UINT64_MAX || creditsPending > UINT64_MAX) return 'out_of_range';
  if (account.balance - debitsPending < -UINT64_MAX || account.balance + creditsPending > UINT64_MAX) {
    return 'out_of_range';
  }
  if (hold.debit > 0n && account.minBalance !== null && account.balance - debitsPending < account.minBalance) {
    return 'min_balance';
  }
  if (hold.credit > 0n && account.maxBalance !== null && account.balance + creditsPending > account.maxBalance) {
    return 'max_balance';
  }
  return undefined;
}

/** The parts of an account a hold, post or release changes: an AccountState, or a change being summed (deltas). */
type Amounts = Pick<AccountState, 'balance' | 'debitsPending' | 'creditsPending'>;

export function applyHold(account: Amounts, hold: AccountHold): void {
  account.debitsPending += hold.debit;
  account.creditsPending += hold.credit;
}

/** Void: the held amounts are given back. */
export function applyRelease(account: Amounts, hold: AccountHold): void {
  account.debitsPending -= hold.debit;
  account.creditsPending -= hold.credit;
}

/** Post: the held amounts become balance. Never breaks a limit the hold respected. */
export function applyPost(account: Amounts, hold: AccountHold): void {
  applyRelease(account, hold);
  account.balance += hold.credit - hold.debit;
}

/** Available to debit: balance − debitsPending − minBalance; null when the account has no lower limit. */
export function availableToDebit(account: AccountState): bigint | null {
  return account.minBalance === null ? null : account.balance - account.debitsPending - account.minBalance;
}
