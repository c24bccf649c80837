// Grant lifecycle against a live auth server, driven by the official Open Payments client (which validates every
// response against its bundled auth-server OpenAPI document) and by a real client wallet server.
import { createHash } from 'node:crypto';
import {
  isFinalizedGrantWithAccessToken,
  isPendingGrant,
  OpenPaymentsClientError,
  type AuthenticatedClient,
  type PendingGrant,
} from '@interledger/open-payments';
import { createTestDatabase, type TestDatabase } from '../../../test-support';
import { createIntrospectionClient, type IntrospectionClient } from '../src';
import { startAuthHarness, IDP_SECRET, type AuthHarness } from './support/auth-harness';
import { startWalletServer, type TestWallet, type WalletServer } from './support/client-wallets';
import { browse, cookieFrom, sleep } from './support/front-channel';
import { sdkClientFor } from './support/sdk';

const IDP_URL = 'https://idp.example/consent';
const FINISH_URI = 'https://client.example/finished';

let database: TestDatabase;
let harness: AuthHarness;
let wallets: WalletServer;
let app: TestWallet;
let alice: TestWallet;
let client: AuthenticatedClient;
let introspection: IntrospectionClient;

beforeAll(async () => {
  database = await createTestDatabase();
  harness = await startAuthHarness(database.knex, { identityServerUrl: IDP_URL });
  wallets = await startWalletServer({ authServer: () => harness.grantUrl });
  app = wallets.addWallet('app', { publicName: 'Shop & Co <Test>' });
  alice = wallets.addWallet('alice');
  client = await sdkClientFor(app);
  introspection = createIntrospectionClient({ url: harness.introspectionUrl });
});

afterAll(async () => {
  await introspection?.close();
  await wallets?.close();
  await harness?.stop();
  await database?.drop();
});

async function expectClientError(promise: Promise<unknown>, status: number, code: string): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(OpenPaymentsClientError);
  expect({ status: (error as OpenPaymentsClientError).status, code: (error as OpenPaymentsClientError).code }).toEqual({
    status,
    code,
  });
}

async function incomingPaymentGrant() {
  const walletAddress = await client.walletAddress.get({ url: alice.url });
  const grant = await client.grant.request(
    { url: walletAddress.authServer },
    {
      access_token: {
        access: [{ type: 'incoming-payment', actions: ['create', 'read', 'complete'], identifier: alice.url }],
      },
    },
  );
  if (!isFinalizedGrantWithAccessToken(grant)) throw new Error('expected a token at once');
  return grant;
}

const outgoingAccess = {
  type: 'outgoing-payment' as const,
  actions: ['create' as const, 'read' as const],
  identifier: '',
  limits: {
    debitAmount: { value: '5000', assetCode: 'USD', assetScale: 2 },
    interval: 'R12/2026-01-01T00:00:00Z/P1M',
  },
};

async function requestOutgoingGrant(nonce: string, finish = true): Promise<PendingGrant> {
  const grant = await client.grant.request(
    { url: harness.grantUrl },
    {
      access_token: { access: [{ ...outgoingAccess, identifier: alice.url }] },
      interact: finish
        ? { start: ['redirect'], finish: { method: 'redirect', uri: FINISH_URI, nonce } }
        : { start: ['redirect'] },
    },
  );
  if (!isPendingGrant(grant)) throw new Error('expected a pending grant');
  return grant;
}

/** The user's browser follows interact.redirect; returns the session cookie and where it was sent. */
async function startInteraction(grant: PendingGrant): Promise<{ cookie: string; location: URL }> {
  const start = await browse(grant.interact.redirect);
  expect(start.status).toBe(302);
  return { cookie: cookieFrom(start), location: new URL(start.location as string) };
}

describe('non-interactive incoming-payment grant', () => {
  it('issues a token at once, introspectable over HTTP, in process and through the client library', async () => {
    const grant = await incomingPaymentGrant();
    expect(grant.access_token.access).toEqual([
      { type: 'incoming-payment', actions: ['create', 'read', 'complete'], identifier: alice.url },
    ]);
    expect(grant.access_token.expires_in).toBe(600);
    expect(grant.access_token.manage).toMatch(new RegExp(`^${harness.grantUrl}/token/`));
    expect(grant.access_token.manage).not.toContain(grant.access_token.value);
    expect(grant.continue.uri).toMatch(new RegExp(`^${harness.grantUrl}/continue/`));

    const request = {
      access_token: grant.access_token.value,
      access: [{ type: 'incoming-payment' as const, actions: ['read' as const], identifier: alice.url }],
    };
    const expected = {
      active: true,
      grant: expect.any(String),
      access: grant.access_token.access,
      client: { walletAddress: app.url },
    };
    await expect(introspection.introspect(request)).resolves.toEqual(expected);
    await expect(harness.auth.introspect(request)).resolves.toEqual(expected);
    const inProcess = createIntrospectionClient({ introspect: harness.auth.introspect });
    await expect(inProcess.introspect(request)).resolves.toEqual(expected);
  });

  it('returns only the granted items that cover the requested access', async () => {
    const grant = await incomingPaymentGrant();
    const token = grant.access_token.value;
    const introspect = (access: object[]) => introspection.introspect({ access_token: token, access: access as never });
    await expect(introspect([{ type: 'incoming-payment', actions: ['list'], identifier: alice.url }])).resolves.toEqual(
      expect.objectContaining({ active: true, access: [] }),
    );
    await expect(
      introspect([{ type: 'incoming-payment', actions: ['read'], identifier: `${wallets.baseUrl}/bob` }]),
    ).resolves.toEqual(expect.objectContaining({ active: true, access: [] }));
    await expect(introspect([{ type: 'quote', actions: ['create'] }])).resolves.toEqual(
      expect.objectContaining({ access: [] }),
    );
  });

  it('answers an unknown token as inactive', async () => {
    await expect(introspection.introspect({ access_token: 'no-such-token' })).resolves.toEqual({ active: false });
  });

  it('refuses a malformed introspection request with 400 invalid_request', async () => {
    const response = await fetch(harness.introspectionUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ access_token: 'x', scope: 'all' }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: { code: 'invalid_request', description: expect.any(String) } });
  });
});

describe('token management', () => {
  it('revoked token introspects inactive on the very next request', async () => {
    const grant = await incomingPaymentGrant();
    const token = grant.access_token.value;
    await expect(introspection.introspect({ access_token: token })).resolves.toMatchObject({ active: true });
    await client.token.revoke({ url: grant.access_token.manage, accessToken: token });
    await expect(introspection.introspect({ access_token: token })).resolves.toEqual({ active: false });
    // Revoking again is still a success (RFC 9635 §6.2), rotating it is not.
    await client.token.revoke({ url: grant.access_token.manage, accessToken: token });
    await expectClientError(
      client.token.rotate({ url: grant.access_token.manage, accessToken: token }),
      404,
      'invalid_rotation',
    );
  });

  it('rotated token replaces the old one, with a new value and a new management URL', async () => {
    const grant = await incomingPaymentGrant();
    const old = grant.access_token;
    const rotated = await client.token.rotate({ url: old.manage, accessToken: old.value });
    expect(rotated.access_token.value).not.toBe(old.value);
    expect(rotated.access_token.manage).not.toBe(old.manage);
    expect(rotated.access_token.access).toEqual(old.access);
    await expect(introspection.introspect({ access_token: old.value })).resolves.toEqual({ active: false });
    await expect(introspection.introspect({ access_token: rotated.access_token.value })).resolves.toMatchObject({
      active: true,
    });
    // The old token cannot be rotated a second time (that would fork the grant's tokens).
    await expectClientError(client.token.rotate({ url: old.manage, accessToken: old.value }), 404, 'invalid_rotation');
    // The new one rotates in turn.
    const again = await client.token.rotate({
      url: rotated.access_token.manage,
      accessToken: rotated.access_token.value,
    });
    expect(again.access_token.value).not.toBe(rotated.access_token.value);
  });

  it('refuses to manage a token with another token value than its URL names', async () => {
    const first = await incomingPaymentGrant();
    const second = await incomingPaymentGrant();
    await expectClientError(
      client.token.rotate({ url: first.access_token.manage, accessToken: second.access_token.value }),
      401,
      'invalid_client',
    );
    await expect(introspection.introspect({ access_token: first.access_token.value })).resolves.toMatchObject({
      active: true,
    });
  });

  it('an expired token is inactive but can still be rotated', async () => {
    let now = Date.now();
    const shortLived = await startAuthHarness(database.knex, {
      accessTokenExpirySeconds: 60,
      now: () => new Date(now),
    });
    try {
      const grant = await client.grant.request(
        { url: shortLived.grantUrl },
        { access_token: { access: [{ type: 'quote', actions: ['create', 'read'] }] } },
      );
      if (!isFinalizedGrantWithAccessToken(grant)) throw new Error('expected a token');
      expect(grant.access_token.expires_in).toBe(60);
      now += 61_000;
      await expect(shortLived.auth.introspect({ access_token: grant.access_token.value })).resolves.toEqual({
        active: false,
      });
      // Signatures are checked against the real clock; only the token lifetime uses the test clock (61 s is
      // within the 300 s skew either way).
      const rotated = await client.token.rotate({
        url: grant.access_token.manage.replace(harness.grantUrl, shortLived.grantUrl),
        accessToken: grant.access_token.value,
      });
      await expect(shortLived.auth.introspect({ access_token: rotated.access_token.value })).resolves.toMatchObject({
        active: true,
      });
    } finally {
      await shortLived.stop();
    }
  });
});

describe('cancelling a grant', () => {
  it('DELETE on the continuation URL revokes the grant and every token of it', async () => {
    const grant = await incomingPaymentGrant();
    await client.grant.cancel({ url: grant.continue.uri, accessToken: grant.continue.access_token.value });
    await expect(introspection.introspect({ access_token: grant.access_token.value })).resolves.toEqual({
      active: false,
    });
    await expectClientError(
      client.token.rotate({ url: grant.access_token.manage, accessToken: grant.access_token.value }),
      404,
      'invalid_rotation',
    );
    await expectClientError(
      client.grant.cancel({ url: grant.continue.uri, accessToken: grant.continue.access_token.value }),
      404,
      'invalid_request',
    );
  });

  it('refuses a wrong continuation token', async () => {
    const grant = await incomingPaymentGrant();
    await expectClientError(
      client.grant.cancel({ url: grant.continue.uri, accessToken: 'not-the-token' }),
      401,
      'invalid_continuation',
    );
    await expect(introspection.introspect({ access_token: grant.access_token.value })).resolves.toMatchObject({
      active: true,
    });
  });
});

describe('interactive outgoing-payment grant through the IdP API', () => {
  it('redirects to the IdP, accepts, finishes with a verifiable hash and continues to a token', async () => {
    const clientNonce = 'client-nonce-0a1b2c';
    const grant = await requestOutgoingGrant(clientNonce);
    expect(grant.continue.wait).toBe(1);
    const redirect = new URL(grant.interact.redirect);
    expect(redirect.origin).toBe(harness.interactionUrl);
    expect(redirect.searchParams.get('clientName')).toBe('Shop & Co <Test>');
    expect(redirect.searchParams.get('clientUri')).toBe(app.url);

    const { cookie, location } = await startInteraction(grant);
    expect(location.origin + location.pathname).toBe(IDP_URL);
    const interactId = location.searchParams.get('interactId') as string;
    const nonce = location.searchParams.get('nonce') as string;
    expect(nonce).toBe(grant.interact.finish);
    expect(location.searchParams.get('clientName')).toBe('Shop & Co <Test>');
    expect(location.searchParams.get('clientUri')).toBe(app.url);

    // The IdP reads the grant, then reports the user's decision over the back channel.
    const grantUrl = `${harness.interactionUrl}/grant/${interactId}/${nonce}`;
    const unauthorized = await fetch(grantUrl, { headers: { 'x-idp-secret': 'wrong-secret-value' } });
    expect(unauthorized.status).toBe(401);
    const details = await fetch(grantUrl, { headers: { 'x-idp-secret': IDP_SECRET } });
    expect(details.status).toBe(200);
    expect(await details.json()).toEqual({
      grantId: expect.any(String),
      access: [{ ...outgoingAccess, identifier: alice.url }],
      state: 'PENDING',
      client: { name: 'Shop & Co <Test>', uri: app.url },
    });
    const accept = await fetch(`${grantUrl}/accept`, { method: 'POST', headers: { 'x-idp-secret': IDP_SECRET } });
    expect(accept.status).toBe(202);
    const twice = await fetch(`${grantUrl}/accept`, { method: 'POST', headers: { 'x-idp-secret': IDP_SECRET } });
    expect(twice.status).toBe(400);

    // Finishing needs the browser that started the interaction.
    const finishUrl = `${harness.interactionUrl}/interact/${interactId}/${nonce}/finish`;
    expect((await browse(finishUrl)).status).toBe(401);
    const finish = await browse(finishUrl, { cookie });
    expect(finish.status).toBe(302);
    const back = new URL(finish.location as string);
    expect(back.origin + back.pathname).toBe(FINISH_URI);
    const interactRef = back.searchParams.get('interact_ref') as string;
    const hash = back.searchParams.get('hash') as string;
    // The client's own check (RFC 9635 §4.2.3 with Rafiki's encoding: standard base64 with padding).
    const expected = createHash('sha256')
      .update(`${clientNonce}\n${grant.interact.finish}\n${interactRef}\n${new URL(harness.grantUrl).href}`)
      .digest('base64');
    expect(hash).toBe(expected);
    expect(hash).toMatch(/=$/);
    // Single use: the session is gone.
    expect((await browse(finishUrl, { cookie })).status).toBe(401);

    await sleep(1000);
    const continued = await client.grant.continue(
      { url: grant.continue.uri, accessToken: grant.continue.access_token.value },
      { interact_ref: interactRef },
    );
    if (!isFinalizedGrantWithAccessToken(continued)) throw new Error('expected a token');
    expect(continued.access_token.access).toEqual([{ ...outgoingAccess, identifier: alice.url }]);
    await expect(
      introspection.introspect({
        access_token: continued.access_token.value,
        access: [{ type: 'outgoing-payment', actions: ['create'], identifier: alice.url }],
      }),
    ).resolves.toEqual({
      active: true,
      grant: expect.any(String),
      access: [{ ...outgoingAccess, identifier: alice.url }],
      client: { walletAddress: app.url },
    });
    // The interaction reference is single use.
    await sleep(1000);
    await expectClientError(
      client.grant.continue(
        { url: grant.continue.uri, accessToken: grant.continue.access_token.value },
        { interact_ref: interactRef },
      ),
      401,
      'request_denied',
    );
  });

  it('continuing before the wait is over is too_fast; after it, the wrong interact_ref is refused', async () => {
    const grant = await requestOutgoingGrant('nonce-too-fast');
    const continuation = { url: grant.continue.uri, accessToken: grant.continue.access_token.value };
    await expectClientError(client.grant.continue(continuation, { interact_ref: 'guess' }), 400, 'too_fast');
    await sleep(1000);
    await expectClientError(
      client.grant.continue(continuation, { interact_ref: 'guess' }),
      404,
      'invalid_continuation',
    );
    // Polling a grant that asked for a finish redirect is refused: only the interact_ref can complete it.
    await sleep(1000);
    await expectClientError(client.grant.continue(continuation), 401, 'request_denied');
  });

  it('rejected consent redirects with result=grant_rejected and the grant cannot be continued', async () => {
    const grant = await requestOutgoingGrant('nonce-reject');
    const { cookie, location } = await startInteraction(grant);
    const interactId = location.searchParams.get('interactId') as string;
    const grantUrl = `${harness.interactionUrl}/grant/${interactId}/${grant.interact.finish}`;
    const reject = await fetch(`${grantUrl}/reject`, { method: 'POST', headers: { 'x-idp-secret': IDP_SECRET } });
    expect(reject.status).toBe(202);
    const details = await fetch(grantUrl, { headers: { 'x-idp-secret': IDP_SECRET } });
    expect(await details.json()).toMatchObject({ state: 'DENIED' });
    const finish = await browse(`${harness.interactionUrl}/interact/${interactId}/${grant.interact.finish}/finish`, {
      cookie,
    });
    const back = new URL(finish.location as string);
    expect(back.searchParams.get('result')).toBe('grant_rejected');
    expect(back.searchParams.has('interact_ref')).toBe(false);
    await sleep(1000);
    await expectClientError(
      client.grant.continue({ url: grant.continue.uri, accessToken: grant.continue.access_token.value }),
      401,
      'request_denied',
    );
  });

  it('without a finish method the client polls: wait while pending, a token once approved', async () => {
    const grant = await requestOutgoingGrant('unused', false);
    const continuation = { url: grant.continue.uri, accessToken: grant.continue.access_token.value };
    await sleep(1000);
    const pending = await client.grant.continue(continuation);
    expect(pending).toEqual({ continue: { ...grant.continue, wait: 1 } });
    await expectClientError(client.grant.continue(continuation), 400, 'too_fast');

    const { location } = await startInteraction(grant);
    const interactId = location.searchParams.get('interactId') as string;
    const accept = await fetch(`${harness.interactionUrl}/grant/${interactId}/${grant.interact.finish}/accept`, {
      method: 'POST',
      headers: { 'x-idp-secret': IDP_SECRET },
    });
    expect(accept.status).toBe(202);
    await sleep(1000);
    const issued = await client.grant.continue(continuation);
    expect(isFinalizedGrantWithAccessToken(issued)).toBe(true);
  });

  it('a cancelled pending grant cannot be approved any more', async () => {
    const grant = await requestOutgoingGrant('nonce-cancel');
    const { location } = await startInteraction(grant);
    await client.grant.cancel({ url: grant.continue.uri, accessToken: grant.continue.access_token.value });
    const interactId = location.searchParams.get('interactId') as string;
    const grantUrl = `${harness.interactionUrl}/grant/${interactId}/${grant.interact.finish}`;
    expect((await fetch(grantUrl, { headers: { 'x-idp-secret': IDP_SECRET } })).status).toBe(404);
    const accept = await fetch(`${grantUrl}/accept`, { method: 'POST', headers: { 'x-idp-secret': IDP_SECRET } });
    expect(accept.status).toBe(401);
    expect(await accept.json()).toMatchObject({ error: { code: 'user_denied' } });
  });

  it('an interaction URL with the wrong nonce is unknown', async () => {
    const grant = await requestOutgoingGrant('nonce-wrong');
    const wrong = grant.interact.redirect.replace(grant.interact.finish, 'not-the-nonce');
    expect((await browse(wrong)).status).toBe(404);
  });
});

describe('subject requests', () => {
  it('returns the subject after consent, with no access token', async () => {
    const grant = await client.grant.request(
      { url: harness.grantUrl },
      {
        subject: { sub_ids: [{ id: alice.url, format: 'uri' }] },
        interact: { start: ['redirect'], finish: { method: 'redirect', uri: FINISH_URI, nonce: 'subject-nonce' } },
      },
    );
    if (!isPendingGrant(grant)) throw new Error('expected a pending grant');
    const { cookie, location } = await startInteraction(grant);
    const interactId = location.searchParams.get('interactId') as string;
    const grantUrl = `${harness.interactionUrl}/grant/${interactId}/${grant.interact.finish}`;
    const details = await fetch(grantUrl, { headers: { 'x-idp-secret': IDP_SECRET } });
    expect(await details.json()).toMatchObject({
      access: [],
      subject: { sub_ids: [{ id: alice.url, format: 'uri' }] },
    });
    await fetch(`${grantUrl}/accept`, { method: 'POST', headers: { 'x-idp-secret': IDP_SECRET } });
    const finish = await browse(`${harness.interactionUrl}/interact/${interactId}/${grant.interact.finish}/finish`, {
      cookie,
    });
    const interactRef = new URL(finish.location as string).searchParams.get('interact_ref') as string;
    await sleep(1000);
    const continued = await client.grant.continue(
      { url: grant.continue.uri, accessToken: grant.continue.access_token.value },
      { interact_ref: interactRef },
    );
    expect(continued).toEqual({
      subject: { sub_ids: [{ id: alice.url, format: 'uri' }] },
      continue: { access_token: grant.continue.access_token, uri: grant.continue.uri },
    });
  });
});
