import fc from 'fast-check';
import { convertAmount, effectiveRate, scaleFactor } from '../src/rates/exchange';
import { divide, floorMultiply, rational, rationalFromDecimal } from '../src/rates/rational';
import { createStaticRatesProvider } from '../src/rates/rates-provider';

const USD = { code: 'USD', scale: 2 };
const EUR = { code: 'EUR', scale: 2 };
const BTC = { code: 'BTC', scale: 8 };
const ETH = { code: 'ETH', scale: 9 };
const GBP = { code: 'GBP', scale: 2 };

describe('rationalFromDecimal', () => {
  test.each([
    ['1', 1n, 1n],
    ['1.08', 108n, 100n],
    ['0.002', 2n, 1000n],
    ['65000', 65000n, 1n],
  ])('%s', (text, numerator, denominator) => {
    expect(rationalFromDecimal(text)).toEqual({ numerator, denominator });
  });

  test('numbers use their shortest decimal form, not the binary double', () => {
    expect(rationalFromDecimal(0.002)).toEqual({ numerator: 2n, denominator: 1000n });
    expect(rationalFromDecimal(0.1)).toEqual({ numerator: 1n, denominator: 10n });
    expect(rationalFromDecimal(1e-7)).toEqual({ numerator: 1n, denominator: 10_000_000n });
    expect(rationalFromDecimal(1.5e21)).toEqual({ numerator: 1_500_000_000_000_000_000_000n, denominator: 1n });
  });

  test.each(['-1', 'abc', '1e5', '', '1.'])('refuses %j', (text) => {
    expect(() => rationalFromDecimal(text)).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
  });

  test('refuses negative, infinite and NaN numbers', () => {
    for (const value of [-0.5, Infinity, NaN]) expect(() => rationalFromDecimal(value)).toThrow();
  });
});

describe('exchange arithmetic', () => {
  test('scale factor', () => {
    expect(scaleFactor(USD, BTC)).toEqual({ numerator: 1_000_000n, denominator: 1n });
    expect(scaleFactor(ETH, USD)).toEqual({ numerator: 1n, denominator: 10_000_000n });
  });

  test('100.00 USD to EUR at 1/1.08 with a 0.2 % spread is 92.40 EUR, rounded down', () => {
    const rate = divide(rationalFromDecimal('1'), rationalFromDecimal('1.08'));
    // 10000 × (100/108) × 0.998 = 9240.74… → 9240
    expect(convertAmount(10_000n, effectiveRate(USD, EUR, rate, rationalFromDecimal('0.002')))).toBe(9240n);
  });

  test('scale changes multiply exactly: 1 USD cent to BTC satoshis at 65000 USD/BTC', () => {
    const rate = divide(rationalFromDecimal('1'), rationalFromDecimal('65000'));
    // 1 cent = 0.01 USD = 0.0000001538… BTC = 15.38 satoshi → 15
    expect(convertAmount(1n, effectiveRate(USD, BTC, rate, rational(0n)))).toBe(15n);
  });

  test('floor: the result never exceeds the exact value and is within one unit of it', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
        fc.bigInt({ min: 0n, max: 10n ** 12n }),
        fc.bigInt({ min: 1n, max: 10n ** 12n }),
        (amount, numerator, denominator) => {
          const out = floorMultiply(amount, { numerator, denominator });
          // out ≤ amount × n/d < out + 1
          return out * denominator <= amount * numerator && amount * numerator < (out + 1n) * denominator;
        },
      ),
    );
  });

  test('a spread never increases the amount', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 15n }), fc.integer({ min: 0, max: 999 }), (amount, permille) => {
        const rate = { numerator: 100n, denominator: 108n };
        const withSpread = convertAmount(
          amount,
          effectiveRate(USD, EUR, rate, { numerator: BigInt(permille), denominator: 1000n }),
        );
        return withSpread <= convertAmount(amount, effectiveRate(USD, EUR, rate, rational(0n)));
      }),
    );
  });
});

describe('static rates provider', () => {
  const provider = createStaticRatesProvider();

  test('covers USD, EUR, GBP, BTC, ETH with exact cross rates', async () => {
    expect(await provider.getRate(USD, EUR)).toEqual({ numerator: 100n, denominator: 108n });
    expect(await provider.getRate(EUR, USD)).toEqual({ numerator: 108n, denominator: 100n });
    expect(await provider.getRate(BTC, ETH)).toEqual({ numerator: 65000n, denominator: 3500n });
    expect(await provider.getRate(GBP, USD)).toEqual({ numerator: 127n, denominator: 100n });
  });

  test('unknown currency → rejects', async () => {
    await expect(provider.getRate(USD, { code: 'XYZ', scale: 2 })).rejects.toMatchObject({ code: 'rate_unavailable' });
  });

  test('a custom table', async () => {
    const custom = createStaticRatesProvider({ AAA: '2', BBB: '0.5' });
    expect(await custom.getRate({ code: 'AAA', scale: 0 }, { code: 'BBB', scale: 0 })).toEqual({
      numerator: 20n,
      denominator: 5n,
    });
    expect(() => createStaticRatesProvider({ ZERO: '0' })).toThrow();
  });
});
