import { randomUUID } from 'node:crypto';
import { startAdmin, type AdminHarness } from './support/admin-harness';

const ASSET_FIELDS = `id code scale withdrawalThreshold liquidityThreshold liquidity createdAt tenantId
  sendingFee { id assetId type fixed basisPoints createdAt }
  receivingFee { type fixed basisPoints }`;
const CREATE_ASSET = `mutation Create($input: CreateAssetInput!) { createAsset(input: $input) { asset { ${ASSET_FIELDS} } } }`;
const UPDATE_ASSET = `mutation Update($input: UpdateAssetInput!) { updateAsset(input: $input) { asset { ${ASSET_FIELDS} } } }`;
const DELETE_ASSET = `mutation Delete($input: DeleteAssetInput!) { deleteAsset(input: $input) { asset { id code scale } } }`;
const ASSET = `query Asset($id: String!) { asset(id: $id) { ${ASSET_FIELDS} } }`;
const ASSETS = `query Assets($first: Int, $after: String, $last: Int, $before: String, $sortOrder: SortOrder) {
  assets(first: $first, after: $after, last: $last, before: $before, sortOrder: $sortOrder) {
    edges { cursor node { id code } } pageInfo { startCursor endCursor hasNextPage hasPreviousPage }
  }
}`;
const SET_FEE = `mutation Fee($input: SetFeeInput!) { setFee(input: $input) { fee { id assetId type fixed basisPoints } } }`;
const PEER_FIELDS = `id name staticIlpAddress maxPacketAmount liquidityThreshold liquidity createdAt tenantId
  http { outgoing { authToken endpoint } } asset { id code scale }`;
const CREATE_PEER = `mutation Peer($input: CreatePeerInput!) { createPeer(input: $input) { peer { ${PEER_FIELDS} } } }`;
const UPDATE_PEER = `mutation Peer($input: UpdatePeerInput!) { updatePeer(input: $input) { peer { ${PEER_FIELDS} } } }`;
const DELETE_PEER = `mutation Delete($input: DeletePeerInput!) { deletePeer(input: $input) { success } }`;
const PEER = `query Peer($id: String!) { peer(id: $id) { ${PEER_FIELDS} } }`;
const liquidity = (name: string, type: string) =>
  `mutation Liquidity($input: ${type}!) { ${name}(input: $input) { success } }`;
const DEPOSIT_ASSET = liquidity('depositAssetLiquidity', 'DepositAssetLiquidityInput');
const WITHDRAW_ASSET = liquidity('createAssetLiquidityWithdrawal', 'CreateAssetLiquidityWithdrawalInput');
const DEPOSIT_PEER = liquidity('depositPeerLiquidity', 'DepositPeerLiquidityInput');
const WITHDRAW_PEER = liquidity('createPeerLiquidityWithdrawal', 'CreatePeerLiquidityWithdrawalInput');
const POST = liquidity('postLiquidityWithdrawal', 'PostLiquidityWithdrawalInput');
const VOID = liquidity('voidLiquidityWithdrawal', 'VoidLiquidityWithdrawalInput');

describe('assets, fees, peers and liquidity through the connector port', () => {
  let admin: AdminHarness;
  let usd: { id: string };

  beforeAll(async () => {
    admin = await startAdmin({ connector: true });
    usd = (await admin.ok(CREATE_ASSET, { input: { code: 'USD', scale: 2, withdrawalThreshold: '100' } })).createAsset
      .asset;
  });
  afterAll(() => admin.stop());

  const assetLiquidity = async (id: string) => (await admin.ok(ASSET, { id })).asset.liquidity;

  it('creates an asset and reads it by id, by code and scale, and in the list', async () => {
    const eur = (await admin.ok(CREATE_ASSET, { input: { code: 'EUR', scale: 2, liquidityThreshold: '5000' } }))
      .createAsset.asset;
    expect(eur).toEqual({
      id: expect.any(String),
      code: 'EUR',
      scale: 2,
      withdrawalThreshold: null,
      liquidityThreshold: '5000',
      liquidity: '0',
      createdAt: expect.any(String),
      tenantId: expect.any(String),
      sendingFee: null,
      receivingFee: null,
    });
    expect((await admin.ok(ASSET, { id: eur.id })).asset).toEqual(eur);
    const byCode = await admin.ok(
      `{ assetByCodeAndScale(code: "EUR", scale: 2) { id } none: assetByCodeAndScale(code: "EUR", scale: 3) { id } }`,
    );
    expect(byCode).toEqual({ assetByCodeAndScale: { id: eur.id }, none: null });
    const listed = (await admin.ok(ASSETS, { first: 10 })).assets;
    expect(listed.edges.map((edge: { node: { code: string } }) => edge.node.code)).toEqual(['EUR', 'USD']);
    const ascending = (await admin.ok(ASSETS, { first: 1, sortOrder: 'ASC' })).assets;
    expect(ascending.edges[0].node.code).toBe('USD');
    expect(ascending.pageInfo.hasNextPage).toBe(true);
    const back = (await admin.ok(ASSETS, { last: 1, before: eur.id })).assets;
    expect(back.edges).toEqual([]);
    const next = (await admin.ok(ASSETS, { first: 1, after: eur.id })).assets;
    expect(next.edges[0].node.code).toBe('USD');
  });

  it('refuses duplicate and malformed assets, and unknown ids, with typed errors', async () => {
    expect((await admin.fails(CREATE_ASSET, { input: { code: 'USD', scale: 2 } }, 'DUPLICATE')).message).toMatch(
      /exists/,
    );
    await admin.fails(CREATE_ASSET, { input: { code: 'U S D', scale: 2 } }, 'BAD_USER_INPUT');
    const badScale = await admin.gql(CREATE_ASSET, { input: { code: 'XYZ', scale: 256 } });
    expect(badScale.status).toBe(400);
    await admin.fails(ASSET, { id: randomUUID() }, 'NOT_FOUND');
    await admin.fails(ASSET, { id: 'usd' }, 'NOT_FOUND');
    await admin.fails(UPDATE_ASSET, { input: { id: randomUUID(), withdrawalThreshold: '1' } }, 'NOT_FOUND');
  });

  it('updates thresholds: given ones change, omitted ones stay, null clears', async () => {
    const updated = await admin.ok(UPDATE_ASSET, { input: { id: usd.id, liquidityThreshold: '700' } });
    expect(updated.updateAsset.asset).toMatchObject({ withdrawalThreshold: '100', liquidityThreshold: '700' });
    const cleared = await admin.ok(UPDATE_ASSET, { input: { id: usd.id, withdrawalThreshold: null } });
    expect(cleared.updateAsset.asset).toMatchObject({ withdrawalThreshold: null, liquidityThreshold: '700' });
  });

  it('sets fees (versioned: the newest applies) and shows them on the asset', async () => {
    const first = await admin.ok(SET_FEE, {
      input: { assetId: usd.id, type: 'SENDING', fee: { fixed: '10', basisPoints: 50 } },
    });
    expect(first.setFee.fee).toEqual({
      id: expect.any(String),
      assetId: usd.id,
      type: 'SENDING',
      fixed: '10',
      basisPoints: 50,
    });
    await admin.ok(SET_FEE, { input: { assetId: usd.id, type: 'SENDING', fee: { fixed: '20', basisPoints: 0 } } });
    const asset = (await admin.ok(ASSET, { id: usd.id })).asset;
    expect(asset.sendingFee).toMatchObject({ type: 'SENDING', fixed: '20', basisPoints: 0 });
    expect(asset.receivingFee).toBeNull();
    // What the quotes charge comes from the same service.
    expect((await admin.resource.fees.current(usd.id, 'SENDING'))?.fixed).toBe(20n);
    // Every version stays listed, newest first, with the receiving fee set last.
    await admin.ok(SET_FEE, { input: { assetId: usd.id, type: 'RECEIVING', fee: { fixed: '0', basisPoints: 5 } } });
    const FEES = `query ($id: String!, $first: Int, $after: String) {
      asset(id: $id) { fees(first: $first, after: $after) {
        edges { node { type fixed basisPoints } } pageInfo { hasNextPage endCursor } } }
    }`;
    const page = (await admin.ok(FEES, { id: usd.id, first: 2 })).asset.fees;
    expect(page.edges.map((edge: { node: unknown }) => edge.node)).toEqual([
      { type: 'RECEIVING', fixed: '0', basisPoints: 5 },
      { type: 'SENDING', fixed: '20', basisPoints: 0 },
    ]);
    expect(page.pageInfo.hasNextPage).toBe(true);
    const rest = (await admin.ok(FEES, { id: usd.id, first: 2, after: page.pageInfo.endCursor })).asset.fees;
    expect(rest.edges.map((edge: { node: unknown }) => edge.node)).toEqual([
      { type: 'SENDING', fixed: '10', basisPoints: 50 },
    ]);
    expect(rest.pageInfo.hasNextPage).toBe(false);
    await admin.fails(
      SET_FEE,
      { input: { assetId: usd.id, type: 'SENDING', fee: { fixed: '1', basisPoints: 10001 } } },
      'BAD_USER_INPUT',
    );
    await admin.fails(
      SET_FEE,
      { input: { assetId: randomUUID(), type: 'SENDING', fee: { fixed: '1', basisPoints: 1 } } },
      'NOT_FOUND',
    );
  });

  it('deposits and withdraws asset liquidity, one and two phase', async () => {
    const key = () => randomUUID();
    await admin.ok(DEPOSIT_ASSET, {
      input: { assetId: usd.id, amount: '10000', id: randomUUID(), idempotencyKey: key() },
    });
    expect(await assetLiquidity(usd.id)).toBe('10000');

    await admin.ok(WITHDRAW_ASSET, {
      input: { assetId: usd.id, amount: '1000', id: randomUUID(), idempotencyKey: key(), timeoutSeconds: '0' },
    });
    expect(await assetLiquidity(usd.id)).toBe('9000');

    const posted = randomUUID();
    await admin.ok(WITHDRAW_ASSET, {
      input: { assetId: usd.id, amount: '2000', id: posted, idempotencyKey: key(), timeoutSeconds: '60' },
    });
    expect((await admin.connector!.getAssetLiquidity(usd.id)).toString()).toBe('9000'); // held, not yet posted
    await admin.ok(POST, { input: { withdrawalId: posted, idempotencyKey: key() } });
    expect(await assetLiquidity(usd.id)).toBe('7000');
    await admin.fails(POST, { input: { withdrawalId: posted, idempotencyKey: key() } }, 'CONFLICT');

    const voided = randomUUID();
    await admin.ok(WITHDRAW_ASSET, {
      input: { assetId: usd.id, amount: '3000', id: voided, idempotencyKey: key(), timeoutSeconds: '60' },
    });
    await admin.ok(VOID, { input: { withdrawalId: voided, idempotencyKey: key() } });
    expect(await assetLiquidity(usd.id)).toBe('7000');
    await admin.fails(VOID, { input: { withdrawalId: randomUUID(), idempotencyKey: key() } }, 'NOT_FOUND');
  });

  it('refuses liquidity requests Rafiki refuses, moving nothing', async () => {
    const key = () => randomUUID();
    const before = await assetLiquidity(usd.id);
    const zero = await admin.fails(
      DEPOSIT_ASSET,
      { input: { assetId: usd.id, amount: '0', id: randomUUID(), idempotencyKey: key() } },
      'FORBIDDEN',
    );
    expect(zero.message).toBe('Transfer amount is zero');
    await admin.fails(
      DEPOSIT_ASSET,
      { input: { assetId: usd.id, amount: '1', id: 'x', idempotencyKey: key() } },
      'BAD_USER_INPUT',
    );
    await admin.fails(
      DEPOSIT_ASSET,
      { input: { assetId: randomUUID(), amount: '1', id: randomUUID(), idempotencyKey: key() } },
      'NOT_FOUND',
    );
    await admin.fails(
      WITHDRAW_ASSET,
      { input: { assetId: usd.id, amount: '999999999', id: randomUUID(), idempotencyKey: key(), timeoutSeconds: '0' } },
      'FORBIDDEN',
    );
    // The same transfer id with another amount.
    const id = randomUUID();
    await admin.ok(DEPOSIT_ASSET, { input: { assetId: usd.id, amount: '5', id, idempotencyKey: key() } });
    await admin.fails(
      DEPOSIT_ASSET,
      { input: { assetId: usd.id, amount: '6', id, idempotencyKey: key() } },
      'DUPLICATE',
    );
    expect(await assetLiquidity(usd.id)).toBe((BigInt(before) + 5n).toString());
  });

  it('replays a deposit under the same idempotency key without moving money twice', async () => {
    const before = BigInt(await assetLiquidity(usd.id));
    const input = { assetId: usd.id, amount: '250', id: randomUUID(), idempotencyKey: randomUUID() };
    await admin.ok(DEPOSIT_ASSET, { input });
    await admin.ok(DEPOSIT_ASSET, { input });
    expect(BigInt(await assetLiquidity(usd.id))).toBe(before + 250n);
  });

  it('creates, reads, updates, funds and deletes peers', async () => {
    const input = {
      assetId: usd.id,
      staticIlpAddress: 'test.peer-a',
      name: 'Peer A',
      maxPacketAmount: '1000',
      http: {
        incoming: { authTokens: ['incoming-token-a'] },
        outgoing: { authToken: 'out-a', endpoint: 'https://peer-a.example/ilp' },
      },
      initialLiquidity: '300',
    };
    const peer = (await admin.ok(CREATE_PEER, { input })).createPeer.peer;
    expect(peer).toEqual({
      id: expect.any(String),
      name: 'Peer A',
      staticIlpAddress: 'test.peer-a',
      maxPacketAmount: '1000',
      liquidityThreshold: null,
      liquidity: '300',
      createdAt: expect.any(String),
      tenantId: expect.any(String),
      http: { outgoing: { authToken: 'out-a', endpoint: 'https://peer-a.example/ilp' } },
      asset: { id: usd.id, code: 'USD', scale: 2 },
    });
    expect((await admin.ok(PEER, { id: peer.id })).peer).toEqual(peer);
    const byAddress = await admin.ok(
      `query($assetId: String!) { peerByAddressAndAsset(staticIlpAddress: "test.peer-a", assetId: $assetId) { id } }`,
      { assetId: usd.id },
    );
    expect(byAddress.peerByAddressAndAsset.id).toBe(peer.id);
    const list = await admin.ok(`{ peers(first: 5) { edges { node { id } } pageInfo { hasNextPage } } }`);
    expect(list.peers.edges.map((edge: { node: { id: string } }) => edge.node.id)).toEqual([peer.id]);

    await admin.fails(CREATE_PEER, { input: { ...input, initialLiquidity: undefined } }, 'DUPLICATE');
    await admin.fails(CREATE_PEER, { input: { ...input, staticIlpAddress: 'not an address' } }, 'BAD_USER_INPUT');
    await admin.fails(
      CREATE_PEER,
      { input: { ...input, staticIlpAddress: 'test.peer-z', assetId: randomUUID() } },
      'NOT_FOUND',
    );

    const renamed = await admin.ok(UPDATE_PEER, { input: { id: peer.id, name: 'Peer A2', maxPacketAmount: null } });
    expect(renamed.updatePeer.peer).toMatchObject({
      name: 'Peer A2',
      maxPacketAmount: null,
      staticIlpAddress: 'test.peer-a',
    });

    await admin.ok(DEPOSIT_PEER, {
      input: { peerId: peer.id, amount: '700', id: randomUUID(), idempotencyKey: randomUUID() },
    });
    await admin.ok(WITHDRAW_PEER, {
      input: { peerId: peer.id, amount: '100', id: randomUUID(), idempotencyKey: randomUUID(), timeoutSeconds: '0' },
    });
    expect((await admin.ok(PEER, { id: peer.id })).peer.liquidity).toBe('900');
    await admin.fails(
      DEPOSIT_PEER,
      { input: { peerId: randomUUID(), amount: '1', id: randomUUID(), idempotencyKey: randomUUID() } },
      'NOT_FOUND',
    );

    expect((await admin.ok(DELETE_PEER, { input: { id: peer.id } })).deletePeer.success).toBe(true);
    await admin.fails(PEER, { id: peer.id }, 'NOT_FOUND');
    await admin.fails(DELETE_PEER, { input: { id: peer.id } }, 'NOT_FOUND');
  });

  it("completes a wallet address's asset from the connector, and reports its ledger balance", async () => {
    const walletAddress = await admin.resource.walletAddresses.create({ address: '/ledgered', assetId: usd.id });
    const data = await admin.ok(
      `query($id: String!) {
      walletAddress(id: $id) { liquidity asset { id code createdAt liquidityThreshold } }
    }`,
      { id: walletAddress.id },
    );
    expect(data.walletAddress).toEqual({
      liquidity: null,
      asset: { id: usd.id, code: 'USD', createdAt: expect.any(String), liquidityThreshold: '700' },
    });
  });

  describe('deleteAsset (Rafiki: a soft delete of an asset nothing uses)', () => {
    const create = async (code: string, scale = 2) =>
      (await admin.ok(CREATE_ASSET, { input: { code, scale, liquidityThreshold: '50' } })).createAsset.asset as {
        id: string;
      };
    const peerInput = (assetId: string, address: string) => ({
      assetId,
      staticIlpAddress: address,
      http: { outgoing: { authToken: 'out', endpoint: 'https://peer.example/ilp' } },
    });

    it('refuses an asset a wallet address, a peer or money in the ledger is in; then hides it everywhere', async () => {
      const gbp = await create('GBP');
      await admin.resource.walletAddresses.create({ address: '/in-gbp', assetId: gbp.id });
      const inUse = await admin.fails(DELETE_ASSET, { input: { id: gbp.id } }, 'FORBIDDEN');
      expect(inUse.message).toMatch(/wallet address/);

      const chf = await create('CHF');
      const peer = (await admin.ok(CREATE_PEER, { input: peerInput(chf.id, 'test.chf-peer') })).createPeer.peer;
      expect((await admin.fails(DELETE_ASSET, { input: { id: chf.id } }, 'FORBIDDEN')).message).toMatch(/peer/);
      await admin.ok(DEPOSIT_PEER, {
        input: { peerId: peer.id, amount: '30', id: randomUUID(), idempotencyKey: randomUUID() },
      });
      await admin.ok(DELETE_PEER, { input: { id: peer.id } });
      // The deleted peer's account still holds 30: deleting the asset would leave that money nowhere to be seen.
      expect((await admin.fails(DELETE_ASSET, { input: { id: chf.id } }, 'FORBIDDEN')).message).toMatch(/money/);

      const sek = await create('SEK');
      await admin.ok(DEPOSIT_ASSET, {
        input: { assetId: sek.id, amount: '500', id: randomUUID(), idempotencyKey: randomUUID() },
      });
      const withdrawal = randomUUID();
      await admin.ok(WITHDRAW_ASSET, {
        input: { assetId: sek.id, amount: '500', id: withdrawal, idempotencyKey: randomUUID(), timeoutSeconds: '60' },
      });
      // Held for a pending withdrawal is still money in the asset.
      await admin.fails(DELETE_ASSET, { input: { id: sek.id } }, 'FORBIDDEN');
      await admin.ok(POST, { input: { withdrawalId: withdrawal, idempotencyKey: randomUUID() } });

      const deleted = await admin.ok(DELETE_ASSET, { input: { id: sek.id } });
      expect(deleted.deleteAsset.asset).toEqual({ id: sek.id, code: 'SEK', scale: 2 });
      await admin.fails(ASSET, { id: sek.id }, 'NOT_FOUND');
      expect((await admin.ok(`{ assetByCodeAndScale(code: "SEK", scale: 2) { id } }`)).assetByCodeAndScale).toBeNull();
      const listed = (await admin.ok(ASSETS, { first: 50 })).assets.edges.map(
        (edge: { node: { id: string } }) => edge.node.id,
      );
      expect(listed).not.toContain(sek.id);
      expect(listed).toContain(gbp.id);
      await admin.fails(DELETE_ASSET, { input: { id: sek.id } }, 'NOT_FOUND');
      await admin.fails(UPDATE_ASSET, { input: { id: sek.id, withdrawalThreshold: '1' } }, 'NOT_FOUND');
      await admin.fails(
        DEPOSIT_ASSET,
        { input: { assetId: sek.id, amount: '1', id: randomUUID(), idempotencyKey: randomUUID() } },
        'NOT_FOUND',
      );
      await admin.fails(CREATE_PEER, { input: peerInput(sek.id, 'test.sek-peer') }, 'NOT_FOUND');
      await admin.fails(
        SET_FEE,
        { input: { assetId: sek.id, type: 'SENDING', fee: { fixed: '1', basisPoints: 0 } } },
        'NOT_FOUND',
      );
      await expect(
        admin.resource.walletAddresses.create({ address: '/in-sek', assetId: sek.id }),
      ).rejects.toMatchObject({
        code: 'unknown_asset',
      });
      await admin.fails(DELETE_ASSET, { input: { id: 'not-a-uuid' } }, 'NOT_FOUND');
    });

    it('creating the code and scale of a deleted asset restores it under its old id, with the new thresholds', async () => {
      const nok = await create('NOK');
      await admin.ok(DELETE_ASSET, { input: { id: nok.id } });
      const again = (await admin.ok(CREATE_ASSET, { input: { code: 'NOK', scale: 2, withdrawalThreshold: '9' } }))
        .createAsset.asset;
      expect(again).toMatchObject({ id: nok.id, code: 'NOK', withdrawalThreshold: '9', liquidityThreshold: null });
      expect((await admin.ok(ASSET, { id: nok.id })).asset.id).toBe(nok.id);
      await admin.fails(CREATE_ASSET, { input: { code: 'NOK', scale: 2 } }, 'DUPLICATE');
    });

    it('never lets a deletion and a wallet address creation both succeed', async () => {
      for (let round = 0; round < 10; round += 1) {
        const asset = await create(`RACE${round}`);
        const [deletion, creation] = await Promise.allSettled([
          admin.gql(DELETE_ASSET, { input: { id: asset.id } }),
          admin.resource.walletAddresses.create({ address: `/race-${round}`, assetId: asset.id }),
        ]);
        const deleted =
          deletion.status === 'fulfilled' && deletion.value.body.data?.deleteAsset?.asset?.id === asset.id;
        expect([deleted, creation.status === 'fulfilled']).not.toEqual([true, true]);
        expect(deleted || creation.status === 'fulfilled').toBe(true);
      }
    });
  });
});
