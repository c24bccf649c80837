import { createTestDatabase, type TestDatabase } from '../../../test-support';
import { createAssetService, createLedger, createPeerService, type AssetService, type PeerService } from '../src';
import { randomUUID } from 'node:crypto';

let db: TestDatabase;
let assets: AssetService;
let peers: PeerService;
let changes = 0;
beforeAll(async () => {
  db = await createTestDatabase();
  assets = createAssetService({ knex: db.knex, onChange: () => changes++ });
  peers = createPeerService({ knex: db.knex, onChange: () => changes++ });
});
afterAll(() => db.drop());

const peerOptions = (assetId: string, address: string, tokens: string[] = []) => ({
  assetId,
  staticIlpAddress: address,
  name: 'Bob',
  http: { incoming: { authTokens: tokens }, outgoing: { authToken: 'out-token', endpoint: 'https://bob.example/ilp' } },
  maxPacketAmount: 1000n,
  creditLimit: 500n,
});

describe('assets', () => {
  test('create → get → update; created with settlement and liquidity accounts', async () => {
    const before = changes;
    const asset = await assets.createAsset({ code: 'XAU', scale: 6, withdrawalThreshold: 10n });
    expect(asset).toMatchObject({ code: 'XAU', scale: 6, withdrawalThreshold: 10n, liquidityThreshold: null });
    expect(changes).toBe(before + 1);
    expect(await assets.getAsset(asset.id)).toEqual(asset);
    expect(await assets.getAssetByCodeAndScale('XAU', 6)).toEqual(asset);
    const ledger = createLedger({ knex: db.knex });
    expect(await ledger.getAssetAccountIds(asset.id)).toEqual({
      liquidityAccountId: asset.liquidityAccountId,
      settlementAccountId: asset.settlementAccountId,
    });
    const liquidity = await ledger.getLedgerAccount(asset.liquidityAccountId);
    expect(liquidity).toMatchObject({ kind: 'liquidity', minBalance: 0n, maxBalance: null });
    const updated = await assets.updateAsset({
      id: asset.id,
      liquidityThreshold: 2n ** 64n - 1n,
      withdrawalThreshold: null,
    });
    expect(updated).toMatchObject({ liquidityThreshold: 2n ** 64n - 1n, withdrawalThreshold: null, code: 'XAU' });
    expect(updated.updatedAt.getTime()).toBeGreaterThanOrEqual(asset.updatedAt.getTime());
  });

  test('validation and typed errors', async () => {
    await assets.createAsset({ code: 'DUP', scale: 2 });
    await expect(assets.createAsset({ code: 'DUP', scale: 2 })).rejects.toMatchObject({ code: 'duplicate_asset' });
    await expect(assets.createAsset({ code: 'DUP', scale: 3 })).resolves.toMatchObject({ scale: 3 });
    for (const bad of [
      { code: '', scale: 2 },
      { code: 'has space', scale: 2 },
      { code: 'OK', scale: 256 },
      { code: 'OK', scale: 1.5 },
      { code: 'OK', scale: 2, withdrawalThreshold: -1n },
      { code: 'OK', scale: 2, liquidityThreshold: 2n ** 64n },
    ]) {
      await expect(assets.createAsset(bad)).rejects.toMatchObject({ code: 'invalid_argument' });
    }
    await expect(assets.updateAsset({ id: randomUUID(), liquidityThreshold: 1n })).rejects.toMatchObject({
      code: 'unknown_asset',
    });
    expect(await assets.getAsset('not-a-uuid')).toBeUndefined();
  });

  test('cursor pagination forwards and backwards, both sort orders', async () => {
    const created = [];
    for (const code of ['PA', 'PB', 'PC', 'PD', 'PE']) created.push(await assets.createAsset({ code, scale: 0 }));
    const all = [];
    let page = await assets.listAssets({ first: 2 });
    all.push(...page.items);
    while (page.pageInfo.hasNextPage) {
      page = await assets.listAssets({ first: 2, after: page.pageInfo.endCursor });
      all.push(...page.items);
    }
    const ids = all.map((asset) => asset.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expect.arrayContaining(created.map((asset) => asset.id)));
    // Creation order.
    expect(ids.indexOf(created[0].id)).toBeLessThan(ids.indexOf(created[4].id));

    const last = await assets.listAssets({ last: 2 });
    expect(last.items.map((asset) => asset.id)).toEqual(ids.slice(-2));
    expect(last.pageInfo.hasPreviousPage).toBe(true);
    const before = await assets.listAssets({ last: 2, before: last.pageInfo.startCursor });
    expect(before.items.map((asset) => asset.id)).toEqual(ids.slice(-4, -2));

    const descending = await assets.listAssets({ first: 3, sortOrder: 'DESC' });
    expect(descending.items.map((asset) => asset.id)).toEqual(ids.slice(-3).reverse());

    await expect(assets.listAssets({ first: 0 })).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(assets.listAssets({ first: 2, last: 2 })).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(assets.listAssets({ after: randomUUID() })).rejects.toMatchObject({ code: 'invalid_argument' });
  });
});

describe('peers', () => {
  let assetId: string;
  beforeAll(async () => {
    assetId = (await assets.createAsset({ code: 'PEERS', scale: 2 })).id;
  });

  test('create → get (Rafiki field names), with a ledger account of the same id and the credit limit', async () => {
    const peer = await peers.createPeer(peerOptions(assetId, 'test.bob', ['bob-incoming-1']));
    expect(peer).toMatchObject({
      assetId,
      asset: { code: 'PEERS', scale: 2 },
      staticIlpAddress: 'test.bob',
      name: 'Bob',
      maxPacketAmount: 1000n,
      liquidityThreshold: null,
      creditLimit: 500n,
      http: { outgoing: { authToken: 'out-token', endpoint: 'https://bob.example/ilp' } },
    });
    expect(peer).not.toHaveProperty('http.incoming');
    expect(await peers.getPeer(peer.id)).toEqual(peer);
    expect(await peers.getPeerByAddressAndAsset('test.bob', assetId)).toEqual(peer);
    const account = await createLedger({ knex: db.knex }).getLedgerAccount(peer.id);
    expect(account).toMatchObject({ kind: 'peer', assetId, minBalance: -500n, ownerId: peer.id });
  });

  test('incoming tokens are stored hashed and find their peer', async () => {
    const peer = await peers.createPeer(peerOptions(assetId, 'test.hashed', ['secret-token-abc']));
    const stored = await db.knex('connector_peer_incoming_tokens').where({ peer_id: peer.id });
    expect(stored).toHaveLength(1);
    expect(Buffer.from(stored[0].token_hash).includes(Buffer.from('secret-token-abc'))).toBe(false);
    expect(JSON.stringify(await db.knex('connector_peers').where({ id: peer.id }))).not.toContain('secret-token-abc');
    expect((await peers.getPeerByIncomingToken('secret-token-abc'))?.id).toBe(peer.id);
    expect(await peers.getPeerByIncomingToken('secret-token-abd')).toBeUndefined();
  });

  test('typed errors: duplicate peer, duplicate token, bad address, unknown asset, bad endpoint', async () => {
    await peers.createPeer(peerOptions(assetId, 'test.carol', ['carol-token']));
    await expect(peers.createPeer(peerOptions(assetId, 'test.carol'))).rejects.toMatchObject({
      code: 'duplicate_peer',
    });
    await expect(peers.createPeer(peerOptions(assetId, 'test.carol2', ['carol-token']))).rejects.toMatchObject({
      code: 'duplicate_incoming_token',
    });
    await expect(peers.createPeer(peerOptions(assetId, 'not an address'))).rejects.toMatchObject({
      code: 'invalid_ilp_address',
    });
    await expect(peers.createPeer(peerOptions(randomUUID(), 'test.dave'))).rejects.toMatchObject({
      code: 'unknown_asset',
    });
    await expect(
      peers.createPeer({
        ...peerOptions(assetId, 'test.erin'),
        http: { outgoing: { authToken: 'x', endpoint: 'ftp://x' } },
      }),
    ).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(
      peers.createPeer({ ...peerOptions(assetId, 'test.erin'), maxPacketAmount: -1n }),
    ).rejects.toMatchObject({
      code: 'invalid_argument',
    });
    // Nothing half-created by the failures.
    expect(await peers.getPeerByAddressAndAsset('test.carol2', assetId)).toBeUndefined();
  });

  test('update: fields, replaced tokens, credit limit; a limit below what is used is refused', async () => {
    const peer = await peers.createPeer(peerOptions(assetId, 'test.frank', ['frank-old']));
    const updated = await peers.updatePeer({
      id: peer.id,
      staticIlpAddress: 'test.franklin',
      name: null,
      maxPacketAmount: null,
      http: {
        incoming: { authTokens: ['frank-new'] },
        outgoing: { authToken: 'o2', endpoint: 'http://frank.example/ilp' },
      },
      creditLimit: 1000n,
    });
    expect(updated).toMatchObject({
      staticIlpAddress: 'test.franklin',
      name: null,
      maxPacketAmount: null,
      creditLimit: 1000n,
      http: { outgoing: { authToken: 'o2', endpoint: 'http://frank.example/ilp' } },
    });
    expect(await peers.getPeerByIncomingToken('frank-old')).toBeUndefined();
    expect((await peers.getPeerByIncomingToken('frank-new'))?.id).toBe(peer.id);

    // The peer uses 800 of its credit: lowering the limit to 700 would break the account's limit.
    const ledger = createLedger({ knex: db.knex });
    const asset = (await assets.getAsset(assetId))!;
    await ledger.transfer({
      id: randomUUID(),
      debitAccountId: peer.id,
      creditAccountId: asset.liquidityAccountId,
      amount: 800n,
    });
    await expect(peers.updatePeer({ id: peer.id, creditLimit: 700n })).rejects.toMatchObject({
      code: 'limit_below_usage',
    });
    expect((await peers.getPeer(peer.id))?.creditLimit).toBe(1000n);
    await expect(peers.updatePeer({ id: randomUUID(), name: 'x' })).rejects.toMatchObject({ code: 'unknown_peer' });
    await expect(peers.updatePeer({ id: peer.id, staticIlpAddress: 'bad' })).rejects.toMatchObject({
      code: 'invalid_ilp_address',
    });
  });

  test('delete removes the peer and its tokens but keeps its ledger account', async () => {
    const peer = await peers.createPeer(peerOptions(assetId, 'test.gone', ['gone-token']));
    expect(await peers.deletePeer(peer.id)).toEqual(peer);
    expect(await peers.getPeer(peer.id)).toBeUndefined();
    expect(await peers.getPeerByIncomingToken('gone-token')).toBeUndefined();
    expect(await createLedger({ knex: db.knex }).getLedgerAccount(peer.id)).toMatchObject({ kind: 'peer' });
    await expect(peers.deletePeer(peer.id)).rejects.toMatchObject({ code: 'unknown_peer' });
  });

  test('list, filtered by asset, paginated', async () => {
    const other = await assets.createAsset({ code: 'OTHER', scale: 2 });
    const p1 = await peers.createPeer(peerOptions(other.id, 'test.o1'));
    const p2 = await peers.createPeer(peerOptions(other.id, 'test.o2'));
    const page = await peers.listPeers({ first: 1 }, { assetId: other.id });
    expect(page.items.map((peer) => peer.id)).toEqual([p1.id]);
    expect(page.pageInfo.hasNextPage).toBe(true);
    const next = await peers.listPeers({ first: 1, after: page.pageInfo.endCursor }, { assetId: other.id });
    expect(next.items.map((peer) => peer.id)).toEqual([p2.id]);
    expect(next.pageInfo.hasNextPage).toBe(false);
    expect((await peers.listAllPeers()).length).toBeGreaterThan(2);
  });
});
