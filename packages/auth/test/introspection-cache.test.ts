// The introspection token cache: tokens are read once, and forgotten at once when they are revoked or rotated or
// their grant is cancelled — in the process that made the change, and in another process on the same database when
// the change's NOTIFY arrives (long before the cache's time limit, which these tests set to a minute).
import type { AuthenticatedClient } from '@interledger/open-payments';
import { createTestDatabase, type TestDatabase } from '../../../test-support';
import { startAuthHarness, type AuthHarness } from './support/auth-harness';
import { startWalletServer, type TestWallet, type WalletServer } from './support/client-wallets';
import { readGrant, sdkClientFor } from './support/sdk';
import { createIntrospectionTokenCache } from '../src/introspection/token-cache';
import type { TokenWithGrant } from '../src/store/access-tokens';

let database: TestDatabase;
/** Two auth servers on one database, as two processes would be. */
let first: AuthHarness;
let second: AuthHarness;
let wallets: WalletServer;
let alice: TestWallet;
let client: AuthenticatedClient;

beforeAll(async () => {
  database = await createTestDatabase();
  const cached = { listen: database.database.listen, tokenCacheTtlMs: 60_000 };
  first = await startAuthHarness(database.knex, cached);
  second = await startAuthHarness(database.knex, cached);
  wallets = await startWalletServer({ authServer: () => first.grantUrl });
  const app = wallets.addWallet('app');
  alice = wallets.addWallet('alice');
  client = await sdkClientFor(app);
  // The caches switch on once their LISTEN is in place.
  await new Promise((resolve) => setTimeout(resolve, 200));
});

afterAll(async () => {
  await wallets?.close();
  await first?.stop();
  await second?.stop();
  await database?.drop();
});

const tokenGrant = () => readGrant(client, first.grantUrl, alice.url);

const introspect = (harness: AuthHarness, token: string) => harness.auth.introspect({ access_token: token });

async function queriesDuring(action: () => Promise<unknown>): Promise<number> {
  let count = 0;
  const listener = () => count++;
  database.knex.on('query', listener);
  try {
    await action();
  } finally {
    database.knex.removeListener('query', listener);
  }
  return count;
}

/** Polls for up to `ms` (far less than the cache's minute) until the token is inactive at `harness`. */
async function inactiveWithin(harness: AuthHarness, token: string, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (!(await introspect(harness, token)).active) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

it('reads a token from the database once, then from memory', async () => {
  const grant = await tokenGrant();
  expect(await queriesDuring(() => introspect(second, grant.access_token.value))).toBe(1);
  expect(await queriesDuring(() => introspect(second, grant.access_token.value))).toBe(0);
  expect((await introspect(second, grant.access_token.value)).active).toBe(true);
  // An unknown token is never cached: it is asked for every time.
  expect(await queriesDuring(() => introspect(second, 'no-such-token'))).toBe(1);
  expect(await queriesDuring(() => introspect(second, 'no-such-token'))).toBe(1);
});

it('refuses a revoked token at once in the revoking process and soon in the other', async () => {
  const grant = await tokenGrant();
  const token = grant.access_token.value;
  expect((await introspect(first, token)).active).toBe(true);
  expect((await introspect(second, token)).active).toBe(true);
  await client.token.revoke({ url: grant.access_token.manage, accessToken: token });
  expect((await introspect(first, token)).active).toBe(false);
  expect(await inactiveWithin(second, token, 2_000)).toBe(true);
});

it('refuses a rotated token, and serves its successor', async () => {
  const grant = await tokenGrant();
  const old = grant.access_token;
  expect((await introspect(first, old.value)).active).toBe(true);
  expect((await introspect(second, old.value)).active).toBe(true);
  const rotated = await client.token.rotate({ url: old.manage, accessToken: old.value });
  expect((await introspect(first, old.value)).active).toBe(false);
  expect(await inactiveWithin(second, old.value, 2_000)).toBe(true);
  expect((await introspect(second, rotated.access_token.value)).active).toBe(true);
});

it('refuses the tokens of a cancelled grant', async () => {
  const grant = await tokenGrant();
  const token = grant.access_token.value;
  expect((await introspect(first, token)).active).toBe(true);
  expect((await introspect(second, token)).active).toBe(true);
  await client.grant.cancel({ url: grant.continue.uri, accessToken: grant.continue.access_token.value });
  expect((await introspect(first, token)).active).toBe(false);
  expect(await inactiveWithin(second, token, 2_000)).toBe(true);
});

describe('the cache alone', () => {
  const token = { tokenId: 't' } as TokenWithGrant;
  const hash = Buffer.from('hash');

  it('does not keep what a lookup read before an invalidation', async () => {
    const cache = createIntrospectionTokenCache({ ttlMs: 60_000 });
    let release!: () => void;
    const slowLoad = cache.lookup(hash, () => new Promise((resolve) => (release = () => resolve(token))));
    cache.invalidate();
    release();
    expect(await slowLoad).toBe(token);
    let loads = 0;
    await cache.lookup(hash, async () => (loads++, token));
    expect(loads).toBe(1);
  });

  it('reads again after its time limit, and keeps at most maxEntries', async () => {
    let now = 0;
    const cache = createIntrospectionTokenCache({ ttlMs: 1_000, maxEntries: 2, clock: () => now });
    let loads = 0;
    const load = async () => (loads++, token);
    await cache.lookup(hash, load);
    now = 999;
    await cache.lookup(hash, load);
    expect(loads).toBe(1);
    now = 1_000;
    await cache.lookup(hash, load);
    expect(loads).toBe(2);
    await cache.lookup(Buffer.from('b'), load);
    await cache.lookup(Buffer.from('c'), load);
    await cache.lookup(hash, load);
    expect(loads).toBe(5);
  });
});
