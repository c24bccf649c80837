// Wallet addresses on demand, as with Rafiki: a request for a wallet address that does not exist sends the operator
// wallet_address.not_found with its URL and waits a moment, so that an operator who creates addresses when first asked
// for answers that very request.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createUnauthenticatedClient } from '@interledger/open-payments';
import type { SluiceInstance } from '@sluice/server';
import { ensureAsset, eventually, isRafikiSigned, loadWebhookDocument, startTestSluice } from '../../../test-support';

const SECRET = 'operator-webhook-secret';

interface ReceivedEvent {
  id: string;
  type: string;
  data: Record<string, unknown>;
  signed: boolean;
}

describe('wallet addresses on demand', () => {
  let sluice: SluiceInstance;
  let usd: string;
  const received: ReceivedEvent[] = [];
  // The operator creates the addresses it knows (those under /customers/), as it would through the admin API.
  const operator = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Omit<ReceivedEvent, 'signed'>;
      received.push({ ...body, signed: isRafikiSigned(body, request.headers['rafiki-signature'], SECRET) });
      const url = String(body.data.walletAddressUrl);
      const create =
        body.type === 'wallet_address.not_found' && url.includes('/customers/')
          ? sluice.services.resource!.walletAddresses.create({ address: url, assetId: usd, publicName: 'Carol' })
          : Promise.resolve();
      void create.finally(() => {
        response.statusCode = 200;
        response.end();
      });
    });
  });

  beforeAll(async () => {
    await new Promise<void>((resolve) => operator.listen(0, '127.0.0.1', resolve));
    sluice = await startTestSluice({
      WEBHOOK_URL: `http://127.0.0.1:${(operator.address() as AddressInfo).port}/webhooks`,
      WEBHOOK_SECRET: SECRET,
    });
    usd = await ensureAsset(sluice, 'USD', 2);
  });
  afterAll(async () => {
    await sluice.stop();
    await new Promise((resolve) => operator.close(resolve));
  });

  const notFoundEventsFor = (url: string) =>
    received.filter((event) => event.type === 'wallet_address.not_found' && event.data.walletAddressUrl === url);

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
