// Exchange rates from an HTTP endpoint in Rafiki's format (EXCHANGE_RATES_URL): `GET <url>?base=USD` answers
// `{ "base": "USD", "rates": { "EUR": 0.92, … } }`, meaning 1 USD = 0.92 EUR. Rates are cached per base for
// `lifetimeMs`; concurrent lookups share one request. JSON numbers are read through their shortest decimal form
// (0.92 → 92/100), so the conversion itself stays exact.
import { request } from 'undici';
import { rationalFromDecimal, type Rational } from './rational';
import { RateUnavailableError, type RatesProvider } from './rates-provider';

export interface HttpRatesProviderOptions {
  url: string;
  /** How long fetched rates are used, default 15 s (Rafiki's EXCHANGE_RATES_LIFETIME). */
  lifetimeMs?: number;
  /** Gives up on the endpoint after this long, default 5 s. */
  timeoutMs?: number;
  now?: () => number;
}

export class RatesFetchError extends Error {
  readonly code = 'rates_fetch_failed';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RatesFetchError';
  }
}

type RateTable = Map<string, Rational>;

function parseRates(body: unknown, base: string): RateTable {
  const { base: answeredBase, rates } = (body ?? {}) as { base?: unknown; rates?: unknown };
  if (answeredBase !== base)
    throw new RatesFetchError(`rates endpoint answered base ${String(answeredBase)}, not ${base}`);
  if (typeof rates !== 'object' || rates === null || Array.isArray(rates)) {
    throw new RatesFetchError('rates endpoint answered without a rates object');
  }
  const table: RateTable = new Map([[base, { numerator: 1n, denominator: 1n }]]);
  for (const [code, value] of Object.entries(rates as Record<string, unknown>)) {
    if ((typeof value !== 'number' && typeof value !== 'string') || code === base) continue;
    try {
      const rate = rationalFromDecimal(value);
      if (rate.numerator > 0n) table.set(code, rate);
    } catch {
      // A malformed entry makes only that currency unavailable.
    }
  }
  return table;
}

export function createHttpRatesProvider(options: HttpRatesProviderOptions): RatesProvider {
  const lifetimeMs = options.lifetimeMs ?? 15_000;
  const timeoutMs = options.timeoutMs ?? 5_000;
  const now = options.now ?? Date.now;
  const cache = new Map<string, { fetchedAt: number; table: Promise<RateTable> }>();

  async function fetchRates(base: string): Promise<RateTable> {
    const url = new URL(options.url);
    url.searchParams.set('base', base);
    let body: unknown;
    try {
      const response = await request(url, {
        method: 'GET',
        headers: { accept: 'application/json' },
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      if (response.statusCode !== 200) {
        await response.body.dump();
        throw new RatesFetchError(`rates endpoint answered HTTP ${response.statusCode}`);
      }
      body = await response.body.json();
    } catch (error) {
      if (error instanceof RatesFetchError) throw error;
      throw new RatesFetchError('rates endpoint unreachable', { cause: error });
    }
    return parseRates(body, base);
  }

  function ratesFor(base: string): Promise<RateTable> {
    const cached = cache.get(base);
    if (cached && now() - cached.fetchedAt < lifetimeMs) return cached.table;
    const table = fetchRates(base);
    const entry = { fetchedAt: now(), table };
    cache.set(base, entry);
    // A failed fetch is not cached: the next packet tries again.
    table.catch(() => {
      if (cache.get(base) === entry) cache.delete(base);
    });
    return table;
  }

  return {
    async getRate(from, to) {
      if (from.code === to.code) return { numerator: 1n, denominator: 1n };
      const rate = (await ratesFor(from.code)).get(to.code);
      if (!rate) throw new RateUnavailableError(from.code, to.code);
      return rate;
    },
  };
}
