// Adapts the connector's ledger to what the resource server's payments need. Operations that take a transaction
// build a ledger over it, so the money and the payment rows commit together.
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { ConnectorError, createLedger, type Connector } from '@sluice/connector';
import { InsufficientFundsError, type PaymentLedger } from '@sluice/resource';

/**
 * A wallet address's ledger accounts: `wallet_address` holds its balance (and what its incoming payments received);
 * `web_monetization` what it received over SPSP, kept apart in webhook funding mode.
 */
export type WalletAccountKind = 'wallet_address' | 'web_monetization';

/** The wallet address's ledger account of that kind, created on first use. */
export async function walletAddressAccountId(
  db: Knex | Knex.Transaction,
  walletAddressId: string,
  assetId: string,
  kind: WalletAccountKind = 'wallet_address',
): Promise<string> {
  const existing = await db('ledger_accounts').where({ kind, owner_id: walletAddressId }).first('id');
  if (existing) return existing.id as string;
  try {
    const account = await createLedger({ knex: db as Knex }).createLedgerAccount({
      assetId,
      kind,
      ownerId: walletAddressId,
    });
    return account.id;
  } catch (error) {
    // Created concurrently by another request: use that one.
    if (error instanceof ConnectorError && error.code === 'duplicate_account') {
      const row = await db('ledger_accounts').where({ kind, owner_id: walletAddressId }).first('id');
      if (row) return row.id as string;
    }
    throw error;
  }
}

/** Wallet address ledger account ids of one kind, remembered: an account, once committed, never changes or goes away. */
export interface WalletAccountIds {
  get(db: Knex | Knex.Transaction, walletAddressId: string, assetId: string): Promise<string>;
  /** The account when it exists (without creating it). */
  find(db: Knex, walletAddressId: string): Promise<string | undefined>;
}

export function createWalletAccountIds(kind: WalletAccountKind = 'wallet_address'): WalletAccountIds {
  const known = new Map<string, string>();
  return {
    async get(db, walletAddressId, assetId) {
      const cached = known.get(walletAddressId);
      if (cached !== undefined) return cached;
      const id = await walletAddressAccountId(db, walletAddressId, assetId, kind);
      // Inside a transaction the account may have just been created by it, and would be gone if it rolled back.
      if (!(db as Knex.Transaction).isTransaction) known.set(walletAddressId, id);
      return id;
    },
    async find(db, walletAddressId) {
      const cached = known.get(walletAddressId);
      if (cached !== undefined) return cached;
      const row = await db('ledger_accounts').where({ kind, owner_id: walletAddressId }).first('id');
      if (row) known.set(walletAddressId, row.id as string);
      return row?.id as string | undefined;
    },
  };
}

export function createConnectorPaymentLedger(deps: {
  knex: Knex;
  connector: Connector;
  walletAccounts: WalletAccountIds;
}): PaymentLedger {
  const { connector, walletAccounts } = deps;
  return {
    async createPaymentAccountWith(input, write) {
      const { funding } = input;
      const walletAccount = funding && (await walletAccounts.get(deps.knex, funding.walletAddressId, input.assetId));
      const id = randomUUID();
      try {
        const { account, rows } = await createLedger({ knex: deps.knex }).createAccountWith({
          account: { id, assetId: input.assetId, kind: 'outgoing_payment', ownerId: input.outgoingPaymentId },
          funding: funding && {
            transferId: funding.transferId,
            debitAccountId: walletAccount as string,
            amount: funding.amount,
          },
          write: (condition) => write(condition, id),
        });
        // Its first packet then needs no read.
        if (rows.length > 0) connector.rememberAccount(account);
        return { paymentAccountId: account.id, rows };
      } catch (error) {
        if (error instanceof ConnectorError && error.code === 'insufficient_balance')
          throw new InsufficientFundsError();
        throw error;
      }
    },

    async depositToPaymentAccount(trx, input) {
      await createLedger({ knex: trx as unknown as Knex }).deposit({
        id: input.transferId,
        accountId: input.paymentAccountId,
        amount: input.amount,
      });
    },

    async settlePaymentAccountWith(input, write) {
      const refundTo = input.refundTo && (await walletAccounts.find(deps.knex, input.refundTo.walletAddressId));
      if (input.refundTo && !refundTo) {
        throw new Error(`wallet address ${input.refundTo.walletAddressId} has no ledger account to refund to`);
      }
      return createLedger({ knex: deps.knex }).sweepWith({
        transferId: input.transferId,
        fromAccountId: input.paymentAccountId,
        toAccountId: refundTo,
        keep: input.keep,
        write,
      });
    },

    async balance(paymentAccountId) {
      const balance = await connector.getBalance(paymentAccountId);
      return balance.balance - balance.debitsPending;
    },

    sendPrepare: (paymentAccountId, prepare, options) => connector.sendPrepare(paymentAccountId, prepare, options),
  };
}
