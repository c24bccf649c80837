// Browser apps on other origins can call the public APIs (Open Payments and GNAP grants), as with Rafiki; the
// operator's own listeners do not invite them.
import type { SluiceInstance } from '@sluice/server';
import { createAccount, startTestSluice, type TestAccount } from '../../../test-support';

describe('cross-origin requests', () => {
  let sluice: SluiceInstance;
  let alice: TestAccount;

  beforeAll(async () => {
    sluice = await startTestSluice();
    alice = await createAccount(sluice, { path: '/alice', assetCode: 'USD', assetScale: 2 });
  });
  afterAll(() => sluice.stop());

  const page = 'https://shop.example';
  const signedHeaders = 'authorization,content-digest,content-type,signature,signature-input';
  const preflight = (url: string, method: string) =>
    fetch(url, {
      method: 'OPTIONS',
      headers: {
        origin: page,
        'access-control-request-method': method,
        'access-control-request-headers': signedHeaders,
      },
    });

  it('answers a preflight for a signed Open Payments call before any route or token check', async () => {
    const response = await preflight(`${sluice.publicUrls.openPayments}/incoming-payments`, 'POST');
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('access-control-allow-methods')).toContain('POST');
    expect(response.headers.get('access-control-allow-headers')).toBe(signedHeaders);
  });

  it('answers a preflight for a grant request on the auth server', async () => {
    const response = await preflight(sluice.publicUrls.authServer, 'POST');
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('access-control-allow-headers')).toBe(signedHeaders);
  });

  it('lets a page read wallet addresses, their keys and errors, including where to get a token', async () => {
    for (const url of [alice.walletAddress.url, `${alice.walletAddress.url}/jwks.json`]) {
      const response = await fetch(url, { headers: { origin: page, accept: 'application/json' } });
      expect(response.status).toBe(200);
      expect(response.headers.get('access-control-allow-origin')).toBe('*');
    }
    const refused = await fetch(`${sluice.publicUrls.openPayments}/incoming-payments`, {
      method: 'POST',
      headers: { origin: page, 'content-type': 'application/json' },
      body: JSON.stringify({ walletAddress: alice.walletAddress.url }),
    });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('access-control-allow-origin')).toBe('*');
    expect(refused.headers.get('access-control-expose-headers')).toContain('WWW-Authenticate');
    expect(refused.headers.get('www-authenticate')).toBe(`GNAP as_uri=${sluice.publicUrls.authServer}`);
  });

  it('does not invite other origins to the admin API', async () => {
    const response = await preflight(`${sluice.urls.admin}/graphql`, 'POST');
    expect(response.status).not.toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });
});
