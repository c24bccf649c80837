// The operator console in a real browser (Chromium through playwright-core), against the admin listener of a whole
// Sluice (webhook funding, so that an outgoing payment waits in FUNDING for the page to show).
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ensureAsset } from '../../../test-support';
import { startSluiceAdmin, type SluiceAdmin } from './support/sluice-admin';

// Debian's chromium package; CHROMIUM_PATH names another build.
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) {
  // Said once, loudly: the test below is skipped, not passed.
  console.warn(`console browser test skipped: ${CHROMIUM} is missing (install Debian's chromium package)`);
}
const describeWithBrowser = haveChromium ? describe : describe.skip;
// Waits use selectors, not page functions: the console's CSP forbids the eval that polling functions need.
const RESULT_SHOWN = '#result-status:text-matches("^HTTP")';

describeWithBrowser('operator console in Chromium', () => {
  let admin: SluiceAdmin;
  let browser: Browser;
  let page: Page;
  let walletAddressUrl: string;
  let payeeUrl: string;
  /** What Alice's payment debits, as the console writes it. */
  let debitShown: string;

  beforeAll(async () => {
    admin = await startSluiceAdmin({ PAYMENT_FUNDING: 'webhook' });
    const resource = admin.sluice.services.resource!;
    const assetId = await ensureAsset(admin.sluice, 'USD', 2);
    const payee = await resource.walletAddresses.create({ address: '/console-bob', assetId });
    payeeUrl = payee.url;
    const walletAddress = await resource.walletAddresses.create({
      address: '/console-alice',
      assetId,
      publicName: 'Console Alice',
    });
    walletAddressUrl = walletAddress.url;
    await resource.incomingPayments.create({
      walletAddress,
      incomingAmount: { value: '4250', assetCode: 'USD', assetScale: 2 },
    });
    // Alice pays Bob 12.00: the quote makes an incoming payment at Bob, and the payment waits for funds.
    const quote = await resource.quotes!.create({
      walletAddress,
      receiver: payee.url,
      receiveAmount: { value: '1200', assetCode: 'USD', assetScale: 2 },
    });
    await resource.outgoingPayments!.createFromQuote({ walletAddress, quoteId: quote.id });
    const debit = quote.debitAmount.value;
    debitShown = `${debit / 100n}.${(debit % 100n).toString().padStart(2, '0')} USD`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
  }, 60_000);

  beforeEach(async () => {
    page = await (await browser.newContext()).newPage();
    await page.goto(`${admin.url}/`);
  });

  afterAll(async () => {
    await browser?.close();
    await admin?.stop();
  });

  const useSecret = async (secret: string) => {
    await page.fill('#secret', secret);
    await page.click('#use-secret');
  };

  it('runs a signed query and shows the wallet address in the result', async () => {
    await useSecret(admin.secret);
    await page.click('#run');
    await page.waitForSelector(RESULT_SHOWN);
    expect(await page.textContent('#result-status')).toBe('HTTP 200');
    const result = JSON.parse((await page.textContent('#result')) ?? '{}');
    expect(result.data.walletAddresses.edges[0].node).toMatchObject({
      address: walletAddressUrl,
      publicName: 'Console Alice',
      status: 'ACTIVE',
      asset: { code: 'USD', scale: 2 },
    });
    // Running the same query again works: every request is signed afresh and never looks like a replay.
    await page.evaluate("document.querySelector('#result').textContent = ''");
    await page.click('#run');
    await page.waitForSelector('#result:not(:empty)');
    expect(await page.textContent('#result-status')).toBe('HTTP 200');
  });

  it('keeps the secret in sessionStorage only, and is refused with a wrong secret', async () => {
    await useSecret('wrong-secret');
    const storage = await page.evaluate(`({
      session: sessionStorage.getItem('sluice-admin-secret'),
      local: localStorage.length,
      cookie: document.cookie,
      field: document.querySelector('#secret').value,
    })`);
    expect(storage).toEqual({ session: 'wrong-secret', local: 0, cookie: '', field: '' });
    await page.click('#run');
    await page.waitForSelector(RESULT_SHOWN);
    expect(await page.textContent('#result-status')).toMatch(/^HTTP 401/);
    expect(await page.textContent('#result')).toMatch(/invalid signature/);
    await page.click('#forget-secret');
    expect(await page.evaluate('sessionStorage.length')).toBe(0);
  });

  it('lists assets, wallet addresses and recent payments of both kinds in their tabs', async () => {
    await useSecret(admin.secret);
    await page.click('[data-tab=wallet-addresses]');
    await page.waitForSelector('#tab-wallet-addresses tbody tr');
    expect(await page.textContent('#tab-wallet-addresses tbody')).toContain(walletAddressUrl);
    // Webhook funding: a wallet address's balance is what it received over SPSP, none here (a dash), and reading it
    // failed nowhere (the status would say so).
    expect(await page.textContent('#tab-wallet-addresses .status')).toBe('2 shown');
    const balances = await page.$$eval('#tab-wallet-addresses tbody tr td:nth-child(5)', (tds) =>
      tds.map((td) => td.textContent),
    );
    expect(balances).toEqual(['—', '—']);

    await page.click('[data-tab=assets]');
    await page.waitForSelector('#tab-assets tbody tr');
    const assetRow = await page.$$eval('#tab-assets tbody tr td', (cells) => cells.map((cell) => cell.textContent));
    expect(assetRow.slice(0, 3)).toEqual(['USD', '2', '0.00 USD']);

    await page.click('[data-tab=payments]');
    await page.waitForSelector('#tab-payments tbody tr');
    const cells = await page.$$eval('#tab-payments tbody tr td', (tds) => tds.map((td) => td.textContent));
    const columns = await page.$$eval('#tab-payments thead th', (ths) => ths.length);
    const rows = Array.from({ length: cells.length / columns }, (_, row) =>
      cells.slice(row * columns, (row + 1) * columns),
    );
    // Newest first: Alice's outgoing payment (nothing sent yet), the incoming payment its quote made at Bob, and the
    // incoming payment Alice expects 42.50 on. Columns: created, type, wallet address, state, amount, moved.
    expect(rows.map((cells) => cells.slice(1, 6))).toEqual([
      ['OUTGOING', walletAddressUrl, 'FUNDING', debitShown, '0.00 USD'],
      ['INCOMING', payeeUrl, 'PENDING', '12.00 USD', '0.00 USD'],
      ['INCOMING', walletAddressUrl, 'PENDING', '42.50 USD', '0.00 USD'],
    ]);
    expect(await page.textContent('#tab-payments .status')).toBe('3 shown');
    // Loading again (Refresh, or the tab once more) works as the first time and shows the page once.
    await page.click('#tab-payments .refresh');
    await page.waitForSelector('#tab-payments .status:text-is("3 shown")');
    await page.click('[data-tab=payments]');
    await page.waitForSelector('#tab-payments .status:text-is("3 shown")');
    expect(await page.$$eval('#tab-payments tbody tr', (trs) => trs.length)).toBe(3);
  });

  it("shows peers with their liquidity, and an account's movements in the ledger tab", async () => {
    const { id: peerId } = (
      await admin.ok('mutation P($input: CreatePeerInput!) { createPeer(input: $input) { peer { id } } }', {
        input: {
          assetId: await ensureAsset(admin.sluice, 'USD', 2),
          staticIlpAddress: 'test.console-peer',
          http: { outgoing: { authToken: 'out', endpoint: 'https://peer.example/ilp' } },
          initialLiquidity: '700',
        },
      })
    ).createPeer.peer;
    await useSecret(admin.secret);
    await page.click('[data-tab=peers]');
    await page.waitForSelector('#tab-peers tbody tr');
    const peerRow = await page.$$eval('#tab-peers tbody tr td', (tds) => tds.map((td) => td.textContent));
    // Columns: name, ILP address, asset, liquidity, endpoint, created, id.
    expect(peerRow.slice(0, 5)).toEqual([
      '—',
      'test.console-peer',
      'USD (scale 2)',
      '7.00 USD',
      'https://peer.example/ilp',
    ]);
    expect(peerRow[6]).toBe(peerId);

    await page.click('[data-tab=ledger]');
    await page.fill('#ledger-account', peerId);
    await page.click('#ledger-form button[type=submit]');
    await page.waitForSelector('#tab-ledger .status:text-is("1 shown")');
    const cells = await page.$$eval('#tab-ledger tbody tr td', (tds) => tds.map((td) => td.textContent));
    // Columns: created, direction, type, state, amount, other account (the asset's settlement account), transfer.
    expect(cells.slice(1, 5)).toEqual(['in', 'DEPOSIT', 'POSTED', '7.00 USD']);
    expect(cells[5]).toMatch(/^[0-9a-f-]{36}$/);

    await page.fill('#ledger-account', '00000000-0000-4000-8000-000000000000');
    await page.click('#ledger-form button[type=submit]');
    await page.waitForSelector('#tab-ledger .status:text-is("no movements for this id")');
    expect(await page.$$eval('#tab-ledger tbody tr', (trs) => trs.length)).toBe(0);
  });
});
