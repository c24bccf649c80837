import { randomUUID } from 'node:crypto';
import { startAdmin, type AdminHarness } from './support/admin-harness';

describe('an admin server built without the connector', () => {
  let admin: AdminHarness;
  let assetId: string;

  beforeAll(async () => {
    admin = await startAdmin();
    assetId = await admin.createAsset();
  });
  afterAll(() => admin.stop());

  it.each([
    ['createAsset', `mutation { createAsset(input: { code: "EUR", scale: 2 }) { asset { id } } }`],
    ['updateAsset', `mutation { updateAsset(input: { id: "ASSET", withdrawalThreshold: 1 }) { asset { id } } }`],
    ['deleteAsset', `mutation { deleteAsset(input: { id: "ASSET" }) { asset { id } } }`],
    ['asset', `{ asset(id: "ASSET") { id } }`],
    ['assetByCodeAndScale', `{ assetByCodeAndScale(code: "USD", scale: 2) { id } }`],
    ['assets', `{ assets { edges { node { id } } } }`],
    ['peers', `{ peers { edges { node { id } } } }`],
    ['peer', `{ peer(id: "${randomUUID()}") { id } }`],
    [
      'createPeer',
      `mutation { createPeer(input: { assetId: "ASSET", staticIlpAddress: "test.p",
         http: { outgoing: { authToken: "t", endpoint: "https://p.example/ilp" } } }) { peer { id } } }`,
    ],
    ['deletePeer', `mutation { deletePeer(input: { id: "${randomUUID()}" }) { success } }`],
    [
      'createOrUpdatePeerByUrl',
      `mutation { createOrUpdatePeerByUrl(input: { assetId: "ASSET", peerUrl: "http://127.0.0.1:9/" }) { peer { id } } }`,
    ],
    [
      'depositAssetLiquidity',
      `mutation { depositAssetLiquidity(input: { assetId: "ASSET", amount: 5, id: "${randomUUID()}",
         idempotencyKey: "${randomUUID()}" }) { success } }`,
    ],
    [
      'postLiquidityWithdrawal',
      `mutation { postLiquidityWithdrawal(input: { withdrawalId: "${randomUUID()}", idempotencyKey: "${randomUUID()}" }) { success } }`,
    ],
  ])('%s answers SERVICE_UNAVAILABLE and writes nothing', async (_name, query) => {
    const assetsBefore = await admin.knex('connector_assets').count('* as n');
    const result = await admin.gql(query.replace(/ASSET/g, assetId));
    expect(result.status).toBe(200);
    expect(result.body.errors?.[0]).toMatchObject({
      message: expect.stringMatching(/connector .* is not available on this server/),
      extensions: { code: 'SERVICE_UNAVAILABLE' },
    });
    expect(await admin.knex('connector_assets').count('* as n')).toEqual(assetsBefore);
    expect(Number((await admin.knex('ledger_transfers').count('* as n'))[0].n)).toBe(0);
  });

  it('lists payments, answering only their liquidity with SERVICE_UNAVAILABLE', async () => {
    const walletAddress = await admin.resource.walletAddresses.create({ address: '/no-connector', assetId });
    const payment = await admin.resource.incomingPayments.create({ walletAddress });
    const result = await admin.gql('{ payments { edges { node { id type state liquidity } } } }');
    expect(result.status).toBe(200);
    expect(result.body.data?.payments.edges).toEqual([
      { node: { id: payment.id, type: 'INCOMING', state: 'PENDING', liquidity: null } },
    ]);
    expect(result.body.errors).toEqual([
      expect.objectContaining({
        path: ['payments', 'edges', 0, 'node', 'liquidity'],
        extensions: { code: 'SERVICE_UNAVAILABLE' },
      }),
    ]);
  });

  it('still serves what the resource server provides (setFee needs no connector)', async () => {
    const data = await admin.ok(
      `mutation($assetId: ID!) { setFee(input: { assetId: $assetId, type: RECEIVING, fee: { fixed: "0", basisPoints: 25 } }) { fee { type basisPoints } } }`,
      { assetId },
    );
    expect(data.setFee.fee).toEqual({ type: 'RECEIVING', basisPoints: 25 });
  });
});
