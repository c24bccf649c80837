// The built-in consent page (no IDENTITY_SERVER_URL): fetched and submitted over plain HTTP, as a browser without
// scripts would. The real-browser version is consent-browser.test.ts.
import { createHash } from 'node:crypto';
import { isFinalizedGrantWithAccessToken, isPendingGrant, type AuthenticatedClient } from '@interledger/open-payments';
import { createTestDatabase, type TestDatabase } from '../../../test-support';
import { startAuthHarness, IDP_SECRET, type AuthHarness } from './support/auth-harness';
import { startWalletServer, type TestWallet, type WalletServer } from './support/client-wallets';
import { browse, cookieFrom, formAction, hiddenInput, sleep } from './support/front-channel';
import { sdkClientFor } from './support/sdk';

const FINISH_URI = 'https://client.example/callback?session=42';

let database: TestDatabase;
let harness: AuthHarness;
let wallets: WalletServer;
let app: TestWallet;
let alice: TestWallet;
let client: AuthenticatedClient;

beforeAll(async () => {
  database = await createTestDatabase();
  harness = await startAuthHarness(database.knex);
  wallets = await startWalletServer({ authServer: () => harness.grantUrl });
  app = wallets.addWallet('app', { publicName: 'Budget <b>App</b>' });
  alice = wallets.addWallet('alice');
  client = await sdkClientFor(app);
});

afterAll(async () => {
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
            actions: ['create', 'read'],
            identifier: alice.url,
            limits: {
              receiveAmount: { value: '123456', assetCode: 'EUR', assetScale: 2 },
              receiver: `${wallets.baseUrl}/rs/incoming-payments/9b1d`,
              interval: 'R/2026-03-01T08:00:00Z/P1W',
            },
          },
          { type: 'quote', actions: ['create'] },
        ],
      },
      interact: { start: ['redirect'], finish: { method: 'redirect', uri: FINISH_URI, nonce } },
    },
  );
  if (!isPendingGrant(grant)) throw new Error('expected a pending grant');
  return grant;
}

/** Follows interact.redirect to the consent page, like a browser. */
async function openConsentPage(redirect: string) {
  const start = await browse(redirect);
  expect(start.status).toBe(302);
  const cookie = cookieFrom(start);
  expect(start.setCookie[0]).toMatch(/HttpOnly; SameSite=Lax/);
  const pageUrl = start.location as string;
  const page = await browse(pageUrl, { cookie });
  return { cookie, pageUrl, page };
}

it('shows the grant in human terms with escaped client data, and no scripts or framing allowed', async () => {
  const grant = await pendingGrant('n1');
  const { page } = await openConsentPage(grant.interact.redirect);
  expect(page.status).toBe(200);
  expect(page.headers.get('content-type')).toMatch(/^text\/html/);
  expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
  expect(page.headers.get('x-frame-options')).toBe('DENY');
  expect(page.text).toContain('Budget &#60;b&#62;App&#60;/b&#62; asks for access');
  expect(page.text).not.toContain('<b>App</b>');
  expect(page.text).toContain(app.url);
  expect(page.text).toContain(alice.url);
  expect(page.text).toContain('at most 1,234.56 EUR delivered to recipients per period');
  expect(page.text).toContain(`only to the payment request ${wallets.baseUrl}/rs/incoming-payments/9b1d`);
  expect(page.text).toContain('every 1 week from 2026-03-01 08:00 UTC, repeating without end');
  expect(page.text).toContain('get quotes');
  expect(page.text).not.toMatch(/<script|src=|href=/);
});

it('accepting with the consent secret finishes with interact_ref and hash, and the client gets its token', async () => {
  const grant = await pendingGrant('client-nonce-accept');
  const { cookie, page } = await openConsentPage(grant.interact.redirect);
  const form = { csrf: hiddenInput(page.text, 'csrf'), choice: 'accept', secret: IDP_SECRET };

  const wrongSecret = await browse(formAction(page.text), { cookie, form: { ...form, secret: 'nope-nope-nope' } });
  expect(wrongSecret.status).toBe(401);
  expect(wrongSecret.text).toContain('Wrong consent secret.');

  const noCsrf = await browse(formAction(page.text), { cookie, form: { ...form, csrf: 'forged' } });
  expect(noCsrf.status).toBe(403);
  const noCookie = await browse(formAction(page.text), { form });
  expect(noCookie.status).toBe(401);

  const submitted = await browse(formAction(page.text), { cookie, form });
  expect(submitted.status).toBe(303);
  const finish = await browse(submitted.location as string, { cookie });
  expect(finish.status).toBe(302);
  const back = new URL(finish.location as string);
  expect(back.origin + back.pathname).toBe('https://client.example/callback');
  expect(back.searchParams.get('session')).toBe('42');
  const interactRef = back.searchParams.get('interact_ref') as string;
  const hash = createHash('sha256')
    .update(`client-nonce-accept\n${grant.interact.finish}\n${interactRef}\n${harness.grantUrl}/`)
    .digest('base64');
  expect(back.searchParams.get('hash')).toBe(hash);

  await sleep(1000);
  const continued = await client.grant.continue(
    { url: grant.continue.uri, accessToken: grant.continue.access_token.value },
    { interact_ref: interactRef },
  );
  expect(isFinalizedGrantWithAccessToken(continued)).toBe(true);
});

it('rejecting needs no secret and sends the user back with result=grant_rejected', async () => {
  const grant = await pendingGrant('n3');
  const { cookie, page } = await openConsentPage(grant.interact.redirect);
  const submitted = await browse(formAction(page.text), {
    cookie,
    form: { csrf: hiddenInput(page.text, 'csrf'), choice: 'reject' },
  });
  expect(submitted.status).toBe(303);
  const finish = await browse(submitted.location as string, { cookie });
  expect(new URL(finish.location as string).searchParams.get('result')).toBe('grant_rejected');
  // The decided interaction's page cannot be used again.
  const again = await browse(grant.interact.redirect);
  expect(new URL(again.location as string).searchParams.get('result')).toBe('grant_invalid');
});

it('the consent page refuses a browser without the session cookie', async () => {
  const grant = await pendingGrant('n4');
  const { pageUrl } = await openConsentPage(grant.interact.redirect);
  const stranger = await browse(pageUrl);
  expect(stranger.status).toBe(401);
  expect(stranger.text).toContain('no interaction session');
});

it('an expired interaction can no longer be started', async () => {
  let now = Date.now();
  const quick = await startAuthHarness(database.knex, { interactionExpirySeconds: 60, now: () => new Date(now) });
  try {
    const grant = await client.grant.request(
      { url: quick.grantUrl },
      {
        access_token: { access: [{ type: 'outgoing-payment', actions: ['create'], identifier: alice.url }] },
        interact: { start: ['redirect'], finish: { method: 'redirect', uri: FINISH_URI, nonce: 'n5' } },
      },
    );
    if (!isPendingGrant(grant)) throw new Error('expected a pending grant');
    now += 61_000;
    const start = await browse(grant.interact.redirect);
    expect(start.status).toBe(302);
    expect(new URL(start.location as string).searchParams.get('result')).toBe('grant_invalid');
  } finally {
    await quick.stop();
  }
});
