// Steps 1–4: incoming account, expiry, max packet amount, rate limit.
import { deserializeAmountTooLargeData } from '@sluice/ilp';
import type { Directory } from '../src/directory';
import { createIncomingAccountMiddleware } from '../src/pipeline/incoming-account';
import { createIncomingExpiryMiddleware } from '../src/pipeline/incoming-expiry';
import { createMaxPacketAmountMiddleware } from '../src/pipeline/max-packet-amount';
import { createRateLimitMiddleware } from '../src/pipeline/rate-limit';
import { TokenBuckets } from '../src/pipeline/token-bucket';
import { expectReject, makePrepare } from './support/packets';
import { contextFor, localAccount, peerAccount, peerInfo, run } from './support/pipeline';

describe('incoming account', () => {
  const alice = peerAccount(peerInfo('alice'));
  const directory = { getAccount: async (id: string) => (id === 'alice' ? alice : undefined) } as unknown as Directory;
  const middleware = createIncomingAccountMiddleware({ directory });

  test('resolves the account the packet arrived on', async () => {
    const ctx = contextFor();
    (ctx as { incomingAccountId: string }).incomingAccountId = 'alice';
    const { nextCalled } = await run(middleware, ctx);
    expect(nextCalled).toBe(true);
    expect(ctx.source).toBe(alice);
  });

  test('an unknown account is refused (T00) before anything else happens', async () => {
    const ctx = contextFor();
    (ctx as { incomingAccountId: string }).incomingAccountId = 'nobody';
    const { reply, nextCalled } = await run(middleware, ctx);
    expectReject(reply, 'T00');
    expect(nextCalled).toBe(false);
  });
});

describe('incoming expiry', () => {
  const now = 1_700_000_000_000;
  const middleware = createIncomingExpiryMiddleware({ now: () => now });
  const at = (expiresAt: number) => {
    const { prepare } = makePrepare({ amount: 1n, destination: 'test.x' });
    return contextFor({ ...prepare, expiresAt: new Date(expiresAt) });
  };

  test('already expired → R02, nothing further runs', async () => {
    const { reply, nextCalled } = await run(middleware, at(now - 1));
    expect(expectReject(reply, 'R02').message).toBe('packet expired');
    expect(nextCalled).toBe(false);
  });

  test('expiring exactly now counts as expired', async () => {
    expectReject((await run(middleware, at(now))).reply, 'R02');
  });

  test('not yet expired → continues', async () => {
    expect((await run(middleware, at(now + 1))).nextCalled).toBe(true);
  });
});

describe('max packet amount', () => {
  const middleware = createMaxPacketAmountMiddleware();
  const from = (maxPacketAmount: bigint | null, amount: bigint) =>
    contextFor(makePrepare({ amount, destination: 'test.x' }).prepare, peerAccount(peerInfo('p', { maxPacketAmount })));

  test('over the maximum → F08 with received and maximum amounts in the incoming units', async () => {
    const { reply, nextCalled } = await run(middleware, from(1000n, 1001n));
    const reject = expectReject(reply, 'F08');
    expect(deserializeAmountTooLargeData(reject.data)).toEqual({ receivedAmount: 1001n, maximumAmount: 1000n });
    expect(nextCalled).toBe(false);
  });

  test('the maximum itself is allowed (inclusive)', async () => {
    expect((await run(middleware, from(1000n, 1000n))).nextCalled).toBe(true);
  });

  test('no maximum, or a local sender → no limit', async () => {
    expect((await run(middleware, from(null, 2n ** 64n - 1n))).nextCalled).toBe(true);
    const local = contextFor(makePrepare({ amount: 2n ** 63n, destination: 'test.x' }).prepare, localAccount('op'));
    expect((await run(middleware, local)).nextCalled).toBe(true);
  });
});

describe('rate limit', () => {
  test('token bucket: burst, then the refill rate', () => {
    let now = 0;
    const buckets = new TokenBuckets({ ratePerSecond: 10, burst: 3, now: () => now });
    expect([buckets.take('a'), buckets.take('a'), buckets.take('a'), buckets.take('a')]).toEqual([
      true,
      true,
      true,
      false,
    ]);
    expect(buckets.take('b')).toBe(true);
    now += 100; // one token refilled
    expect([buckets.take('a'), buckets.take('a')]).toEqual([true, false]);
    now += 10_000; // refills up to the burst only
    expect([buckets.take('a'), buckets.take('a'), buckets.take('a'), buckets.take('a')]).toEqual([
      true,
      true,
      true,
      false,
    ]);
  });

  test('a peer over its rate → T05; other peers and local senders are unaffected', async () => {
    let now = 0;
    const middleware = createRateLimitMiddleware({ ratePerSecond: 1, burst: 2, now: () => now });
    const alice = contextFor(undefined, peerAccount(peerInfo('alice')));
    const bob = contextFor(undefined, peerAccount(peerInfo('bob')));
    const local = contextFor(undefined, localAccount('op'));
    expect((await run(middleware, alice)).nextCalled).toBe(true);
    expect((await run(middleware, alice)).nextCalled).toBe(true);
    const limited = await run(middleware, alice);
    expectReject(limited.reply, 'T05');
    expect(limited.nextCalled).toBe(false);
    expect((await run(middleware, bob)).nextCalled).toBe(true);
    for (let i = 0; i < 10; i++) expect((await run(middleware, local)).nextCalled).toBe(true);
    now += 1000;
    expect((await run(middleware, alice)).nextCalled).toBe(true);
  });
});
