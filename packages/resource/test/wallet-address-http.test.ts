import type { SluiceInstance } from '@sluice/server';
import { startTestSluice } from '../../../test-support';
import { insertAsset } from './fixtures';

describe('wallet address documents over HTTP', () => {
  let sluice: SluiceInstance;
  let base: string;

  beforeAll(async () => {
    sluice = await startTestSluice({ SLUICE_SERVICES: 'resource,auth' });
    base = sluice.publicUrls.openPayments;
    const resource = sluice.services.resource!;
    const usd = await insertAsset(sluice.database.knex);
    const alice = await resource.walletAddresses.create({ address: '/alice', assetId: usd, publicName: 'Alice' });
    await resource.walletAddresses.create({ address: '/shop/bob', assetId: usd });
    const gone = await resource.walletAddresses.create({ address: '/gone', assetId: usd });
    await resource.walletAddresses.update({ id: gone.id, status: 'inactive' });
    await resource.keys.add(alice.id, {
      kid: 'key-1',
      alg: 'EdDSA',
      kty: 'OKP',
      crv: 'Ed25519',
      x: Buffer.alloc(32, 9).toString('base64url'),
    });
  });
  afterAll(() => sluice.stop());

  it('serves the wallet address document at any path depth', async () => {
    const response = await fetch(`${base}/alice`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      id: `${base}/alice`,
      publicName: 'Alice',
      assetCode: 'USD',
      assetScale: 2,
      authServer: sluice.publicUrls.authServer,
      resourceServer: base,
    });
    const nested = await fetch(`${base}/shop/bob/`);
    expect(((await nested.json()) as { id: string }).id).toBe(`${base}/shop/bob`);
  });

  it('serves the registered keys at jwks.json', async () => {
    const response = await fetch(`${base}/alice/jwks.json`);
    expect(response.status).toBe(200);
    const { keys } = (await response.json()) as { keys: unknown[] };
    expect(keys).toEqual([
      {
        kid: 'key-1',
        alg: 'EdDSA',
        kty: 'OKP',
        crv: 'Ed25519',
        x: Buffer.alloc(32, 9).toString('base64url'),
        use: 'sig',
      },
    ]);
    expect(await (await fetch(`${base}/shop/bob/jwks.json`)).json()).toEqual({ keys: [] });
  });

  it.each(['/nobody', '/gone', '/gone/jwks.json', '/nobody/jwks.json'])('answers 404 for %s', async (path) => {
    const response = await fetch(`${base}${path}`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: { code: 'not_found', description: 'wallet address not found' } });
  });
});
