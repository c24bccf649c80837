// Rafiki's accountingTransfers over the admin API of a whole Sluice: an account's newest movements — deposits,
// withdrawals (pending, posted; voided ones not), the transfer funding an outgoing payment, and the two legs of the
// STREAM packet that paid it — each account named the way operators know it.
import { randomUUID } from 'node:crypto';
import type { ResourceServer, WalletAddress } from '@sluice/resource';
import { ensureAsset, eventually } from '../../../test-support';
import type { Json } from './support/admin-client';
import { startSluiceAdmin, type SluiceAdmin } from './support/sluice-admin';

const TRANSFER_FIELDS = 'id debitAccountId creditAccountId amount ledger transferType state expiresAt createdAt';
const ACCOUNTING_TRANSFERS = `query Transfers($id: String!, $limit: Int) {
  accountingTransfers(id: $id, limit: $limit) { debits { ${TRANSFER_FIELDS} } credits { ${TRANSFER_FIELDS} } }
}`;
const mutation = (name: string, type: string) => `mutation M($input: ${type}!) { ${name}(input: $input) { success } }`;
const DEPOSIT_ASSET = mutation('depositAssetLiquidity', 'DepositAssetLiquidityInput');
const WITHDRAW_ASSET = mutation('createAssetLiquidityWithdrawal', 'CreateAssetLiquidityWithdrawalInput');
const POST = mutation('postLiquidityWithdrawal', 'PostLiquidityWithdrawalInput');
const VOID = mutation('voidLiquidityWithdrawal', 'VoidLiquidityWithdrawalInput');
const DEPOSIT_WALLET = mutation('depositWalletAddressLiquidity', 'DepositWalletAddressLiquidityInput');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('accountingTransfers', () => {
  let admin: SluiceAdmin;
  let resource: ResourceServer;
  let assetId: string;
  let ledgerNumber: number;
  let settlementAccountId: string;
  let alice: WalletAddress;
  let bob: WalletAddress;
  let paymentId: string;
  const ids = { deposit: randomUUID(), pending: randomUUID(), posted: randomUUID(), voided: randomUUID() };
  let pendingExpiry: number;

  const transfers = async (id: string, limit?: number) =>
    (await admin.ok(ACCOUNTING_TRANSFERS, { id, limit })).accountingTransfers as { debits: Json[]; credits: Json[] };
  const withdraw = (id: string, amount: string, timeoutSeconds: string) =>
    admin.ok(WITHDRAW_ASSET, { input: { id, assetId, amount, timeoutSeconds, idempotencyKey: randomUUID() } });

  beforeAll(async () => {
    admin = await startSluiceAdmin({ PAYMENT_FUNDING: 'ledger' });
    resource = admin.sluice.services.resource!;
    assetId = await ensureAsset(admin.sluice, 'USD', 2);
    const { knex } = admin.sluice.database;
    ledgerNumber = Number((await knex('connector_assets').where({ id: assetId }).first('ledger')).ledger);
    settlementAccountId = (await knex('ledger_accounts').where({ asset_id: assetId, kind: 'settlement' }).first('id'))
      .id as string;
    alice = await resource.walletAddresses.create({ address: '/alice', assetId });
    bob = await resource.walletAddresses.create({ address: '/bob', assetId });

    // Oldest first.
    await admin.ok(DEPOSIT_ASSET, {
      input: { id: ids.deposit, assetId, amount: '10000', idempotencyKey: randomUUID() },
    });
    await withdraw(ids.voided, '100', '60');
    await admin.ok(VOID, { input: { withdrawalId: ids.voided, idempotencyKey: randomUUID() } });
    await withdraw(ids.posted, '200', '60');
    await admin.ok(POST, { input: { withdrawalId: ids.posted, idempotencyKey: randomUUID() } });
    await withdraw(ids.pending, '300', '600');
    pendingExpiry = Date.now() + 600_000;
    await admin.ok(DEPOSIT_WALLET, {
      input: { id: randomUUID(), walletAddressId: alice.id, amount: '5000', idempotencyKey: randomUUID() },
    });
    const quote = await resource.quotes!.create({
      walletAddress: alice,
      receiver: bob.url,
      debitAmount: { value: '1234', assetCode: 'USD', assetScale: 2 },
    });
    const { payment } = await resource.outgoingPayments!.createFromQuote({ walletAddress: alice, quoteId: quote.id });
    paymentId = payment.id;
    await eventually(async () => {
      const current = await resource.outgoingPayments!.get(payment.id);
      return current?.state === 'COMPLETED' ? current : undefined;
    });
  }, 60_000);
  afterAll(() => admin?.stop());

  it("lists an asset's liquidity account by the asset's id: deposits, withdrawals but voided ones, packet legs", async () => {
    const { debits, credits } = await transfers(assetId);
    const common = { ledger: ledgerNumber, createdAt: expect.any(String) };
    // The packet came in from alice's outgoing payment and went out to bob's wallet address, 1234 each way.
    expect(credits).toEqual([
      {
        ...common,
        id: expect.stringMatching(UUID),
        debitAccountId: paymentId,
        creditAccountId: assetId,
        amount: '1234',
        transferType: 'TRANSFER',
        state: 'POSTED',
        expiresAt: null,
      },
      {
        ...common,
        id: ids.deposit,
        debitAccountId: settlementAccountId,
        creditAccountId: assetId,
        amount: '10000',
        transferType: 'DEPOSIT',
        state: 'POSTED',
        expiresAt: null,
      },
    ]);
    expect(debits).toEqual([
      {
        ...common,
        id: expect.stringMatching(UUID),
        debitAccountId: assetId,
        creditAccountId: bob.id,
        amount: '1234',
        transferType: 'TRANSFER',
        state: 'POSTED',
        expiresAt: null,
      },
      {
        ...common,
        id: ids.pending,
        debitAccountId: assetId,
        creditAccountId: settlementAccountId,
        amount: '300',
        transferType: 'WITHDRAWAL',
        state: 'PENDING',
        expiresAt: expect.any(String),
      },
      {
        ...common,
        id: ids.posted,
        debitAccountId: assetId,
        creditAccountId: settlementAccountId,
        amount: '200',
        transferType: 'WITHDRAWAL',
        state: 'POSTED',
        expiresAt: expect.any(String),
      },
    ]);
    expect(Math.abs(Date.parse(debits[1].expiresAt) - pendingExpiry)).toBeLessThan(5_000);
    // The packet's two legs are two movements with ids of their own.
    expect(credits[0].id).not.toBe(debits[0].id);
    for (const list of [debits, credits]) {
      const times = list.map((transfer: Json) => Date.parse(transfer.createdAt));
      expect([...times].sort((a, b) => b - a)).toEqual(times);
    }
  });

  it("names wallet address and outgoing payment accounts by their owners' ids", async () => {
    const toBob = await transfers(bob.id);
    expect(toBob.debits).toEqual([]);
    expect(toBob.credits).toEqual([
      expect.objectContaining({ debitAccountId: assetId, creditAccountId: bob.id, amount: '1234', state: 'POSTED' }),
    ]);
    // The outgoing payment's account: funded from alice's balance, emptied by the packet.
    const payment = await transfers(paymentId);
    expect(payment.credits).toEqual([
      expect.objectContaining({ debitAccountId: alice.id, creditAccountId: paymentId, amount: '1234' }),
    ]);
    expect(payment.debits).toEqual([
      expect.objectContaining({ debitAccountId: paymentId, creditAccountId: assetId, amount: '1234' }),
    ]);
    const fromAlice = await transfers(alice.id);
    expect(fromAlice.credits).toEqual([
      expect.objectContaining({ debitAccountId: settlementAccountId, amount: '5000', transferType: 'DEPOSIT' }),
    ]);
    expect(fromAlice.debits).toEqual([expect.objectContaining({ creditAccountId: paymentId, amount: '1234' })]);
    // The settlement account has no other name: its own id lists it.
    const settlement = await transfers(settlementAccountId);
    expect(settlement.credits.map((transfer: Json) => transfer.id)).toEqual(
      expect.arrayContaining([ids.pending, ids.posted]),
    );
  });

  it("lists a peer's account by the peer's id", async () => {
    const CREATE_PEER = 'mutation P($input: CreatePeerInput!) { createPeer(input: $input) { peer { id } } }';
    const { id: peerId } = (
      await admin.ok(CREATE_PEER, {
        input: {
          assetId,
          staticIlpAddress: 'test.accounting-peer',
          http: { outgoing: { authToken: 'out', endpoint: 'https://peer.example/ilp' } },
          initialLiquidity: '700',
        },
      })
    ).createPeer.peer;
    expect(await transfers(peerId)).toEqual({
      debits: [],
      credits: [
        expect.objectContaining({
          debitAccountId: settlementAccountId,
          creditAccountId: peerId,
          amount: '700',
          transferType: 'DEPOSIT',
          state: 'POSTED',
          ledger: ledgerNumber,
        }),
      ],
    });
  });

  it('counts debits and credits together against the limit, keeping the newest', async () => {
    const all = await transfers(assetId, 100);
    expect(all.debits.length + all.credits.length).toBe(5);
    const newest = await transfers(assetId, 2);
    expect(newest.debits.length + newest.credits.length).toBe(2);
    // The packet's legs are the newest movements of the liquidity account.
    expect([...newest.debits, ...newest.credits].map((transfer: Json) => transfer.amount)).toEqual(['1234', '1234']);
  });

  it('stops listing a pending withdrawal once its time is up', async () => {
    const id = randomUUID();
    await withdraw(id, '50', '1');
    const listed = (await transfers(assetId)).debits.find((transfer: Json) => transfer.id === id);
    expect(listed).toMatchObject({ state: 'PENDING', amount: '50', transferType: 'WITHDRAWAL' });
    await new Promise((resolve) => setTimeout(resolve, Date.parse(listed.expiresAt) + 50 - Date.now()));
    expect((await transfers(assetId)).debits.map((transfer: Json) => transfer.id)).not.toContain(id);
  });

  it('answers empty lists for an id no account has, and refuses a limit out of range', async () => {
    expect(await transfers(randomUUID())).toEqual({ debits: [], credits: [] });
    expect(await transfers('not-a-uuid')).toEqual({ debits: [], credits: [] });
    for (const limit of [0, -1, 10_001]) {
      await admin.fails(ACCOUNTING_TRANSFERS, { id: assetId, limit }, 'BAD_USER_INPUT');
    }
  });
});
