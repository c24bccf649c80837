// Wallet addresses on demand, as with Rafiki: a request for a wallet address that does not exist sends the operator
// wallet_address.not_found with its URL and waits a moment, so that an operator who creates addresses when first asked
// for answers that very request.
import { createUnauthenticatedClient } from '@interledger/open-payments';
import type { SluiceInstance } from '@sluice/server';
import {
  ensureAsset,
  eventually,
  loadWebhookDocument,
  startTestSluice,
  startWebhookOperatorEndpoint,
  type WebhookOperatorEndpoint,
} from '../../../test-support';

const SECRET = 'operator-webhook-secret';

describe('wallet addresses on demand', () => {
  let sluice: SluiceInstance;
  let usd: string;
  let operator: WebhookOperatorEndpoint;

  beforeAll(async () => {
    // The operator creates the addresses it knows (those under /customers/), as it would through the admin API.
    operator = await startWebhookOperatorEndpoint(SECRET, async (event) => {
      const url = String(event.data.walletAddressUrl);
      if (event.type === 'wallet_address.not_found' && url.includes('/customers/')) {
        await sluice.services.resource!.walletAddresses.create({ address: url, assetId: usd, publicName: 'Carol' });
      }
    });
    sluice = await startTestSluice({ WEBHOOK_URL: operator.url, WEBHOOK_SECRET: SECRET });
    usd = await ensureAsset(sluice, 'USD', 2);
  });
  afterAll(async () => {
    await sluice.stop();
    await operator.close();
  });

  const notFoundEventsFor = (url: string) =>
    operator.received.filter(
      (event) => event.type === 'wallet_address.not_found' && event.data.walletAddressUrl === url,
    );

  it('answers the first request for an address the operator creates when told of it', async () => {
    const url = `${sluice.publicUrls.openPayments}/customers/carol`;
    const client = await createUnauthenticatedClient({ validateResponses: true });
    await expect(client.walletAddress.get({ url })).resolves.toMatchObject({ id: url, publicName: 'Carol' });
    expect(notFoundEventsFor(url)).toEqual([
      { id: expect.any(String), type: 'wallet_address.not_found', data: { walletAddressUrl: url }, signed: true },
    ]);
    const { signed: _signed, ...event } = notFoundEventsFor(url)[0];
    expect(loadWebhookDocument().problems(event)).toEqual([]);
  });

  it('tells the operator once about requests that arrive together, then answers 404 when nothing is created', async () => {
    const url = `${sluice.publicUrls.openPayments}/strangers/dave`;
    const started = Date.now();
    const responses = await Promise.all(
      [url, url, `${url}/jwks.json`].map((target) => fetch(target, { headers: { accept: 'application/json' } })),
    );
    expect(responses.map((response) => response.status)).toEqual([404, 404, 404]);
    // They waited for the operator (WALLET_ADDRESS_LOOKUP_TIMEOUT_MS, 1.5 s by default), together (not 3 × 1.5 s).
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_400);
    expect(Date.now() - started).toBeLessThan(4_000);
    await eventually(async () => (notFoundEventsFor(url).length > 0 ? true : undefined));
    expect(notFoundEventsFor(url)).toHaveLength(1);
    const rows = await sluice.database.knex('webhook_events').where({ type: 'wallet_address.not_found' });
    expect(rows.filter((row) => row.data.walletAddressUrl === url)).toHaveLength(1);
  });

  it('announces nothing for a path where no wallet address can exist', async () => {
    const before = await sluice.database.knex('webhook_events').where({ type: 'wallet_address.not_found' });
    const response = await fetch(`${sluice.publicUrls.openPayments}/outgoing-payment-grant/x`, {
      headers: { accept: 'application/json' },
    });
    expect(response.status).toBe(404);
    const after = await sluice.database.knex('webhook_events').where({ type: 'wallet_address.not_found' });
    expect(after).toHaveLength(before.length);
  });
});
