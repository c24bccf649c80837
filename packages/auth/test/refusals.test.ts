// Requests the auth server must refuse, each with its status and GNAP error code. Requests are built by hand (and
// signed with @sluice/http-signatures the way the official client signs) so that each can be broken in one place.
import { createAuthenticatedClient, isFinalizedGrantWithAccessToken } from '@interledger/open-payments';
import { generateEd25519Key, signRequest, type SigningKey } from '@sluice/http-signatures';
import { createTestDatabase, type TestDatabase } from '../../../test-support';
import { startAuthHarness, type AuthHarness } from './support/auth-harness';
import { startWalletServer, type TestWallet, type WalletServer } from './support/client-wallets';

let database: TestDatabase;
let harness: AuthHarness;
let wallets: WalletServer;
let app: TestWallet;
let other: TestWallet;
let alice: TestWallet;

beforeAll(async () => {
  database = await createTestDatabase();
  harness = await startAuthHarness(database.knex, { jwksRefetchIntervalMs: 0 });
  wallets = await startWalletServer({ authServer: () => harness.grantUrl });
  app = wallets.addWallet('app');
  other = wallets.addWallet('other');
  alice = wallets.addWallet('alice');
});

afterAll(async () => {
  await wallets?.close();
  await harness?.stop();
  await database?.drop();
});

interface SendOptions {
  method?: string;
  url?: string;
  body?: unknown;
  /** The exact text sent, when it must differ from what was signed. */
  sentBody?: string;
  key?: SigningKey | null;
  authorization?: string;
  created?: number;
  /** Changes headers after signing. */
  tamper?: (headers: Record<string, string>) => void;
}

async function send(options: SendOptions): Promise<{ status: number; body: unknown }> {
  const method = options.method ?? 'POST';
  const url = options.url ?? harness.grantUrl;
  const text = options.body === undefined ? undefined : JSON.stringify(options.body);
  const headers: Record<string, string> = { accept: 'application/json' };
  if (text !== undefined) headers['content-type'] = 'application/json';
  if (options.authorization !== undefined) headers.authorization = options.authorization;
  const key = options.key === undefined ? app.signingKey : options.key;
  if (key !== null) {
    const signed = signRequest({ method, url, headers, body: text }, key, { created: options.created });
    for (const [name, value] of Object.entries(signed)) headers[name.toLowerCase()] = value as string;
  }
  options.tamper?.(headers);
  const response = await fetch(url, { method, headers, body: options.sentBody ?? text });
  const raw = await response.text();
  return { status: response.status, body: raw === '' ? undefined : JSON.parse(raw) };
}

const grantBody = (client: string = app.url, extra: Record<string, unknown> = {}) => ({
  access_token: { access: [{ type: 'incoming-payment', actions: ['create', 'read'], identifier: alice.url }] },
  client,
  ...extra,
});

function refusal(code: string, description?: RegExp) {
  return {
    error: { code, description: description === undefined ? expect.any(String) : expect.stringMatching(description) },
  };
}

describe('grant request signatures', () => {
  it('accepts a correctly signed request (the baseline every refusal below breaks once)', async () => {
    const response = await send({ body: grantBody() });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ access_token: { value: expect.any(String) } });
  });

  it('refuses an unsigned request: 401 invalid_client', async () => {
    await expect(send({ body: grantBody(), key: null })).resolves.toEqual({
      status: 401,
      body: refusal('invalid_client'),
    });
  });

  it('refuses a wrongly signed request: 401 invalid_client', async () => {
    const tampered = await send({
      body: grantBody(),
      tamper: (headers) => {
        // Flip one byte of the signature.
        const bytes = Buffer.from(headers.signature.slice(6, -1), 'base64');
        bytes[0] ^= 1;
        headers.signature = `sig1=:${bytes.toString('base64')}:`;
      },
    });
    expect(tampered).toEqual({ status: 401, body: refusal('invalid_client') });
    // Signed for another URL.
    const elsewhere = await send({
      body: grantBody(),
      tamper: (headers) => {
        const signed = signRequest(
          { method: 'POST', url: `${harness.grantUrl}/other`, headers: {}, body: JSON.stringify(grantBody()) },
          app.signingKey,
        );
        headers.signature = signed.Signature;
        headers['signature-input'] = signed['Signature-Input'];
      },
    });
    expect(elsewhere).toEqual({ status: 401, body: refusal('invalid_client') });
  });

  it("refuses a signature by another client's key under the client's kid: 401 invalid_client", async () => {
    const impostor = generateEd25519Key(app.signingKey.keyId).signingKey;
    await expect(send({ body: grantBody(), key: impostor })).resolves.toEqual({
      status: 401,
      body: refusal('invalid_client'),
    });
  });

  it("refuses a request naming one client and signed by another client's own key: 400 invalid_client", async () => {
    await expect(send({ body: grantBody(app.url), key: other.signingKey })).resolves.toEqual({
      status: 400,
      body: refusal('invalid_client'),
    });
  });

  it('refuses a replayed request with a changed body: 401 invalid_client', async () => {
    const changed = JSON.stringify(grantBody(app.url, { interact: { start: ['redirect'] } }));
    // Same signature and digest, other body (with its own length, or HTTP itself breaks): the digest no longer matches.
    await expect(
      send({
        body: grantBody(),
        sentBody: changed,
        tamper: (headers) => (headers['content-length'] = String(Buffer.byteLength(changed))),
      }),
    ).resolves.toEqual({
      status: 401,
      body: refusal('invalid_client', /digest_mismatch/),
    });
    // Digest recomputed for the new body, old signature: the signature no longer matches.
    const recomputed = await send({
      body: grantBody(),
      sentBody: changed,
      tamper: (headers) => {
        const resigned = signRequest(
          { method: 'POST', url: harness.grantUrl, headers: {}, body: changed },
          app.signingKey,
        );
        headers['content-digest'] = resigned['Content-Digest'] as string;
        headers['content-length'] = resigned['Content-Length'] as string;
      },
    });
    expect(recomputed).toEqual({ status: 401, body: refusal('invalid_client', /invalid_signature/) });
  });

  it('refuses an unknown kid: 400 invalid_client', async () => {
    const stranger = generateEd25519Key('never-published').signingKey;
    await expect(send({ body: grantBody(), key: stranger })).resolves.toEqual({
      status: 400,
      body: refusal('invalid_client', /unknown key id "never-published"/),
    });
  });

  it('refetches the client keys for an unknown kid, so a newly published key works', async () => {
    const rotated = generateEd25519Key('app-key-2');
    const before = await send({ body: grantBody(), key: rotated.signingKey });
    expect(before.status).toBe(400);
    app.keys.push(rotated.publicJwk);
    try {
      const after = await send({ body: grantBody(), key: rotated.signingKey });
      expect(after.status).toBe(200);
    } finally {
      app.keys.pop();
    }
  });

  it('refuses a signature created more than 5 minutes off: 401 invalid_client', async () => {
    const now = Math.floor(Date.now() / 1000);
    for (const created of [now - 301, now + 301]) {
      await expect(send({ body: grantBody(), created })).resolves.toEqual({
        status: 401,
        body: refusal('invalid_client', /signature_expired/),
      });
    }
    expect((await send({ body: grantBody(), created: now - 250 })).status).toBe(200);
  });

  it('refuses a body without Content-Digest: 401 invalid_client', async () => {
    const response = await send({ body: grantBody(), tamper: (headers) => delete headers['content-digest'] });
    expect(response).toEqual({ status: 401, body: refusal('invalid_client') });
  });

  it('refuses a client that is not a wallet address or JWK: 400 invalid_client', async () => {
    await expect(send({ body: grantBody('not a url') })).resolves.toEqual({
      status: 400,
      body: refusal('invalid_client'),
    });
    await expect(send({ body: { ...grantBody(), client: { walletAddress: app.url, name: 'x' } } })).resolves.toEqual({
      status: 400,
      body: refusal('invalid_client'),
    });
  });

  it("answers 400 invalid_client when the client's keys cannot be fetched", async () => {
    await expect(send({ body: grantBody(`${wallets.baseUrl}/nobody`) })).resolves.toEqual({
      status: 400,
      body: refusal('invalid_client'),
    });
  });
});

describe('grant request bodies', () => {
  const cases: [string, () => unknown][] = [
    ['an unknown top-level field', () => grantBody(app.url, { scope: 'everything' })],
    [
      'an unknown field in an access item',
      () =>
        grantBody(app.url, {
          access_token: { access: [{ type: 'incoming-payment', actions: ['read'], identifier: alice.url, extra: 1 }] },
        }),
    ],
    ['an unknown field in access_token', () => grantBody(app.url, { access_token: { access: [], label: 'x' } })],
    [
      'an identifier on a quote item',
      () =>
        grantBody(app.url, {
          access_token: { access: [{ type: 'quote', actions: ['create'], identifier: alice.url }] },
        }),
    ],
    [
      'an unknown action',
      () => grantBody(app.url, { access_token: { access: [{ type: 'quote', actions: ['complete'] }] } }),
    ],
    [
      'repeated actions',
      () => grantBody(app.url, { access_token: { access: [{ type: 'quote', actions: ['create', 'create'] }] } }),
    ],
    [
      'an unknown access type',
      () => grantBody(app.url, { access_token: { access: [{ type: 'account', actions: ['read'] }] } }),
    ],
    ['no access_token and no subject', () => ({ client: app.url })],
    [
      'four access items',
      () =>
        grantBody(app.url, {
          access_token: {
            access: ['create', 'read', 'read-all', 'list'].map((action) => ({
              type: 'incoming-payment',
              actions: [action],
            })),
          },
        }),
    ],
    ['a body that is not an object', () => ['not', 'an', 'object']],
    ['interact.start other than redirect', () => grantBody(app.url, { interact: { start: ['user_code'] } })],
    [
      'an unknown field in interact.finish',
      () =>
        grantBody(app.url, {
          interact: {
            start: ['redirect'],
            finish: { method: 'redirect', uri: 'https://c.example/', nonce: 'n', hash: 'x' },
          },
        }),
    ],
  ];

  it.each(cases)('refuses %s: 400 invalid_request', async (_name, body) => {
    await expect(send({ body: body() })).resolves.toEqual({ status: 400, body: refusal('invalid_request') });
  });

  const outgoing = (limits: unknown) =>
    grantBody(app.url, {
      access_token: { access: [{ type: 'outgoing-payment', actions: ['create'], identifier: alice.url, limits }] },
      interact: { start: ['redirect'] },
    });
  const usd = { value: '100', assetCode: 'USD', assetScale: 2 };
  const limitCases: [string, () => unknown][] = [
    ['both debitAmount and receiveAmount', () => ({ debitAmount: usd, receiveAmount: usd })],
    ['an interval that is not ISO 8601', () => ({ debitAmount: usd, interval: 'every month' })],
    ['an interval with a local time', () => ({ debitAmount: usd, interval: 'R/2026-01-01T00:00:00/P1M' })],
    ['an interval with an impossible date', () => ({ debitAmount: usd, interval: 'R/2026-02-30T00:00:00Z/P1M' })],
    ['an interval with a zero duration', () => ({ debitAmount: usd, interval: 'R3/2026-01-01T00:00:00Z/P0D' })],
    ['an interval ending before it starts', () => ({ interval: 'R/2026-02-01T00:00:00Z/2026-01-01T00:00:00Z' })],
    ['an amount with a negative value', () => ({ debitAmount: { ...usd, value: '-1' } })],
    ['an amount above 2^64-1', () => ({ debitAmount: { ...usd, value: '18446744073709551616' } })],
    ['an amount of zero', () => ({ debitAmount: { ...usd, value: '0' } })],
    ['an asset scale above 255', () => ({ debitAmount: { ...usd, assetScale: 256 } })],
    ['an unknown field in an amount', () => ({ debitAmount: { ...usd, currency: 'USD' } })],
    ['a receiver that is not an incoming payment', () => ({ receiver: `${alice.url}/quotes/1` })],
    ['an unknown limit', () => ({ debitAmount: usd, perPayment: usd })],
  ];

  it.each(limitCases)('refuses outgoing-payment limits with %s: 400 invalid_request', async (_name, limits) => {
    await expect(send({ body: outgoing(limits()) })).resolves.toEqual({
      status: 400,
      body: refusal('invalid_request'),
    });
  });

  it('accepts the three interval forms', async () => {
    for (const interval of [
      'R12/2019-08-24T14:15:22Z/P1M',
      'R/2017-03-01T13:00:00Z/2018-05-11T15:30:00Z',
      'R-1/P1Y2M10DT2H30M/2022-05-11T15:30:00+02:00',
    ]) {
      const response = await send({ body: outgoing({ debitAmount: usd, interval }) });
      expect({ interval, status: response.status }).toEqual({ interval, status: 200 });
    }
  });

  it('refuses outgoing-payment access without interact: 400 invalid_request', async () => {
    const body = grantBody(app.url, {
      access_token: { access: [{ type: 'outgoing-payment', actions: ['create'], identifier: alice.url }] },
    });
    await expect(send({ body })).resolves.toEqual({ status: 400, body: refusal('invalid_request') });
  });

  it('grants read-all of incoming payments without an identifier at once, as a paying Rafiki backend asks', async () => {
    const body = grantBody(app.url, {
      access_token: { access: [{ type: 'incoming-payment', actions: ['read-all'] }] },
    });
    const response = await send({ body });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      access_token: { access: [{ type: 'incoming-payment', actions: ['read-all'] }] },
    });
  });

  it('asks for interaction for list-all of incoming payments', async () => {
    const body = grantBody(app.url, {
      access_token: { access: [{ type: 'incoming-payment', actions: ['list-all'], identifier: alice.url }] },
      interact: { start: ['redirect'] },
    });
    const response = await send({ body });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ interact: { redirect: expect.any(String) } });
  });
});

describe('directed identity (client: { jwk })', () => {
  it('grants non-interactive access to a request signed by that key, and refuses interactive access', async () => {
    const { signingKey, publicJwk } = generateEd25519Key('directed-1');
    const body = grantBody(app.url, { client: { jwk: publicJwk } });
    const granted = await send({ body, key: signingKey });
    expect(granted.status).toBe(200);
    const token = (granted.body as { access_token: { value: string } }).access_token.value;
    await expect(harness.auth.introspect({ access_token: token })).resolves.toMatchObject({
      active: true,
      client: { jwk: publicJwk },
    });
    // Signed by another key than the one in the body.
    expect((await send({ body, key: app.signingKey })).status).toBe(400);
    const interactive = grantBody(app.url, {
      client: { jwk: publicJwk },
      access_token: { access: [{ type: 'outgoing-payment', actions: ['create'], identifier: alice.url }] },
      interact: { start: ['redirect'] },
    });
    await expect(send({ body: interactive, key: signingKey })).resolves.toEqual({
      status: 400,
      body: refusal('invalid_client'),
    });
  });

  it('works through the official client with its { jwk } client override', async () => {
    const { signingKey, publicJwk } = generateEd25519Key('directed-sdk');
    const directed = await createAuthenticatedClient({
      walletAddressUrl: app.url,
      privateKey: signingKey.privateKey,
      keyId: signingKey.keyId,
      validateResponses: true,
    });
    const grant = await directed.grant.request(
      { url: harness.grantUrl },
      { access_token: { access: [{ type: 'quote', actions: ['create'] }] } },
      { jwk: publicJwk },
    );
    if (!isFinalizedGrantWithAccessToken(grant)) throw new Error('expected a token');
    // The continuation is bound to that key: the client cancels its grant with it.
    await directed.grant.cancel({ url: grant.continue.uri, accessToken: grant.continue.access_token.value });
    await expect(harness.auth.introspect({ access_token: grant.access_token.value })).resolves.toEqual({
      active: false,
    });
  });

  it('accepts the { walletAddress } client form', async () => {
    const response = await send({ body: grantBody(app.url, { client: { walletAddress: app.url } }) });
    expect(response.status).toBe(200);
  });
});

describe('continuation and token management signatures', () => {
  async function grantWithToken() {
    const response = await send({ body: grantBody() });
    return response.body as {
      access_token: { value: string; manage: string };
      continue: { uri: string; access_token: { value: string } };
    };
  }

  it('refuses management signed by another client: 400/401 invalid_client, and the token stays valid', async () => {
    const grant = await grantWithToken();
    const authorization = `GNAP ${grant.access_token.value}`;
    // The other client's own key: unknown in this client's key set.
    await expect(send({ url: grant.access_token.manage, authorization, key: other.signingKey })).resolves.toEqual({
      status: 400,
      body: refusal('invalid_client'),
    });
    // A forged key under this client's kid.
    const impostor = generateEd25519Key(app.signingKey.keyId).signingKey;
    await expect(
      send({ method: 'DELETE', url: grant.access_token.manage, authorization, key: impostor }),
    ).resolves.toEqual({ status: 401, body: refusal('invalid_client') });
    await expect(send({ method: 'DELETE', url: grant.access_token.manage, authorization, key: null })).resolves.toEqual(
      {
        status: 401,
        body: refusal('invalid_client'),
      },
    );
    await expect(harness.auth.introspect({ access_token: grant.access_token.value })).resolves.toMatchObject({
      active: true,
    });
  });

  it('refuses a signature that does not cover Authorization: 401 invalid_client', async () => {
    const grant = await grantWithToken();
    const response = await send({
      method: 'DELETE',
      url: grant.continue.uri,
      tamper: (headers) => {
        // Signed without the header, which is then added.
        headers.authorization = `GNAP ${grant.continue.access_token.value}`;
      },
    });
    expect(response).toEqual({ status: 401, body: refusal('invalid_client') });
  });

  it('refuses continuation without a token (401) and of an unknown grant (404): invalid_continuation', async () => {
    const grant = await grantWithToken();
    await expect(send({ url: grant.continue.uri })).resolves.toEqual({
      status: 401,
      body: refusal('invalid_continuation'),
    });
    await expect(
      send({ url: `${harness.grantUrl}/continue/unknown`, authorization: 'GNAP whatever' }),
    ).resolves.toEqual({ status: 404, body: refusal('invalid_continuation') });
  });

  it('refuses a continuation body with unknown fields: 400 invalid_request', async () => {
    const grant = await grantWithToken();
    await expect(
      send({
        url: grant.continue.uri,
        authorization: `GNAP ${grant.continue.access_token.value}`,
        body: { interact_ref: 'x', extra: true },
      }),
    ).resolves.toEqual({ status: 400, body: refusal('invalid_request') });
  });

  it('an official client with another key cannot rotate the token', async () => {
    const grant = await grantWithToken();
    const impostor = await createAuthenticatedClient({
      walletAddressUrl: app.url,
      privateKey: generateEd25519Key(app.signingKey.keyId).signingKey.privateKey,
      keyId: app.signingKey.keyId,
      validateResponses: true,
    });
    await expect(
      impostor.token.rotate({ url: grant.access_token.manage, accessToken: grant.access_token.value }),
    ).rejects.toMatchObject({ status: 401, code: 'invalid_client' });
  });
});
