// The admin API's connector port, implemented over the connector's services (assets, peers, ledger): the running
// Connector in the server, so its routing sees changes at once, or the bare services in the admin tests.
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { ConnectorError, type AssetService, type AutoPeering, type Ledger, type PeerService } from '@sluice/connector';
import type { ConnectorPort } from '@sluice/admin';
import { createAccountingTransferListing } from './accounting-transfer-listing';
import { walletAddressAccountId, type WalletAccountKind } from './payment-ledger';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * `walletAddressAccount` is the account a wallet address withdrawal (and its `liquidity`) is about, as Rafiki's wallet
 * address account: its balance (`wallet_address`, ledger funding) or its Web Monetization money (webhook funding).
 */
export function connectorPortOver(
  knex: Knex,
  services: { assets: AssetService; peers: PeerService; ledger: Ledger; autoPeering: AutoPeering },
  options: { walletAddressAccount?: WalletAccountKind } = {},
): ConnectorPort {
  const { assets, peers, ledger, autoPeering } = services;
  const walletAddressAccount = options.walletAddressAccount ?? 'wallet_address';

  // A deleted asset is unknown here: no money moves in or out of it.
  const liquidityAccount = async (assetId: string): Promise<string> => {
    const asset = await assets.getAsset(assetId);
    if (!asset) throw new ConnectorError('unknown_asset', `unknown asset ${assetId}`);
    return asset.liquidityAccountId;
  };
  const peerAccount = async (peerId: string): Promise<string> => {
    if (!(await peers.getPeer(peerId))) throw new ConnectorError('unknown_peer', `unknown peer ${peerId}`);
    return peerId; // A peer's ledger account has the peer's id.
  };
  const withdraw = async (id: string, accountId: string, amount: bigint, timeoutSeconds: bigint) => {
    // The ledger treats a repeated transfer id as the same transfer; the admin API (as Rafiki) reports it instead.
    if (await ledger.getTransfer(id)) throw new ConnectorError('transfer_exists', `transfer ${id} already exists`);
    await ledger.withdraw({
      id,
      accountId,
      amount,
      timeoutMs: timeoutSeconds > 0n ? Number(timeoutSeconds) * 1000 : undefined,
    });
    // Rafiki: a zero timeout is a single-phase, posted withdrawal.
    if (timeoutSeconds === 0n) await ledger.postWithdrawal(id);
  };

  // The ledger treats posting a posted transfer as done; Rafiki (and so the port) refuses it as AlreadyPosted.
  const pendingWithdrawal = async (id: string) => {
    const transfer = await ledger.getTransfer(id);
    if (transfer && transfer.kind === 'withdrawal' && transfer.state !== 'pending') {
      throw new ConnectorError('transfer_not_pending', `withdrawal ${id} is already ${transfer.state}`);
    }
  };

  return {
    createAsset: (input) => assets.createAsset(input),
    updateAsset: (input) => assets.updateAsset(input),
    getAsset: (id) => assets.getAsset(id),
    getAssetByCodeAndScale: (code, scale) => assets.getAssetByCodeAndScale(code, scale),
    listAssets: (pagination) => assets.listAssets(pagination),
    deleteAsset: (id) => assets.deleteAsset(id),

    async createPeer({ initialLiquidity, ...input }) {
      const peer = await peers.createPeer(input);
      if (initialLiquidity) await ledger.deposit({ id: randomUUID(), accountId: peer.id, amount: initialLiquidity });
      return peer;
    },
    updatePeer: (input) => peers.updatePeer(input),
    deletePeer: (id) => peers.deletePeer(id),
    async createOrUpdatePeerByUrl({ liquidityToDeposit, ...input }) {
      const peer = await autoPeering.requestPeering(input);
      if (liquidityToDeposit)
        await ledger.deposit({ id: randomUUID(), accountId: peer.id, amount: liquidityToDeposit });
      return peer;
    },
    getPeer: (id) => peers.getPeer(id),
    getPeerByAddressAndAsset: (address, assetId) => peers.getPeerByAddressAndAsset(address, assetId),
    listPeers: (pagination) => peers.listPeers(pagination),

    listAccountingTransfers: createAccountingTransferListing(knex, ledger, walletAddressAccount),
    async getAssetLiquidity(assetId) {
      return (await ledger.getBalance(await liquidityAccount(assetId))).balance;
    },
    async getPeerLiquidity(peerId) {
      return (await ledger.getBalance(await peerAccount(peerId))).balance;
    },
    async getWalletAddressLiquidity(walletAddressId) {
      const account = await knex('ledger_accounts')
        .where({ kind: walletAddressAccount, owner_id: walletAddressId })
        .first('id');
      return account ? (await ledger.getBalance(account.id as string)).balance : null;
    },

    async getOutgoingPaymentLiquidities(outgoingPaymentIds) {
      if (outgoingPaymentIds.length === 0) return new Map();
      // One read for a page of payments (the unique index on kind and owner).
      const accounts = (await knex('ledger_accounts')
        .where('kind', 'outgoing_payment')
        .whereIn('owner_id', [...outgoingPaymentIds])
        .select('owner_id', 'balance', 'debits_pending')) as {
        owner_id: string;
        balance: unknown;
        debits_pending: unknown;
      }[];
      return new Map(
        accounts.map((account) => [
          account.owner_id,
          BigInt(String(account.balance)) - BigInt(String(account.debits_pending)),
        ]),
      );
    },
    async getWithdrawnAmounts(withdrawalIds) {
      const ids = withdrawalIds.filter((id) => UUID.test(id));
      if (ids.length === 0) return new Map();
      const withdrawals = (await knex('ledger_transfers')
        .whereIn('id', ids)
        .where('kind', 'withdrawal')
        .whereNot('state', 'voided')
        .select('id', 'amount')) as { id: string; amount: unknown }[];
      return new Map(withdrawals.map((withdrawal) => [withdrawal.id, BigInt(String(withdrawal.amount))]));
    },

    async depositAssetLiquidity({ id, assetId, amount }) {
      return ledger.deposit({ id, accountId: await liquidityAccount(assetId), amount });
    },
    async depositPeerLiquidity({ id, peerId, amount }) {
      return ledger.deposit({ id, accountId: await peerAccount(peerId), amount });
    },
    async depositWalletAddressLiquidity({ id, walletAddressId, amount }) {
      const walletAddress = await knex('wallet_addresses').where('id', walletAddressId).first('asset_id');
      if (!walletAddress) throw new ConnectorError('unknown_account', `unknown wallet address ${walletAddressId}`);
      const accountId = await walletAddressAccountId(knex, walletAddressId, walletAddress.asset_id as string);
      return ledger.deposit({ id, accountId, amount });
    },
    async createWalletAddressWithdrawal({ id, walletAddressId, amount, timeoutSeconds }) {
      const account = await knex('ledger_accounts')
        .where({ kind: walletAddressAccount, owner_id: walletAddressId })
        .first('id');
      const available = account ? ((await ledger.getBalance(account.id as string)).available ?? 0n) : 0n;
      const value = amount ?? available;
      if (!account || value <= 0n || value > available) {
        throw new ConnectorError('insufficient_balance', 'the wallet address has not that much to withdraw');
      }
      await withdraw(id, account.id as string, value, timeoutSeconds);
      return value;
    },
    async createIncomingPaymentWithdrawal({ id, walletAddressId, amount, timeoutSeconds }) {
      const account = await knex('ledger_accounts')
        .where({ kind: 'wallet_address', owner_id: walletAddressId })
        .first('id');
      if (!account) throw new ConnectorError('insufficient_balance', 'the wallet address has no balance');
      await withdraw(id, account.id as string, amount, timeoutSeconds);
      return amount;
    },
    async createOutgoingPaymentWithdrawal({ id, paymentAccountId, timeoutSeconds }) {
      const available = (await ledger.getBalance(paymentAccountId)).available ?? 0n;
      if (available <= 0n) throw new ConnectorError('insufficient_balance', 'the payment has nothing left to withdraw');
      await withdraw(id, paymentAccountId, available, timeoutSeconds);
      return available;
    },
    async createAssetLiquidityWithdrawal({ id, assetId, amount, timeoutSeconds }) {
      return withdraw(id, await liquidityAccount(assetId), amount, timeoutSeconds);
    },
    async createPeerLiquidityWithdrawal({ id, peerId, amount, timeoutSeconds }) {
      return withdraw(id, await peerAccount(peerId), amount, timeoutSeconds);
    },
    async postLiquidityWithdrawal(id) {
      await pendingWithdrawal(id);
      return ledger.postWithdrawal(id);
    },
    async voidLiquidityWithdrawal(id) {
      await pendingWithdrawal(id);
      return ledger.voidWithdrawal(id);
    },
  };
}
