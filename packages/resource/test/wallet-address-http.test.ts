import type { SluiceInstance } from '@sluice/server';
import type { WalletAddress } from '../src';
import { walletAddressPage } from '../src/wallet-addresses/wallet-address-page';
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
    await resource.walletAddresses.create({
      address: '/mallory',
      assetId: usd,
      publicName: `<script>alert("x")</script> & 'Co'`,
    });
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

  const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8';

  it('shows a browser a page with the name, the address to pay and the currency', async () => {
    const response = await fetch(`${base}/alice`, { headers: { accept: BROWSER_ACCEPT } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('vary')).toMatch(/accept/i);
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    const page = await response.text();
    expect(page).toContain('<h1>Alice</h1>');
    expect(page).toContain(`${base}/alice`);
    expect(page).toContain('USD (2 decimal places)');
    expect(page).not.toContain('<script');
  });

  it('puts a public name into the page as text, never as markup', async () => {
    const page = await (await fetch(`${base}/mallory`, { headers: { accept: BROWSER_ACCEPT } })).text();
    expect(page).not.toContain('<script');
    expect(page).toContain('<h1>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;Co&#39;</h1>');
  });

  it.each([['application/json'], ['*/*'], ['application/json, text/html'], [undefined]])(
    'answers Accept: %s with the JSON document',
    async (accept) => {
      const response = await fetch(`${base}/alice`, accept === undefined ? {} : { headers: { accept } });
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      expect(response.headers.get('vary')).toMatch(/accept/i);
      expect(((await response.json()) as { id: string }).id).toBe(`${base}/alice`);
    },
  );

  it('answers a browser 404 for an unknown or inactive address', async () => {
    for (const path of ['/nobody', '/gone']) {
      const response = await fetch(`${base}${path}`, { headers: { accept: BROWSER_ACCEPT } });
      expect(response.status).toBe(404);
    }
  });
});

describe('the wallet address page', () => {
  it('shows an https wallet address as the payment pointer people type', () => {
    const page = walletAddressPage({
      id: 'w',
      url: 'https://wallet.example/alice',
      publicName: undefined,
      assetCode: 'EUR',
      assetScale: 2,
    } as unknown as WalletAddress);
    expect(page).toContain('<h1>$wallet.example/alice</h1>');
    expect(page).toContain('<div class="pointer">$wallet.example/alice</div>');
  });
});
