// Steps 6–7: exchange and outgoing expiry.
import type { PacketContext } from '../src/pipeline/packet-context';
import { createExchangeMiddleware } from '../src/pipeline/exchange';
import { createOutgoingExpiryMiddleware } from '../src/pipeline/outgoing-expiry';
import { rationalFromDecimal } from '../src/rates/rational';
import { createStaticRatesProvider, type RatesProvider } from '../src/rates/rates-provider';
import { expectReject, makePrepare } from './support/packets';
import { BTC, EUR, USD, contextFor, localAccount, run } from './support/pipeline';
import type { AssetInfo } from '../src/directory';

function routed(amount: bigint, from: AssetInfo, to: AssetInfo): PacketContext {
  const ctx = contextFor(makePrepare({ amount, destination: 'test.x' }).prepare, localAccount('in', from));
  ctx.destination = { kind: 'peer', accountId: 'out', asset: to, peer: {} as never };
  return ctx;
}

describe('exchange', () => {
  const middleware = createExchangeMiddleware({
    ratesProvider: createStaticRatesProvider(),
    spread: rationalFromDecimal('0.002'),
  });

  test('USD → EUR at the provider’s rate minus the spread, rounded down', async () => {
    const ctx = routed(10_000n, USD, EUR);
    expect((await run(middleware, ctx)).nextCalled).toBe(true);
    expect(ctx.outgoingAmount).toBe(9240n); // 10000 × 100/108 × 0.998 = 9240.74
  });

  test('same asset: unchanged, no spread', async () => {
    const ctx = routed(12_345n, USD, USD);
    await run(middleware, ctx);
    expect(ctx.outgoingAmount).toBe(12_345n);
  });

  test('same currency at another scale: only the scale changes', async () => {
    const ctx = routed(12_345n, USD, { ...USD, id: 'usd-6', scale: 6 });
    await run(middleware, ctx);
    expect(ctx.outgoingAmount).toBe(123_450_000n);
    const down = routed(123_456_789n, { ...USD, id: 'usd-6', scale: 6 }, USD);
    await run(middleware, down);
    expect(down.outgoingAmount).toBe(12_345n);
  });

  test('a non-zero amount that converts to zero → R01', async () => {
    // 1 satoshi is 0.00065 USD: less than a cent.
    const { reply, nextCalled } = await run(middleware, routed(1n, BTC, USD));
    expectReject(reply, 'R01');
    expect(nextCalled).toBe(false);
  });

  test('zero stays zero (probes), without R01', async () => {
    const ctx = routed(0n, USD, EUR);
    expect((await run(middleware, ctx)).nextCalled).toBe(true);
    expect(ctx.outgoingAmount).toBe(0n);
  });

  test('a result beyond UInt64 → F03', async () => {
    // 2^64−1 satoshis in ETH nano-units at 65000/3500 overflows.
    expectReject(
      (await run(middleware, routed(2n ** 64n - 1n, BTC, { ...EUR, code: 'ETH', scale: 9, id: 'eth' }))).reply,
      'F03',
    );
  });

  test('no rate → F07', async () => {
    const failing: RatesProvider = { getRate: async () => Promise.reject(new Error('down')) };
    const withoutRates = createExchangeMiddleware({ ratesProvider: failing, spread: rationalFromDecimal('0') });
    expectReject((await run(withoutRates, routed(100n, USD, EUR))).reply, 'F07');
    const invalid: RatesProvider = { getRate: async () => ({ numerator: 1n, denominator: 0n }) };
    const withInvalid = createExchangeMiddleware({ ratesProvider: invalid, spread: rationalFromDecimal('0') });
    expectReject((await run(withInvalid, routed(100n, USD, EUR))).reply, 'F07');
  });
});

describe('outgoing expiry', () => {
  const now = 1_700_000_000_000;
  const middleware = createOutgoingExpiryMiddleware({
    minMessageWindowMs: 1000,
    maxHoldTimeMs: 30_000,
    now: () => now,
  });
  const expiringIn = (ms: number) => {
    const { prepare } = makePrepare({ amount: 1n, destination: 'test.x' });
    return contextFor({ ...prepare, expiresAt: new Date(now + ms) });
  };

  test('moves the expiry one window earlier', async () => {
    const ctx = expiringIn(10_000);
    await run(middleware, ctx);
    expect(ctx.outgoingExpiresAt).toEqual(new Date(now + 9_000));
  });

  test('caps the hold at maxHoldTime', async () => {
    const ctx = expiringIn(120_000);
    await run(middleware, ctx);
    expect(ctx.outgoingExpiresAt).toEqual(new Date(now + 30_000));
  });

  test('less than two windows left → R02', async () => {
    expect((await run(middleware, expiringIn(2_000))).nextCalled).toBe(true);
    const { reply, nextCalled } = await run(middleware, expiringIn(1_999));
    expect(expectReject(reply, 'R02').message).toBe('insufficient timeout');
    expect(nextCalled).toBe(false);
  });
});
