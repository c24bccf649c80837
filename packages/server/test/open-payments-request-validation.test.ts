// Requests are checked against the official resource-server OpenAPI document (from @interledger/open-payments):
// signed, authorized requests that break the document's schemas get a 400 `invalid_request` and change nothing,
// while authentication problems stay 401s.
import { randomUUID } from 'node:crypto';
import { signRequest } from '@sluice/http-signatures';
import type { SluiceInstance } from '@sluice/server';
import { createAccount, grantToken, startTestSluice, type TestAccount } from '../../../test-support';

describe('Open Payments request validation against the official document', () => {
  let sluice: SluiceInstance;
  let alice: TestAccount;
  let bob: TestAccount;
  let incomingToken: string;
  let quoteToken: string;

  beforeAll(async () => {
    sluice = await startTestSluice({ IDENTITY_SERVER_URL: 'http://127.0.0.1:9/idp' });
    alice = await createAccount(sluice, { path: '/alice', assetCode: 'USD', assetScale: 2, balance: 10_000n });
    bob = await createAccount(sluice, { path: '/bob', assetCode: 'USD', assetScale: 2 });
    const as = sluice.publicUrls.authServer;
    incomingToken = await grantToken(alice.client, as, {
      access: [{ type: 'incoming-payment', actions: ['create', 'read', 'list'], identifier: bob.walletAddress.url }],
    });
    quoteToken = await grantToken(alice.client, as, { access: [{ type: 'quote', actions: ['create', 'read'] }] });
  });
  afterAll(() => sluice.stop());

  /** A request signed by alice's key with `token`, as any Open Payments client sends it. */
  async function send(method: 'GET' | 'POST', path: string, token: string | undefined, body?: unknown) {
    const url = `${sluice.publicUrls.openPayments}${path}`;
    const text = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (token) headers.authorization = `GNAP ${token}`;
    if (text) headers['content-type'] = 'application/json';
    for (const [name, value] of Object.entries(signRequest({ method, url, headers, body: text }, alice.signingKey))) {
      headers[name.toLowerCase()] = value;
    }
    const response = await fetch(url, { method, headers, body: text });
    return {
      status: response.status,
      body: (await response.json()) as { error?: { code: string; description: string } },
    };
  }

  const amount = (value: string) => ({ value, assetCode: 'USD', assetScale: 2 });

  async function bobsIncomingPaymentCount(): Promise<number> {
    const page = await sluice.services.resource!.incomingPayments.list(bob.walletAddress.id, { first: 100 });
    return page.items.length;
  }

  it.each([
    ['a non-integer amount', { incomingAmount: amount('12.5') }, 'value'],
    ['an amount above 2^64 - 1', { incomingAmount: amount('18446744073709551616') }, 'value'],
    ['an amount without its asset', { incomingAmount: { value: '100' } }, 'assetCode'],
    ['an expiry that is not a date-time', { expiresAt: 'tomorrow' }, 'expiresAt'],
    ['a field the document does not define', { tip: '1' }, 'additional properties'],
  ])('refuses an incoming payment with %s, creating nothing', async (_case, fields, mentioned) => {
    const before = await bobsIncomingPaymentCount();
    const response = await send('POST', '/incoming-payments', incomingToken, {
      walletAddress: bob.walletAddress.url,
      ...fields,
    });
    expect(response.status).toBe(400);
    expect(response.body.error?.code).toBe('invalid_request');
    expect(response.body.error?.description).toContain(mentioned);
    expect(await bobsIncomingPaymentCount()).toBe(before);
  });

  it('accepts a conforming request', async () => {
    const response = await send('POST', '/incoming-payments', incomingToken, {
      walletAddress: bob.walletAddress.url,
      incomingAmount: amount('100'),
      metadata: { description: 'ok' },
    });
    expect(response.status).toBe(201);
  });

  it('refuses a quote with both a debit and a receive amount', async () => {
    const response = await send('POST', '/quotes', quoteToken, {
      walletAddress: alice.walletAddress.url,
      receiver: bob.walletAddress.url,
      method: 'ilp',
      debitAmount: amount('100'),
      receiveAmount: amount('100'),
    });
    expect(response.status).toBe(400);
    expect(response.body.error?.code).toBe('invalid_request');
  });

  it('refuses a quote for a method the document does not know', async () => {
    const response = await send('POST', '/quotes', quoteToken, {
      walletAddress: alice.walletAddress.url,
      receiver: bob.walletAddress.url,
      method: 'card',
      debitAmount: amount('100'),
    });
    expect(response.status).toBe(400);
  });

  it('refuses a list whose page size is not an integer', async () => {
    const query = new URLSearchParams({ 'wallet-address': bob.walletAddress.url, first: 'many' });
    const response = await send('GET', `/incoming-payments?${query}`, incomingToken);
    expect(response.status).toBe(400);
    expect(response.body.error?.description).toContain('first');
  });

  it('still answers a request without a token with 401, not a validation error', async () => {
    const response = await send('POST', '/incoming-payments', undefined, {
      walletAddress: bob.walletAddress.url,
      incomingAmount: amount('100'),
    });
    expect(response.status).toBe(401);
  });

  it('leaves paths outside the document (wallet addresses) alone', async () => {
    const response = await fetch(`${bob.walletAddress.url}?unexpected=${randomUUID()}`, {
      headers: { accept: 'application/json' },
    });
    expect(response.status).toBe(200);
  });
});
