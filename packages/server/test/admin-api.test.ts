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
});
