// Adapts the connector's ledger to what the resource server's payments need. Operations that take a transaction
// build a ledger over it, so the money and the payment rows commit together.
import type { Knex } from 'knex';
import { ConnectorError, createLedger, type Connector } from '@sluice/connector';
import { InsufficientFundsError, type PaymentLedger } from '@sluice/resource';

/** The ledger account that holds a wallet address's balance, created on first use. */
export async function walletAddressAccountId(
  db: Knex | Knex.Transaction,
  walletAddressId: string,
  assetId: string,
): Promise<string> {
  const existing = await db('ledger_accounts').where({ kind: 'wallet_address', owner_id: walletAddressId }).first('id');
  if (existing) return existing.id as string;
  try {
    const account = await createLedger({ knex: db as Knex }).createLedgerAccount({
      assetId,
      kind: 'wallet_address',
      ownerId: walletAddressId,
    });
    return account.id;
  } catch (error) {
    // Created concurrently by another request: use that one.
    if (error instanceof ConnectorError && error.code === 'duplicate_account') {
      const row = await db('ledger_accounts').where({ kind: 'wallet_address', owner_id: walletAddressId }).first('id');
      if (row) return row.id as string;
    }
    throw error;
  }
}

/** Wallet address ledger account ids, remembered: an account, once committed, never changes or goes away. */
export interface WalletAccountIds {
  get(db: Knex | Knex.Transaction, walletAddressId: string, assetId: string): Promise<string>;
}

export function createWalletAccountIds(): WalletAccountIds {
  const known = new Map<string, string>();
  return {
    async get(db, walletAddressId, assetId) {
      const cached = known.get(walletAddressId);
      if (cached !== undefined) return cached;
      const id = await walletAddressAccountId(db, walletAddressId, assetId);
      // Inside a transaction the account may have just been created by it, and would be gone if it rolled back.
      if (!(db as Knex.Transaction).isTransaction) known.set(walletAddressId, id);
      return id;
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
    async createPaymentAccount(trx, input) {
      const account = await createLedger({ knex: trx as unknown as Knex }).createLedgerAccount({
        assetId: input.assetId,
        kind: 'outgoing_payment',
        ownerId: input.outgoingPaymentId,
      });
      // Its first packet then needs no read; a rolled-back account is never told.
      trx.executionPromise.then(
        () => connector.rememberAccount(account),
        () => undefined,
      );
      return account.id;
    },

    async fundFromWalletAddress(trx, input) {
      const walletAccount = await walletAccounts.get(trx, input.walletAddressId, input.assetId);
      try {
        await createLedger({ knex: trx as unknown as Knex }).transfer({
          id: input.transferId,
          debitAccountId: walletAccount,
          creditAccountId: input.paymentAccountId,
          amount: input.amount,
        });
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

    async refundToWalletAddress(trx, input) {
      const walletAccount = await walletAccounts.get(trx, input.walletAddressId, input.assetId);
      await createLedger({ knex: trx as unknown as Knex }).transfer({
        id: input.transferId,
        debitAccountId: input.paymentAccountId,
        creditAccountId: walletAccount,
        amount: input.amount,
      });
    },

    async balance(paymentAccountId, trx) {
      const balance = trx
        ? await createLedger({ knex: trx as unknown as Knex }).getBalance(paymentAccountId)
        : await connector.getBalance(paymentAccountId);
      return balance.balance - balance.debitsPending;
    },

    sendPrepare: (paymentAccountId, prepare, options) => connector.sendPrepare(paymentAccountId, prepare, options),
  };
}
