// The built-in consent page in a real browser (Debian chromium through playwright-core): the client redirects the
// user, the user reads the page, types the consent secret and presses Accept, and the browser lands on the client's
// finish URI with interact_ref and hash. Runs when /usr/bin/chromium exists or SLUICE_BROWSER_TESTS=1
// (CHROMIUM_PATH overrides the executable).
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash } from 'node:crypto';
import { isFinalizedGrantWithAccessToken, isPendingGrant, type AuthenticatedClient } from '@interledger/open-payments';
import { createTestDatabase, type TestDatabase } from '../../../test-support';
import { startAuthHarness, IDP_SECRET, type AuthHarness } from './support/auth-harness';
import { startWalletServer, type TestWallet, type WalletServer } from './support/client-wallets';
import { sleep } from './support/front-channel';
import { sdkClientFor } from './support/sdk';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const enabled = process.env.SLUICE_BROWSER_TESTS === '1' || existsSync(CHROMIUM);
const describeInBrowser = enabled ? describe : describe.skip;

describeInBrowser('built-in consent page in chromium', () => {
  let database: TestDatabase;
  let harness: AuthHarness;
  let wallets: WalletServer;
  let app: TestWallet;
  let alice: TestWallet;
  let client: AuthenticatedClient;
  let callback: Server;
  let callbackUrl: string;
  let browser: import('playwright-core').Browser;

  beforeAll(async () => {
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    database = await createTestDatabase();
    harness = await startAuthHarness(database.knex);
    wallets = await startWalletServer({ authServer: () => harness.grantUrl });
    app = wallets.addWallet('app', { publicName: 'Browser Test App' });
    alice = wallets.addWallet('alice');
    client = await sdkClientFor(app);
    // The client's own web page the user returns to.
    callback = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html' });
      response.end('<!doctype html><title>Back at the client</title><p>Thanks</p>');
    });
    await new Promise<void>((resolve) => callback.listen(0, '127.0.0.1', resolve));
    callbackUrl = `http://127.0.0.1:${(callback.address() as AddressInfo).port}/return`;
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    callback?.closeAllConnections();
    await new Promise((resolve) => callback?.close(resolve));
    await wallets?.close();
    await harness?.stop();
    await database?.drop();
  });

  async function pendingGrant(nonce: string) {
    const grant = await client.grant.request(
      { url: harness.grantUrl },
      {
        access_token: {
          access: [
            {
              type: 'outgoing-payment',
              actions: ['create'],
              identifier: alice.url,
              limits: { debitAmount: { value: '1999', assetCode: 'USD', assetScale: 2 }, interval: 'R/2026-01-01/P1M' },
            },
          ],
        },
        interact: { start: ['redirect'], finish: { method: 'redirect', uri: callbackUrl, nonce } },
      },
    );
    if (!isPendingGrant(grant)) throw new Error('expected a pending grant');
    return grant;
  }

  it('accept: the browser returns to the client with a valid hash, and the client gets a token', async () => {
    const grant = await pendingGrant('browser-nonce');
    const page = await browser.newPage();
    try {
      await page.goto(grant.interact.redirect);
      await expect(page.textContent('h1')).resolves.toBe('Browser Test App asks for access');
      await expect(page.textContent('body')).resolves.toContain('at most 19.99 USD taken from your account per period');
      await page.fill('#secret', IDP_SECRET);
      await Promise.all([
        page.waitForURL((url) => url.href.startsWith(callbackUrl)),
        page.click('button[value=accept]'),
      ]);
      const back = new URL(page.url());
      const interactRef = back.searchParams.get('interact_ref') as string;
      const expected = createHash('sha256')
        .update(`browser-nonce\n${grant.interact.finish}\n${interactRef}\n${harness.grantUrl}/`)
        .digest('base64');
      expect(back.searchParams.get('hash')).toBe(expected);
      await sleep(1000);
      const continued = await client.grant.continue(
        { url: grant.continue.uri, accessToken: grant.continue.access_token.value },
        { interact_ref: interactRef },
      );
      expect(isFinalizedGrantWithAccessToken(continued)).toBe(true);
    } finally {
      await page.close();
    }
  });

  it('a wrong secret keeps the user on the page; reject returns result=grant_rejected', async () => {
    const grant = await pendingGrant('browser-nonce-2');
    const page = await browser.newPage();
    try {
      await page.goto(grant.interact.redirect);
      await page.fill('#secret', 'not the secret');
      await page.click('button[value=accept]');
      const alert = await page.waitForSelector('[role=alert]');
      await expect(alert.textContent()).resolves.toBe('Wrong consent secret.');
      await Promise.all([
        page.waitForURL((url) => url.href.startsWith(callbackUrl)),
        page.click('button[value=reject]'),
      ]);
      expect(new URL(page.url()).searchParams.get('result')).toBe('grant_rejected');
    } finally {
      await page.close();
    }
  });
});

if (!enabled) {
  it.skip(`consent page in chromium: skipped (no ${CHROMIUM}; set SLUICE_BROWSER_TESTS=1 and CHROMIUM_PATH)`, () => {});
}
