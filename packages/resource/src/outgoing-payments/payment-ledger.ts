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
  /**
   * Creates the ledger account holding one outgoing payment's money while it is sent — funded from the wallet
   * address's balance when `funding` is given, else empty — in ONE statement with the caller's `write`: data-modifying
   * CTEs, applied only where the SQL condition it is given holds, one of them named `settled` (it is given the new
   * account's id too). The account, the money
   * and the caller's rows are written together, exactly when `settled` returns a row; resolves with those rows (none:
   * nothing was written). InsufficientFundsError (nothing written) when the wallet cannot fund it.
   */
  createPaymentAccountWith(
    input: {
      assetId: string;
      outgoingPaymentId: string;
      funding?: { walletAddressId: string; amount: bigint; transferId: string };
    },
    write: (condition: string, paymentAccountId: string) => { sql: string; bindings: Knex.Value[] },
  ): Promise<{ paymentAccountId: string; rows: Record<string, unknown>[] }>;
  /** Money the operator brings in from outside (webhook funding): credited to the payment account. */
  depositToPaymentAccount(
    trx: Knex.Transaction,
    input: { paymentAccountId: string; amount: bigint; transferId: string },
  ): Promise<void>;
  /**
   * Ends a payment's use of its account: what the account holds above `keep` goes back to the wallet address (with
   * `refundTo`; otherwise it stays), in ONE statement with the caller's `write` (data-modifying CTEs, applied only
   * where the SQL condition it is given holds, one named `settled`), which may read the CTE `swept`: `available` (what
   * the payment account held, read under its lock) and `amount` (what goes back). Resolves with the `settled` rows
   * (none: nothing was written).
   */
  settlePaymentAccountWith(
    input: { paymentAccountId: string; keep: bigint; transferId: string; refundTo?: { walletAddressId: string } },
    write: (condition: string) => { sql: string; bindings: Knex.Value[] },
  ): Promise<Record<string, unknown>[]>;
  /** The payment account's balance (what it can still send). */
  balance(paymentAccountId: string): Promise<bigint>;
  /** Sends one Prepare from the payment account through the connector. */
  sendPrepare(paymentAccountId: string, prepare: IlpPrepare, options?: { unfulfillable?: boolean }): Promise<IlpReply>;
}
