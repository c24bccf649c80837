// Introspection cost and the client library's refusals; concurrency of token-issuing operations.
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isFinalizedGrantWithAccessToken, isPendingGrant, type AuthenticatedClient } from '@interledger/open-payments';
import { createTestDatabase, type TestDatabase } from '../../../test-support';
import { createIntrospectionClient, IntrospectionClientError, parseIntrospectionResponse } from '../src';
import { startAuthHarness, IDP_SECRET, type AuthHarness } from './support/auth-harness';
import { startWalletServer, type TestWallet, type WalletServer } from './support/client-wallets';
import { browse, sleep } from './support/front-channel';
import { readGrant, sdkClientFor } from './support/sdk';
import type { Introspect } from '@sluice/resource';

let database: TestDatabase;
let harness: AuthHarness;
let wallets: WalletServer;
let app: TestWallet;
let alice: TestWallet;
let client: AuthenticatedClient;

beforeAll(async () => {
  database = await createTestDatabase();
  harness = await startAuthHarness(database.knex, { identityServerUrl: 'https://idp.example/' });
  wallets = await startWalletServer({ authServer: () => harness.grantUrl });
  app = wallets.addWallet('app');
  alice = wallets.addWallet('alice');
  client = await sdkClientFor(app);
});

afterAll(async () => {
  await wallets?.close();
  await harness?.stop();
  await database?.drop();
});

const tokenGrant = () => readGrant(client, harness.grantUrl, alice.url);

it('introspects with a single database query, whatever the number of requested items', async () => {
  const grant = await tokenGrant();
  const queries: string[] = [];
  const listener = (query: { sql: string }) => queries.push(query.sql);
  database.knex.on('query', listener);
  try {
    await harness.auth.introspect({
      access_token: grant.access_token.value,
      access: [
        { type: 'incoming-payment', actions: ['read'], identifier: alice.url },
        { type: 'incoming-payment', actions: ['create'] },
        { type: 'quote', actions: ['create'] },
      ],
    });
  } finally {
    database.knex.removeListener('query', listener);
  }
  expect(queries).toHaveLength(1);
  expect(queries[0]).toMatch(/value_hash = \$1/);
});

it('stores tokens only as hashes', async () => {
  const grant = await tokenGrant();
  const sha256 = (value: string) => createHash('sha256').update(value).digest();
  const byHash = await database.knex('auth_access_tokens').where({ value_hash: sha256(grant.access_token.value) });
  expect(byHash).toHaveLength(1);
  const continuation = await database.knex('auth_grants').where({
    continue_token_hash: sha256(grant.continue.access_token.value),
  });
  expect(continuation).toHaveLength(1);
  // Nothing stores the values themselves, in any column.
  const text = await database.knex.raw(
    'SELECT count(*) AS n FROM auth_access_tokens t JOIN auth_grants g ON g.id = t.grant_id WHERE (t.*)::text LIKE ? OR (g.*)::text LIKE ?',
    [`%${grant.access_token.value}%`, `%${grant.continue.access_token.value}%`],
  );
  expect(Number(text.rows[0].n)).toBe(0);
});

it('two concurrent rotations of one token: exactly one wins', async () => {
  const grant = await tokenGrant();
  const args = { url: grant.access_token.manage, accessToken: grant.access_token.value };
  const results = await Promise.allSettled([client.token.rotate(args), client.token.rotate(args)]);
  expect(results.map((result) => result.status).sort()).toEqual(['fulfilled', 'rejected']);
  const winner = (
    results.find((result) => result.status === 'fulfilled') as PromiseFulfilledResult<{
      access_token: { value: string };
    }>
  ).value;
  const info = await harness.auth.introspect({ access_token: winner.access_token.value });
  if (!info.active) throw new Error('the rotated token should be active');
  const live = await database.knex('auth_access_tokens').where({ grant_id: info.grant }).whereNull('revoked_at');
  expect(live).toHaveLength(1);
});

it('two concurrent continuations of an approved grant: exactly one token', async () => {
  const grant = await client.grant.request(
    { url: harness.grantUrl },
    {
      access_token: { access: [{ type: 'outgoing-payment', actions: ['create'], identifier: alice.url }] },
      interact: { start: ['redirect'] },
    },
  );
  if (!isPendingGrant(grant)) throw new Error('expected a pending grant');
  const start = await browse(grant.interact.redirect);
  const interactId = new URL(start.location as string).searchParams.get('interactId') as string;
  const accept = await fetch(`${harness.interactionUrl}/grant/${interactId}/${grant.interact.finish}/accept`, {
    method: 'POST',
    headers: { 'x-idp-secret': IDP_SECRET },
  });
  expect(accept.status).toBe(202);
  await sleep(1000);
  const continuation = { url: grant.continue.uri, accessToken: grant.continue.access_token.value };
  const results = await Promise.allSettled([client.grant.continue(continuation), client.grant.continue(continuation)]);
  expect(results.map((result) => result.status).sort()).toEqual(['fulfilled', 'rejected']);
  const rejected = results.find((result) => result.status === 'rejected') as PromiseRejectedResult;
  expect(rejected.reason).toMatchObject({ status: 401, code: 'request_denied' });
});

it("answers the resource server's requests, in process and over HTTP, typed as its Introspect", async () => {
  const quote = await client.grant.request(
    { url: harness.grantUrl },
    { access_token: { access: [{ type: 'quote', actions: ['create', 'read'] }] } },
  );
  if (!isFinalizedGrantWithAccessToken(quote)) throw new Error('expected a token');
  const overHttp = createIntrospectionClient({ url: harness.introspectionUrl });
  // Compile-time check: both forms plug into @sluice/resource as they are.
  const forms: Introspect[] = [harness.auth.introspect, (request) => overHttp.introspect(request)];
  try {
    for (const introspect of forms) {
      // The resource server names the wallet address for every type, and passes undefined when it has none.
      await expect(
        introspect({
          access_token: quote.access_token.value,
          access: [{ type: 'quote', actions: ['create'], identifier: alice.url }],
        }),
      ).resolves.toMatchObject({ active: true, access: [{ type: 'quote', actions: ['create', 'read'] }] });
      await expect(
        introspect({
          access_token: quote.access_token.value,
          access: [{ type: 'quote', actions: ['read'], identifier: undefined }],
        }),
      ).resolves.toMatchObject({ active: true, access: [{ type: 'quote' }] });
      await expect(
        introspect({
          access_token: quote.access_token.value,
          access: [{ type: 'outgoing-payment', actions: ['create'] }],
        }),
      ).resolves.toMatchObject({ active: true, access: [] });
    }
  } finally {
    await overHttp.close();
  }
});

describe('createIntrospectionClient', () => {
  let server: Server;
  let url: string;
  let reply: { status: number; body: string } = { status: 200, body: '{"active":false}' };

  beforeAll(async () => {
    server = createServer((_request, response) => {
      response.writeHead(reply.status, { 'content-type': 'application/json' });
      response.end(reply.body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  async function introspectWith(status: number, body: string) {
    reply = { status, body };
    const introspection = createIntrospectionClient({ url });
    try {
      return await introspection.introspect({ access_token: 'token' });
    } finally {
      await introspection.close();
    }
  }

  it('passes an inactive answer through', async () => {
    await expect(introspectWith(200, '{"active":false}')).resolves.toEqual({ active: false });
  });

  it.each([
    ['a non-200 status', 404, '{"active":true}', 'bad_status'],
    ['a body that is not JSON', 200, '<html>', 'invalid_response'],
    ['no active field', 200, '{}', 'invalid_response'],
    ['active without a client', 200, '{"active":true,"grant":"g","access":[]}', 'invalid_response'],
    [
      'an access item of unknown type',
      200,
      '{"active":true,"grant":"g","access":[{"type":"x","actions":["read"]}],"client":{"walletAddress":"https://w/a"}}',
      'invalid_response',
    ],
  ])('refuses %s', async (_name, status, body, code) => {
    await expect(introspectWith(status, body)).rejects.toMatchObject({ name: 'IntrospectionClientError', code });
  });

  it('reports an unreachable server', async () => {
    const introspection = createIntrospectionClient({ url: 'http://127.0.0.1:1/', timeoutMs: 1000 });
    await expect(introspection.introspect({ access_token: 't' })).rejects.toBeInstanceOf(IntrospectionClientError);
    await introspection.close();
  });

  it('parses a jwk client', () => {
    const jwk = { kid: 'k', alg: 'EdDSA', kty: 'OKP', crv: 'Ed25519', x: 'a'.repeat(43) };
    expect(
      parseIntrospectionResponse(JSON.stringify({ active: true, grant: 'g', access: [], client: { jwk } })),
    ).toEqual({ active: true, grant: 'g', access: [], client: { jwk } });
  });
});
