// Shapes of the ledger. Sign convention: balance = credits − debits, posted, from the account holder's side: a
// positive balance is what the connector owes the holder (a funded wallet, a peer we owe), a negative balance is
// what the holder owes the connector (a peer using its credit line) or, for an asset's settlement account, money
// that entered the ledger from outside. Every movement debits one account and credits another of the same asset
// by the same amount, so each asset's balances always sum to zero.

export const LEDGER_ACCOUNT_KINDS = [
  'settlement',
  'liquidity',
  'peer',
  'wallet_address',
  'incoming_payment',
  'outgoing_payment',
  /** Money a wallet address received over SPSP, kept apart for the operator in webhook funding mode. */
  'web_monetization',
  'other',
] as const;

export type LedgerAccountKind = (typeof LEDGER_ACCOUNT_KINDS)[number];

/** Kinds the ledger creates itself with their asset or peer; the rest are created on request. */
export type RequestableAccountKind = Exclude<LedgerAccountKind, 'settlement' | 'liquidity' | 'peer'>;

export interface LedgerAccount {
  id: string;
  assetId: string;
  kind: LedgerAccountKind;
  ownerId: string | null;
  /** Lowest allowed `balance − debitsPending`; null = no lower limit. */
  minBalance: bigint | null;
  /** Highest allowed `balance + creditsPending`; null = no upper limit. */
  maxBalance: bigint | null;
  createdAt: Date;
}

export interface LedgerBalance {
  accountId: string;
  assetId: string;
  /** Posted: credits − debits. */
  balance: bigint;
  /** Held by unresolved two-phase transfers and in-flight packets, not yet posted. */
  debitsPending: bigint;
  creditsPending: bigint;
  /** What can still be debited now: balance − debitsPending − minBalance (null when there is no lower limit). */
  available: bigint | null;
  minBalance: bigint | null;
  maxBalance: bigint | null;
}

/** One movement of `amount` from the debited to the credited account (same asset). */
export interface Leg {
  debitAccountId: string;
  creditAccountId: string;
  amount: bigint;
}

export type TransferKind = 'deposit' | 'withdrawal' | 'transfer';
export type TransferState = 'pending' | 'posted' | 'voided';

export interface LedgerTransfer {
  id: string;
  kind: TransferKind;
  debitAccountId: string;
  creditAccountId: string;
  amount: bigint;
  state: TransferState;
  expiresAt: Date | null;
  createdAt: Date;
  resolvedAt: Date | null;
}
