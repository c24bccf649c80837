// Where exchange rates come from. The connector asks for the price of one whole unit of `from` in whole units of
// `to` (scales are applied separately), as an exact rational.
import { divide, rationalFromDecimal, type Rational } from './rational';

export interface AssetUnit {
  code: string;
  scale: number;
}

export interface RatesProvider {
  /** Throws (any error) when no rate is known; the connector then rejects with F07. */
  getRate(from: AssetUnit, to: AssetUnit): Promise<Rational>;
}

export class RateUnavailableError extends Error {
  readonly code = 'rate_unavailable';

  constructor(from: string, to: string) {
    super(`no exchange rate from ${from} to ${to}`);
    this.name = 'RateUnavailableError';
  }
}

/**
 * Fixed reference prices in US dollars per whole unit. They are NOT market data: they make a fresh connector
 * usable in development and tests. Production deployments pass their own RatesProvider.
 */
export const DEFAULT_USD_PRICES: Readonly<Record<string, string>> = {
  USD: '1',
  EUR: '1.08',
  GBP: '1.27',
  BTC: '65000',
  ETH: '3500',
};

/** A provider over a table of prices in one common unit; rate(from → to) = price(from) / price(to), exactly. */
export function createStaticRatesProvider(
  prices: Readonly<Record<string, string>> = DEFAULT_USD_PRICES,
): RatesProvider {
  const table = new Map<string, Rational>();
  for (const [code, price] of Object.entries(prices)) {
    const value = rationalFromDecimal(price);
    if (value.numerator === 0n) throw new RangeError(`price of ${code} must be positive`);
    table.set(code, value);
  }
  return {
    async getRate(from, to) {
      const fromPrice = table.get(from.code);
      const toPrice = table.get(to.code);
      if (!fromPrice || !toPrice) throw new RateUnavailableError(from.code, to.code);
      return divide(fromPrice, toPrice);
    },
  };
}
