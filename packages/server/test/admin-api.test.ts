// The admin GraphQL API as wired in the server: an operator creates an asset, deposits liquidity, creates a wallet
// address and credits it, and the payment machinery sees all of it at once (the connector's routing included).
import { signAdminRequest } from '@sluice/admin';
import type { SluiceInstance } from '@sluice/server';
import { startTestSluice } from '../../../test-support';

describe('admin API in the running server', () => {
  let sluice: SluiceInstance;
  beforeAll(async () => (sluice = await startTestSluice({ SLUICE_SERVICES: 'admin,resource,auth' })));
  afterAll(() => sluice.stop());

  async function graphql(
    query: string,
    variables: Record<string, unknown> = {},
    secret = sluice.secrets.adminApiSecret,
  ) {
    const body = { query, variables };
    const response = await fetch(`${sluice.urls.admin}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', signature: signAdminRequest(secret, body) },
      body: JSON.stringify(body),
    });
    return {
      status: response.status,
      json: (await response.json()) as {
        data?: Record<string, Record<string, Record<string, unknown>>>;
        errors?: unknown[];
      },
    };
  }

  it('refuses unsigned or wrongly signed requests', async () => {
    const unsigned = await fetch(`${sluice.urls.admin}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ assets { edges { node { id } } } }' }),
    });
    expect(unsigned.status).toBe(401);
    expect((await graphql('{ assets { edges { node { id } } } }', {}, 'wrong-secret')).status).toBe(401);
  });

  it('creates an asset and a wallet address that Open Payments serves at once', async () => {
    const asset = await graphql(
      'mutation ($input: CreateAssetInput!) { createAsset(input: $input) { asset { id code scale } } }',
      { input: { code: 'USD', scale: 2 } },
    );
    expect(asset.status).toBe(200);
    const assetId = (asset.json.data?.createAsset.asset as { id: string }).id;
    const walletAddress = await graphql(
      'mutation ($input: CreateWalletAddressInput!) { createWalletAddress(input: $input) { walletAddress { id address status } } }',
      {
        input: {
          assetId,
          address: `${sluice.publicUrls.openPayments}/operator-made`,
          publicName: 'Made by the operator',
        },
      },
    );
    expect(walletAddress.json.errors).toBeUndefined();
    expect(walletAddress.json.data?.createWalletAddress.walletAddress).toMatchObject({ status: 'ACTIVE' });
    const document = await fetch(`${sluice.publicUrls.openPayments}/operator-made`);
    expect(document.status).toBe(200);
    expect(await document.json()).toMatchObject({
      assetCode: 'USD',
      assetScale: 2,
      publicName: 'Made by the operator',
    });
  });

  it('credits a wallet address balance once per idempotency key and resolves its names', async () => {
    const usd = await graphql('{ assetByCodeAndScale(code: "USD", scale: 2) { id } }');
    const assetId = (usd.json.data?.assetByCodeAndScale as unknown as { id: string }).id;
    const created = await graphql(
      'mutation ($input: CreateWalletAddressInput!) { createWalletAddress(input: $input) { walletAddress { id ilpAddress } } }',
      { input: { assetId, address: `${sluice.publicUrls.openPayments}/funded` } },
    );
    const walletAddress = created.json.data?.createWalletAddress.walletAddress as { id: string; ilpAddress: string };
    expect(walletAddress.ilpAddress).toBe('test.sluice.funded');
    const deposit = {
      input: {
        id: '0f5e7b36-2f5b-4a0e-9d3e-6e3f4a1b2c3d',
        walletAddressId: walletAddress.id,
        amount: '2500',
        idempotencyKey: 'deposit-1',
      },
    };
    const mutation =
      'mutation ($input: DepositWalletAddressLiquidityInput!) { depositWalletAddressLiquidity(input: $input) { success } }';
    expect((await graphql(mutation, deposit)).json.errors).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 1100)); // a new signature second, so the replay is the key's
    expect((await graphql(mutation, deposit)).json.errors).toBeUndefined();
    const read = await graphql('query ($id: String!) { walletAddress(id: $id) { balance liquidity } }', {
      id: walletAddress.id,
    });
    expect(read.json.data?.walletAddress).toEqual({ balance: '2500', liquidity: '2500' });
    const resolved = await graphql('query ($name: String!) { resolveAddress(name: $name) { id } }', {
      name: 'test.sluice.funded.some-stream-token',
    });
    expect(resolved.json.data?.resolveAddress).toEqual({ id: walletAddress.id });
  });
});
