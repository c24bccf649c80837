import { generateEd25519Key, JwksKeyCache, type Ed25519Jwk } from '@sluice/http-signatures';
import { expectCode } from './fixtures';

const WALLET = 'https://wallet.example/alice';
const JWKS_URL = 'https://wallet.example/alice/jwks.json';
const keyA = generateEd25519Key('key-a').publicJwk;
const keyB = generateEd25519Key('key-b').publicJwk;

function setup(options: { ttlMs?: number; refetchIntervalMs?: number; maxEntries?: number } = {}) {
  let now = 1_000_000;
  const published = new Map<string, unknown>([[JWKS_URL, { keys: [keyA] }]]);
  const fetchJwks = jest.fn(async (url: string): Promise<unknown> => {
    if (!published.has(url)) throw new Error(`404 ${url}`);
    return published.get(url);
  });
  const cache = new JwksKeyCache({ fetchJwks, now: () => now, ...options });
  return {
    cache,
    fetchJwks,
    publish: (url: string, keys: unknown) => published.set(url, { keys }),
    advance: (ms: number) => (now += ms),
  };
}

describe('JwksKeyCache', () => {
  it('fetches <wallet address>/jwks.json once and serves the key from memory within the TTL', async () => {
    const { cache, fetchJwks, advance } = setup({ ttlMs: 60_000 });
    await expect(cache.getKey(WALLET, 'key-a')).resolves.toEqual(keyA);
    advance(59_999);
    await expect(cache.getKey(WALLET, 'key-a')).resolves.toEqual(keyA);
    expect(fetchJwks).toHaveBeenCalledTimes(1);
    expect(fetchJwks).toHaveBeenCalledWith(JWKS_URL);
  });

  it('refetches once the TTL has passed, so a removed key stops verifying', async () => {
    const { cache, fetchJwks, advance, publish } = setup({ ttlMs: 60_000 });
    await cache.getKey(WALLET, 'key-a');
    publish(JWKS_URL, [keyB]);
    advance(60_000);
    await expect(cache.getKey(WALLET, 'key-a')).resolves.toBeUndefined();
    expect(fetchJwks).toHaveBeenCalledTimes(2);
  });

  it('refetches on an unknown kid, so a newly added key works at once', async () => {
    const { cache, fetchJwks, publish, advance } = setup({ refetchIntervalMs: 10_000 });
    await cache.getKey(WALLET, 'key-a');
    advance(10_000);
    publish(JWKS_URL, [keyA, keyB]);
    await expect(cache.getKey(WALLET, 'key-b')).resolves.toEqual(keyB);
    expect(fetchJwks).toHaveBeenCalledTimes(2);
  });

  it('rate-limits refetches for unknown kids per wallet address', async () => {
    const { cache, fetchJwks, advance } = setup({ refetchIntervalMs: 10_000 });
    await cache.getKey(WALLET, 'key-a');
    for (let i = 0; i < 20; i++) await expect(cache.getKey(WALLET, `made-up-${i}`)).resolves.toBeUndefined();
    expect(fetchJwks).toHaveBeenCalledTimes(1);
    advance(10_000);
    await cache.getKey(WALLET, 'made-up');
    await cache.getKey(WALLET, 'made-up-again');
    expect(fetchJwks).toHaveBeenCalledTimes(2);
    advance(9_999);
    await cache.getKey(WALLET, 'made-up');
    expect(fetchJwks).toHaveBeenCalledTimes(2);
    advance(1);
    await cache.getKey(WALLET, 'made-up');
    expect(fetchJwks).toHaveBeenCalledTimes(3);
  });

  it('shares one fetch between concurrent lookups', async () => {
    const { cache, fetchJwks } = setup();
    const keys = await Promise.all([cache.getKey(WALLET, 'key-a'), cache.getKey(WALLET, 'key-a')]);
    expect(keys).toEqual([keyA, keyA]);
    expect(fetchJwks).toHaveBeenCalledTimes(1);
  });

  it('ignores a trailing slash on the wallet address', async () => {
    const { cache, fetchJwks } = setup();
    await expect(cache.getKey(`${WALLET}/`, 'key-a')).resolves.toEqual(keyA);
    expect(fetchJwks).toHaveBeenCalledWith(JWKS_URL);
  });

  it('keeps only Ed25519 keys of the Open Payments shape, and the first of a duplicated kid', async () => {
    const { cache, publish } = setup();
    const duplicate: Ed25519Jwk = { ...keyB, kid: 'key-a' };
    publish(JWKS_URL, [
      { kty: 'RSA', kid: 'rsa', n: 'x', e: 'AQAB' },
      { ...keyB, alg: 'ES256' },
      'junk',
      keyA,
      duplicate,
    ]);
    await expect(cache.getKey(WALLET, 'rsa')).resolves.toBeUndefined();
    await expect(cache.getKey(WALLET, 'key-b')).resolves.toBeUndefined();
    await expect(cache.getKey(WALLET, 'key-a')).resolves.toEqual(keyA);
  });

  it('hands out frozen keys, so a caller cannot change a cached key', async () => {
    const { cache } = setup();
    const key = await cache.getKey(WALLET, 'key-a');
    expect(Object.isFrozen(key)).toBe(true);
  });

  it('refuses a document without a keys array', async () => {
    const { cache, fetchJwks } = setup();
    fetchJwks.mockResolvedValueOnce({ key: [keyA] });
    await expectCode(cache.getKey(WALLET, 'key-a'), 'malformed_jwks');
    fetchJwks.mockResolvedValueOnce(null);
    await expectCode(cache.getKey(WALLET, 'key-a'), 'malformed_jwks');
  });

  it('passes fetch failures to the caller and does not cache them', async () => {
    const { cache, fetchJwks } = setup();
    fetchJwks.mockRejectedValueOnce(new Error('ECONNRESET'));
    await expect(cache.getKey(WALLET, 'key-a')).rejects.toThrow('ECONNRESET');
    await expect(cache.getKey(WALLET, 'key-a')).resolves.toEqual(keyA);
    expect(fetchJwks).toHaveBeenCalledTimes(2);
  });

  it('keeps serving cached keys when a refetch for an unknown kid fails', async () => {
    const { cache, fetchJwks, advance } = setup({ refetchIntervalMs: 1 });
    await cache.getKey(WALLET, 'key-a');
    advance(1);
    fetchJwks.mockRejectedValueOnce(new Error('503'));
    await expect(cache.getKey(WALLET, 'key-b')).rejects.toThrow('503');
    await expect(cache.getKey(WALLET, 'key-a')).resolves.toEqual(keyA);
  });

  it('drops the least recently fetched wallet address beyond maxEntries', async () => {
    const { cache, fetchJwks, publish } = setup({ maxEntries: 2 });
    for (const name of ['bob', 'carol']) publish(`https://wallet.example/${name}/jwks.json`, [keyA]);
    await cache.getKey(WALLET, 'key-a');
    await cache.getKey('https://wallet.example/bob', 'key-a');
    await cache.getKey('https://wallet.example/carol', 'key-a');
    expect(fetchJwks).toHaveBeenCalledTimes(3);
    await cache.getKey('https://wallet.example/carol', 'key-a');
    expect(fetchJwks).toHaveBeenCalledTimes(3);
    await cache.getKey(WALLET, 'key-a');
    expect(fetchJwks).toHaveBeenCalledTimes(4);
  });

  it('forgets a wallet address on invalidate', async () => {
    const { cache, fetchJwks } = setup();
    await cache.getKey(WALLET, 'key-a');
    cache.invalidate(WALLET);
    await cache.getKey(WALLET, 'key-a');
    expect(fetchJwks).toHaveBeenCalledTimes(2);
  });

  it('defaults to a 5 minute TTL', async () => {
    const { cache, fetchJwks, advance } = setup();
    await cache.getKey(WALLET, 'key-a');
    advance(5 * 60_000 - 1);
    await cache.getKey(WALLET, 'key-a');
    expect(fetchJwks).toHaveBeenCalledTimes(1);
    advance(1);
    await cache.getKey(WALLET, 'key-a');
    expect(fetchJwks).toHaveBeenCalledTimes(2);
  });
});
