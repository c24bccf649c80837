import { type ResourceServer, WalletAddressError } from '@sluice/resource';
import { createTestDatabase, type TestDatabase } from '../../../test-support';
import { createTestResourceServer, insertAsset } from './fixtures';

describe('wallet address service', () => {
  let db: TestDatabase;
  let resource: ResourceServer;
  let usd: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    resource = createTestResourceServer(db.knex);
    usd = await insertAsset(db.knex);
  });
  afterAll(() => db.drop());

  it('creates wallet addresses from URLs, payment pointers and paths, with readable ILP addresses', async () => {
    const alice = await resource.walletAddresses.create({ address: 'https://wallet.example/alice', assetId: usd });
    expect(alice).toMatchObject({
      url: 'https://wallet.example/alice',
      assetCode: 'USD',
      assetScale: 2,
      status: 'active',
      ilpAddress: 'test.sluice.alice',
    });
    const bob = await resource.walletAddresses.create({
      address: '$wallet.example/shop/bob',
      assetId: usd,
      publicName: 'Bob',
    });
    expect(bob.url).toBe('https://wallet.example/shop/bob');
    expect(bob.ilpAddress).toBe('test.sluice.shop_bob');
    const carol = await resource.walletAddresses.create({ address: '/carol.smith+1', assetId: usd });
    expect(carol.ilpAddress).toBe('test.sluice.carol-smith-1');
    // The same segment from another path gets a suffix instead of colliding.
    const shopBob = await resource.walletAddresses.create({ address: '/shop_bob', assetId: usd });
    expect(shopBob.ilpAddress).toBe('test.sluice.shop_bob-2');
    expect((await resource.walletAddresses.getByUrl('https://wallet.example/alice/'))?.id).toBe(alice.id);
    expect((await resource.walletAddresses.getByIlpSegment('shop_bob'))?.id).toBe(bob.id);
  });

  it.each([
    ['https://elsewhere.example/alice', 'invalid_url'],
    ['https://wallet.example/', 'invalid_url'],
    ['https://wallet.example/alice?x=1', 'invalid_url'],
    ['/incoming-payments', 'reserved_path'],
    ['/dave/jwks.json', 'reserved_path'],
    ['not a url', 'invalid_url'],
  ])('refuses %s (%s)', async (address, code) => {
    await expect(resource.walletAddresses.create({ address, assetId: usd })).rejects.toMatchObject({ code });
  });

  it('refuses duplicates and unknown assets with typed errors', async () => {
    await resource.walletAddresses.create({ address: '/erin', assetId: usd });
    await expect(resource.walletAddresses.create({ address: '/erin', assetId: usd })).rejects.toBeInstanceOf(
      WalletAddressError,
    );
    await expect(
      resource.walletAddresses.create({ address: '/frank', assetId: '00000000-0000-0000-0000-000000000000' }),
    ).rejects.toMatchObject({ code: 'unknown_asset' });
    expect(await resource.walletAddresses.getByUrl('https://wallet.example/frank')).toBeUndefined();
  });

  it('deactivates and reactivates', async () => {
    const grace = await resource.walletAddresses.create({ address: '/grace', assetId: usd });
    expect((await resource.walletAddresses.update({ id: grace.id, status: 'inactive' })).status).toBe('inactive');
    expect((await resource.walletAddresses.update({ id: grace.id, status: 'active' })).status).toBe('active');
    await expect(
      resource.walletAddresses.update({ id: '00000000-0000-0000-0000-000000000000', status: 'inactive' }),
    ).rejects.toMatchObject({ code: 'unknown_wallet_address' });
  });

  it('registers and revokes Ed25519 keys, refusing anything else', async () => {
    const heidi = await resource.walletAddresses.create({ address: '/heidi', assetId: usd });
    const jwk = { kid: 'k1', alg: 'EdDSA', kty: 'OKP', crv: 'Ed25519', x: Buffer.alloc(32, 1).toString('base64url') };
    const key = await resource.keys.add(heidi.id, jwk);
    expect((await resource.keys.listActive(heidi.id)).map((k) => k.jwk.kid)).toEqual(['k1']);
    await expect(resource.keys.add(heidi.id, jwk)).rejects.toMatchObject({ code: 'duplicate_key' });
    await expect(resource.keys.add(heidi.id, { ...jwk, kid: 'k2', kty: 'RSA' })).rejects.toMatchObject({
      code: 'invalid_jwk',
    });
    await expect(resource.keys.add(heidi.id, { ...jwk, kid: 'k3', d: 'secret' })).rejects.toMatchObject({
      code: 'invalid_jwk',
    });
    await resource.keys.revoke(key.id);
    expect(await resource.keys.listActive(heidi.id)).toEqual([]);
  });
});
