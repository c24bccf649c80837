import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHttpRatesProvider } from '../src';

const USD = { code: 'USD', scale: 2 };
const EUR = { code: 'EUR', scale: 2 };
const JPY = { code: 'JPY', scale: 0 };

let server: Server;
let url: string;
let requests: string[] = [];
let answer: (base: string) => { status: number; body: unknown } = (base) => ({
  status: 200,
  body: { base, rates: base === 'USD' ? { EUR: 0.92, JPY: '151.5', BAD: 'x', NEG: -1 } : { USD: 1.087 } },
});

beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push(req.url ?? '');
    const base = new URL(req.url ?? '/', 'http://x').searchParams.get('base') ?? '';
    const { status, body } = answer(base);
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/rates`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));
beforeEach(() => {
  requests = [];
});

test('reads Rafiki-format rates exactly, per base, cached for the lifetime', async () => {
  let now = 0;
  const provider = createHttpRatesProvider({ url, lifetimeMs: 1000, now: () => now });
  expect(await provider.getRate(USD, EUR)).toEqual({ numerator: 92n, denominator: 100n });
  expect(await provider.getRate(USD, JPY)).toEqual({ numerator: 1515n, denominator: 10n });
  expect(await provider.getRate(EUR, USD)).toEqual({ numerator: 1087n, denominator: 1000n });
  expect(requests).toEqual(['/rates?base=USD', '/rates?base=EUR']);
  now = 1000;
  await provider.getRate(USD, EUR);
  expect(requests).toHaveLength(3);
});

test('concurrent lookups share one request; same currency needs none', async () => {
  const provider = createHttpRatesProvider({ url });
  await Promise.all(Array.from({ length: 20 }, () => provider.getRate(USD, EUR)));
  expect(await provider.getRate(USD, USD)).toEqual({ numerator: 1n, denominator: 1n });
  expect(requests).toHaveLength(1);
});

test('unknown, malformed or non-positive rates are unavailable', async () => {
  const provider = createHttpRatesProvider({ url });
  for (const code of ['GBP', 'BAD', 'NEG']) {
    await expect(provider.getRate(USD, { code, scale: 2 })).rejects.toMatchObject({ code: 'rate_unavailable' });
  }
});

test('endpoint errors reject and are not cached', async () => {
  const provider = createHttpRatesProvider({ url });
  answer = () => ({ status: 500, body: {} });
  await expect(provider.getRate(USD, EUR)).rejects.toMatchObject({ code: 'rates_fetch_failed' });
  answer = () => ({ status: 200, body: { base: 'EUR', rates: {} } });
  await expect(provider.getRate(USD, EUR)).rejects.toMatchObject({ code: 'rates_fetch_failed' });
  answer = (base) => ({ status: 200, body: { base, rates: { EUR: 0.5 } } });
  expect(await provider.getRate(USD, EUR)).toEqual({ numerator: 5n, denominator: 10n });
  const unreachable = createHttpRatesProvider({ url: 'http://127.0.0.1:9/rates', timeoutMs: 500 });
  await expect(unreachable.getRate(USD, EUR)).rejects.toMatchObject({ code: 'rates_fetch_failed' });
});
