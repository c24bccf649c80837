import { createSignatureVerifier, signAdminRequest } from '../src/auth/api-signature';
import { createSignatureStore } from '../src/auth/signature-store';
import { createTestDatabase, type TestDatabase } from '../../../test-support';

describe('signature freshness and the replay store', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());

  it('accepts a timestamp up to the TTL away, either way, and not a second more', async () => {
    const store = createSignatureStore({ knex: db.knex });
    const now = 1_800_000_000_000;
    const verifier = createSignatureVerifier({ secret: 's', ttlSeconds: 30, remember: store.remember, now: () => now });
    const body = { query: '{ whoami { id } }' };
    const at = (seconds: number) => verifier.verify(signAdminRequest('s', body, now / 1000 + seconds), body);
    expect(await at(-30)).toEqual({ ok: true });
    expect(await at(30)).toEqual({ ok: true });
    expect(await at(-31)).toEqual({ ok: false, reason: 'signature expired' });
    expect(await at(31)).toEqual({ ok: false, reason: 'signature timestamp in the future' });
    expect(await at(0)).toEqual({ ok: true });
    expect(await at(0)).toEqual({ ok: false, reason: 'signature already used' });
  });

  it('forgets digests once they can no longer pass the freshness check', async () => {
    const store = createSignatureStore({ knex: db.knex, purgeIntervalMs: 0 });
    expect(await store.remember('a'.repeat(64), new Date(Date.now() - 1000))).toBe(true);
    expect(await store.remember('b'.repeat(64), new Date(Date.now() + 60_000))).toBe(true);
    const left = await db
      .knex('admin_api_signatures')
      .whereIn('digest', ['a'.repeat(64), 'b'.repeat(64)])
      .pluck('digest');
    expect(left).toEqual(['b'.repeat(64)]);
    expect(await store.remember('b'.repeat(64), new Date(Date.now() + 60_000))).toBe(false);
  });
});
