import { createHmac } from 'node:crypto';
import { signAdminRequest } from '../src';
import { startAdmin, type AdminHarness } from './support/admin-harness';

const CREATE = `mutation Create($input: CreateWalletAddressInput!) {
  createWalletAddress(input: $input) { walletAddress { id address } }
}`;

describe('admin API request signatures (Rafiki: signature: t=<s>, v1=<HMAC-SHA256(secret, "t.JCS(body)")>)', () => {
  let admin: AdminHarness;
  let assetId: string;
  const walletAddressCount = async () => Number((await admin.knex('wallet_addresses').count('* as n'))[0].n);
  const createBody = (path: string) => ({ query: CREATE, variables: { input: { assetId, address: path } } });

  beforeAll(async () => {
    admin = await startAdmin();
    assetId = await admin.createAsset();
  });
  afterAll(() => admin.stop());

  it('runs a correctly signed request', async () => {
    const result = await admin.post(createBody('/signed'));
    expect(result.status).toBe(200);
    expect(result.body.data.createWalletAddress.walletAddress.address).toBe('https://wallet.example/signed');
  });

  it('accepts a signature computed independently over the RFC 8785 form, whatever the key order sent', async () => {
    // Sent with keys out of order and spaces; signed over the canonical text written out by hand.
    const raw = '{ "variables": {"input": {"address": "/jcs", "assetId": "ASSET"}}, "query": QUERY }'
      .replace('ASSET', assetId)
      .replace('QUERY', () => JSON.stringify(CREATE));
    const canonical = `{"query":${JSON.stringify(CREATE)},"variables":{"input":{"address":"/jcs","assetId":"${assetId}"}}}`;
    const t = Math.floor(Date.now() / 1000);
    const digest = createHmac('sha256', admin.secret).update(`${t}.${canonical}`).digest('hex');
    const response = await fetch(`${admin.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', signature: `t=${t}, v1=${digest}` },
      body: raw,
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { data: { createWalletAddress: { walletAddress: { address: string } } } };
    expect(body.data.createWalletAddress.walletAddress.address).toBe('https://wallet.example/jcs');
  });

  it('accepts the tenant-id header (one tenant per instance)', async () => {
    const result = await admin.gql('{ whoami { id isOperator } }', undefined, {
      headers: { 'tenant-id': '0e0e0e0e-0e0e-4e0e-8e0e-0e0e0e0e0e0e' },
    });
    expect(result.status).toBe(200);
    const instance = await admin.knex('sluice_instance').first('id');
    expect(result.body.data.whoami).toEqual({ id: instance.id, isOperator: true });
  });

  it.each([
    ['no signature header', { signature: null }, /missing signature/],
    ['a wrong secret', { secret: 'not-the-secret' }, /invalid signature/],
    ['a stale timestamp (10 minutes old)', { timestamp: Math.floor(Date.now() / 1000) - 600 }, /expired/],
    ['a timestamp 10 minutes ahead', { timestamp: Math.floor(Date.now() / 1000) + 600 }, /future/],
    ['a millisecond timestamp', { timestamp: Date.now() }, /unix seconds/],
    ['a malformed header', { signature: 'v1=abc' }, /malformed/],
    ['another signature version', { signature: `t=${Math.floor(Date.now() / 1000)}, v2=${'a'.repeat(64)}` }, /version/],
  ])('refuses %s with 401 and changes nothing', async (_name, options, reason) => {
    const before = await walletAddressCount();
    const result = await admin.post(createBody(`/refused-${Math.random().toString(36).slice(2)}`), options);
    expect(result.status).toBe(401);
    expect(result.body.data).toBeUndefined();
    expect(result.body.errors?.[0]).toMatchObject({
      message: expect.stringMatching(reason),
      extensions: { code: 'UNAUTHENTICATED' },
    });
    expect(await walletAddressCount()).toBe(before);
  });

  it('refuses a signature over another body', async () => {
    const before = await walletAddressCount();
    const signature = signAdminRequest(admin.secret, createBody('/original'));
    const result = await admin.post(createBody('/tampered'), { signature });
    expect(result.status).toBe(401);
    expect(await walletAddressCount()).toBe(before);
  });

  it('accepts a signature once: a replay is refused and runs nothing', async () => {
    const body = createBody('/once');
    const signature = signAdminRequest(admin.secret, body);
    const first = await admin.post(body, { signature });
    expect(first.status).toBe(200);
    const count = await walletAddressCount();
    const replay = await admin.post(body, { signature });
    expect(replay.status).toBe(401);
    expect(replay.body.errors?.[0].message).toMatch(/already used/);
    expect(await walletAddressCount()).toBe(count);
  });

  it('answers other methods and bodies with HTTP errors before anything runs', async () => {
    expect((await fetch(`${admin.url}/graphql`)).status).toBe(405);
    const signature = signAdminRequest(admin.secret, {});
    const notJson = await fetch(`${admin.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', signature },
      body: '{}',
    });
    expect(notJson.status).toBe(415);
    const broken = await fetch(`${admin.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', signature },
      body: '{"query":',
    });
    expect(broken.status).toBe(400);
    const huge = await fetch(`${admin.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', signature },
      body: JSON.stringify({ query: 'x'.repeat(1024 * 1024 + 10) }),
    });
    expect(huge.status).toBe(413);
  });
});
