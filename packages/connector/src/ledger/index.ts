export { createLedger } from './ledger';
export type { Ledger } from './ledger';
export { createPacketLedger, LedgerUnavailableError, TransferRefusedError } from './packet-ledger';
export type { PacketLedger, PacketLedgerOptions, PacketHold, HoldOutcome, HoldRefusalReason } from './packet-ledger';
export { insertAccount, getAssetAccountIds, setAccountLimits } from './accounts';
export type { CreateLedgerAccountOptions } from './accounts';
export { releaseAbandonedInstances } from './instances';
export type { LedgerViolation } from './verify';
export type { AccountTransfer, AccountTransfers } from './account-transfers';
export type {
  AccountWithWriteOptions,
  DepositOptions,
  WithdrawalOptions,
  TransferOptions,
  PendingTransferOptions,
} from './transfers';
export { LEDGER_ACCOUNT_KINDS } from './ledger-types';
export type {
  LedgerAccount,
  LedgerAccountKind,
  RequestableAccountKind,
  LedgerBalance,
  LedgerTransfer,
  TransferKind,
  TransferState,
  Leg,
} from './ledger-types';
