import type { Knex } from 'knex';
import type { IlpPrepare, IlpReply } from '@sluice/stream';

/** Thrown when a wallet address's balance cannot fund a payment. */
export class InsufficientFundsError extends Error {
  readonly code = 'insufficient_funds';
  constructor(message = 'the wallet address balance is too low') {
    super(message);
    this.name = 'InsufficientFundsError';
  }
}

/**
 * The money side of outgoing payments, provided by the connector's ledger. Every method that takes `trx` runs in the
 * caller's transaction, so a payment row and the money behind it commit together or not at all.
 */
export interface PaymentLedger {
  /** A ledger account holding one outgoing payment's money while it is sent. */
  createPaymentAccount(trx: Knex.Transaction, input: { assetId: string; outgoingPaymentId: string }): Promise<string>;
  /** Moves `amount` from the wallet address's balance to the payment account; InsufficientFundsError if short. */
  fundFromWalletAddress(
    trx: Knex.Transaction,
    input: { walletAddressId: string; assetId: string; paymentAccountId: string; amount: bigint; transferId: string },
  ): Promise<void>;
  /** Money the operator brings in from outside (webhook funding): credited to the payment account. */
  depositToPaymentAccount(
    trx: Knex.Transaction,
    input: { paymentAccountId: string; amount: bigint; transferId: string },
  ): Promise<void>;
  /** Gives unsent money back from the payment account to the wallet address. */
  refundToWalletAddress(
    trx: Knex.Transaction,
    input: { walletAddressId: string; assetId: string; paymentAccountId: string; amount: bigint; transferId: string },
  ): Promise<void>;
  /**
   * The payment account's balance (what it can still send). Pass the caller's transaction when inside one: the
   * embedded database has a single connection, so a query outside the open transaction would wait forever.
   */
  balance(paymentAccountId: string, trx?: Knex.Transaction): Promise<bigint>;
  /** Sends one Prepare from the payment account through the connector. */
  sendPrepare(paymentAccountId: string, prepare: IlpPrepare, options?: { unfulfillable?: boolean }): Promise<IlpReply>;
}
