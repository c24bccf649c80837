import { randomUUID } from 'node:crypto';
import { createWalletAddressOnDemand } from '../src/wallet-addresses/wallet-address-on-demand';
import { createTestDatabase, type TestDatabase } from '../../../test-support';

describe('wallet addresses on demand', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());

  const announced = async (urls: string[]) =>
    (await db.knex('webhook_events').where({ type: 'wallet_address.not_found' }))
      .map((row) => row.data.walletAddressUrl as string)
      .filter((url) => urls.includes(url));

  it('waits for at most maxWaiting URLs at once; past that a missing address is neither announced nor waited for', async () => {
    const lookUp = createWalletAddressOnDemand({
      knex: db.knex,
      walletAddresses: { getByUrl: async () => undefined, canExistAt: () => true },
      timeoutMs: 400,
      pollIntervalMs: 50,
      maxWaiting: 2,
    });
    const urls = [1, 2, 3].map((n) => `https://wallet.example/made-up-${n}-${randomUUID()}`);
    const started = Date.now();
    const third = lookUp(urls[2]);
    const [first, second] = [lookUp(urls[0]), lookUp(urls[1])];
    // The third came first, so it waits; the second of the others is one too many.
    await expect(second).resolves.toBeUndefined();
    expect(Date.now() - started).toBeLessThan(300);
    await expect(Promise.all([first, third])).resolves.toEqual([undefined, undefined]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(390);
    expect((await announced(urls)).sort()).toEqual([urls[0], urls[2]].sort());
    // Once the waits are over there is room again.
    await lookUp(urls[1]);
    expect(await announced([urls[1]])).toEqual([urls[1]]);
  });
});
