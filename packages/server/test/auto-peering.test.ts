// Rafiki's auto-peering between two live instances: A's operator peers with B by one admin call
// (createOrUpdatePeerByUrl) to B's auto-peering URL (ENABLE_AUTO_PEERING), money then crosses the link; B's side
// refuses what would let an unauthenticated caller take over or divert a peer, and extends a new peer no credit.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SluiceInstance } from '@sluice/server';
import {
  adminGraphql,
  createAccount,
  ensureAsset,
  eventually,
  startTestSluice,
  type TestAccount,
} from '../../../test-support';

interface PeerResult {
  id: string;
  name: string;
  liquidity: string;
  http: { outgoing: { authToken: string; endpoint: string } };
}

const PEER_FIELDS = `id name staticIlpAddress liquidity maxPacketAmount asset { code scale }
  http { outgoing { authToken endpoint } }`;
const BY_URL = `mutation ($input: CreateOrUpdatePeerByUrlInput!) {
  createOrUpdatePeerByUrl(input: $input) { peer { ${PEER_FIELDS} } }
}`;

describe('auto-peering (Rafiki createOrUpdatePeerByUrl and ENABLE_AUTO_PEERING)', () => {
  let a: SluiceInstance;
  let b: SluiceInstance;
  let alice: TestAccount;
  let bob: TestAccount;
  let usdAtA: string;
  let peerUrl: string;

  beforeAll(async () => {
    [a, b] = await Promise.all([
      startTestSluice({ ILP_ADDRESS: 'test.alpha' }),
      startTestSluice({ ILP_ADDRESS: 'test.beta', ENABLE_AUTO_PEERING: 'true', INSTANCE_NAME: 'Beta Bank' }),
    ]);
    alice = await createAccount(a, { path: '/alice', assetCode: 'USD', assetScale: 2, balance: 100_000n });
    bob = await createAccount(b, { path: '/bob', assetCode: 'USD', assetScale: 2 });
    usdAtA = await ensureAsset(a, 'USD', 2);
    peerUrl = `${b.urls.connector}/auto-peering`;
  });
  afterAll(() => Promise.all([a.stop(), b.stop()]));

  const post = (url: string, body: unknown) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const rafikiRequest = (staticIlpAddress: string, overrides: Record<string, unknown> = {}) => ({
    staticIlpAddress,
    ilpConnectorAddress: 'http://127.0.0.1:9/ilp',
    asset: { code: 'USD', scale: 2 },
    httpToken: randomUUID(),
    maxPacketAmount: 1000,
    name: 'Some Rafiki',
    ...overrides,
  });

  it('peers with one admin call, and pays across the new link once B records what A prepaid', async () => {
    const result = await adminGraphql(a, BY_URL, {
      input: { peerUrl, assetId: usdAtA, liquidityToDeposit: '5000', maxPacketAmount: '100000' },
    });
    expect(result.errors).toBeUndefined();
    const peer = (result.data!.createOrUpdatePeerByUrl as { peer: Record<string, unknown> }).peer;
    expect(peer).toMatchObject({
      name: 'Beta Bank',
      staticIlpAddress: 'test.beta',
      liquidity: '5000',
      maxPacketAmount: '100000',
      asset: { code: 'USD', scale: 2 },
      http: { outgoing: { endpoint: `${b.urls.connector}/ilp` } },
    });

    // B has A as a peer: its name, its endpoint, no credit and nothing prepaid.
    const usdAtB = await ensureAsset(b, 'USD', 2);
    const atB = await b.services.connector!.getPeerByAddressAndAsset('test.alpha', usdAtB);
    expect(atB).toMatchObject({
      name: 'Sluice',
      creditLimit: 0n,
      maxPacketAmount: 100000n,
      http: { outgoing: { endpoint: `${a.urls.connector}/ilp` } },
    });
    expect((await b.services.connector!.getBalance(atB!.id)).balance).toBe(0n);
    await b.services.connector!.deposit({ id: randomUUID(), accountId: atB!.id, amount: 3000n });

    const quote = await adminGraphql(
      a,
      `mutation ($input: CreateQuoteInput!) { createQuote(input: $input) { quote { id receiveAmount { value } } } }`,
      {
        input: {
          walletAddressId: alice.walletAddress.id,
          receiver: bob.walletAddress.url,
          debitAmount: { value: '1500', assetCode: 'USD', assetScale: 2 },
        },
      },
    );
    expect(quote.errors).toBeUndefined();
    const quoteId = (quote.data!.createQuote as { quote: { id: string } }).quote.id;
    const payment = await adminGraphql(
      a,
      `mutation ($input: CreateOutgoingPaymentInput!) { createOutgoingPayment(input: $input) { payment { id } } }`,
      { input: { walletAddressId: alice.walletAddress.id, quoteId } },
    );
    const paymentId = (payment.data!.createOutgoingPayment as { payment: { id: string } }).payment.id;
    await eventually(async () => {
      const read = await adminGraphql(a, `query ($id: String!) { outgoingPayment(id: $id) { state } }`, {
        id: paymentId,
      });
      return (read.data!.outgoingPayment as { state: string }).state === 'COMPLETED' ? true : undefined;
    });
    const bobAccount = await b.services.walletAddressAccountId!(bob.walletAddress);
    expect((await b.services.connector!.getBalance(bobAccount)).balance).toBe(1500n);
    // What A prepaid at B went down by what crossed.
    expect((await b.services.connector!.getBalance(atB!.id)).balance).toBe(1500n);
  });

  it("asks a Rafiki acceptor in Rafiki's format, and re-peers when it answers again (new tokens, same peer)", async () => {
    // A stand-in for a Rafiki node's auto-peering server: it records requests and, as Rafiki does, peers again.
    const requests: Record<string, unknown>[] = [];
    const rafiki = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        requests.push(JSON.parse(body) as Record<string, unknown>);
        response.setHeader('content-type', 'application/json');
        response.end(
          JSON.stringify({
            staticIlpAddress: 'test.rafiki',
            ilpConnectorAddress: `http://127.0.0.1:9/ilp/${requests.length}`,
            httpToken: `rafiki-token-${requests.length}`,
            name: 'Rafiki Bank',
          }),
        );
      });
    });
    await new Promise<void>((resolve) => rafiki.listen(0, '127.0.0.1', resolve));
    const rafikiUrl = `http://127.0.0.1:${(rafiki.address() as AddressInfo).port}/`;
    try {
      const first = await adminGraphql(a, BY_URL, {
        input: { peerUrl: rafikiUrl, assetId: usdAtA, maxPacketAmount: '777' },
      });
      const created = (first.data!.createOrUpdatePeerByUrl as { peer: PeerResult }).peer;
      expect(requests[0]).toEqual({
        staticIlpAddress: 'test.alpha',
        ilpConnectorAddress: `${a.urls.connector}/ilp`,
        asset: { code: 'USD', scale: 2 },
        httpToken: created.http.outgoing.authToken,
        maxPacketAmount: 777,
        name: 'Sluice',
      });
      const second = await adminGraphql(a, BY_URL, {
        input: { peerUrl: rafikiUrl, assetId: usdAtA, name: 'Our Rafiki partner', liquidityToDeposit: '40' },
      });
      const updated = (second.data!.createOrUpdatePeerByUrl as { peer: PeerResult }).peer;
      expect(updated).toMatchObject({
        id: created.id,
        name: 'Our Rafiki partner',
        liquidity: '40',
        http: { outgoing: { endpoint: 'http://127.0.0.1:9/ilp/2' } },
      });
      expect(updated.http.outgoing.authToken).not.toBe(created.http.outgoing.authToken);
      expect(requests[1].httpToken).toBe(updated.http.outgoing.authToken);
      // The token Rafiki now sends is accepted, the first one no longer.
      const ilp = (token: string) =>
        fetch(`${a.urls.connector}/ilp`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' },
          body: Buffer.from([1]),
        });
      expect((await ilp('rafiki-token-1')).status).toBe(401);
      expect((await ilp('rafiki-token-2')).status).toBe(200);
    } finally {
      await new Promise((resolve) => rafiki.close(resolve));
    }
  });

  it('refuses to re-peer an existing peer (anyone could take over its tokens); A keeps its peer as it was', async () => {
    const before = await a.services.connector!.getPeerByAddressAndAsset('test.beta', usdAtA);
    const again = await adminGraphql(a, BY_URL, { input: { peerUrl, assetId: usdAtA } });
    expect(again.errors?.[0]).toMatchObject({
      message: expect.stringContaining('DuplicatePeer'),
      extensions: { code: 'BAD_USER_INPUT' },
    });
    expect(await a.services.connector!.getPeerByAddressAndAsset('test.beta', usdAtA)).toEqual(before);
  });

  it("answers Rafiki's request with Rafiki's peering details, and refuses what would divert traffic", async () => {
    const accepted = await post(peerUrl, rafikiRequest('test.gamma'));
    expect(accepted.status).toBe(200);
    const details = (await accepted.json()) as Record<string, unknown>;
    expect(Object.keys(details).sort()).toEqual(['httpToken', 'ilpConnectorAddress', 'name', 'staticIlpAddress']);
    expect(details).toMatchObject({
      staticIlpAddress: 'test.beta',
      ilpConnectorAddress: `${b.urls.connector}/ilp`,
      name: 'Beta Bank',
    });

    expect((await post(peerUrl, rafikiRequest('test.zeta.one'))).status).toBe(200);

    const refusals: [string, unknown, number, string][] = [
      ['under this node', rafikiRequest('test.beta.bob'), 400, 'InvalidPeerIlpConfiguration'],
      ['this node', rafikiRequest('test.beta'), 400, 'InvalidPeerIlpConfiguration'],
      ['an existing peer', rafikiRequest('test.alpha'), 409, 'DuplicatePeer'],
      ['under an existing peer', rafikiRequest('test.gamma.sub'), 409, 'DuplicatePeer'],
      ['above an existing peer', rafikiRequest('test.zeta'), 409, 'DuplicatePeer'],
      ['a bare scheme', rafikiRequest('test'), 400, 'InvalidPeeringRequest'],
      ['an unknown asset', rafikiRequest('test.delta', { asset: { code: 'XYZ', scale: 2 } }), 404, 'UnknownAsset'],
      ['no token', rafikiRequest('test.delta', { httpToken: '' }), 400, 'InvalidPeeringRequest'],
      ['a bad address', rafikiRequest('not an address'), 400, 'InvalidPeeringRequest'],
      ['a bad endpoint', rafikiRequest('test.delta', { ilpConnectorAddress: 'ftp://x' }), 400, 'InvalidPeeringRequest'],
      ['not an object', [1, 2], 400, 'InvalidPeeringRequest'],
    ];
    for (const [label, body, status, type] of refusals) {
      const response = await post(peerUrl, body);
      expect([label, response.status]).toEqual([label, status]);
      expect([label, ((await response.json()) as { error: { type: string } }).error.type]).toEqual([label, type]);
    }
    const notJson = await fetch(peerUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{',
    });
    expect(notJson.status).toBe(400);
    expect((await fetch(peerUrl)).status).toBe(405);
    // Nothing was created by any refusal.
    const peers = await b.services.connector!.listAllPeers();
    expect(peers.map((peer) => peer.staticIlpAddress).sort()).toEqual(['test.alpha', 'test.gamma', 'test.zeta.one']);
  });

  it('is off unless enabled, and tells the asking operator why a peering failed', async () => {
    expect((await post(`${a.urls.connector}/auto-peering`, rafikiRequest('test.epsilon'))).status).toBe(404);
    const disabled = await adminGraphql(a, BY_URL, {
      input: { peerUrl: `${a.urls.connector}/auto-peering`, assetId: usdAtA },
    });
    expect(disabled.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const nobody = await adminGraphql(a, BY_URL, {
      input: { peerUrl: 'http://127.0.0.1:9/auto-peering', assetId: usdAtA },
    });
    expect(nobody.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    const unknownAsset = await adminGraphql(a, BY_URL, { input: { peerUrl, assetId: randomUUID() } });
    expect(unknownAsset.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    const eur = await ensureAsset(a, 'EUR', 2);
    const unsupported = await adminGraphql(a, BY_URL, { input: { peerUrl, assetId: eur } });
    expect(unsupported.errors?.[0]).toMatchObject({
      message: expect.stringContaining('does not support EUR'),
      extensions: { code: 'BAD_USER_INPUT' },
    });
  });

  it('refuses a peer endpoint on a private network unless private URLs are allowed', async () => {
    const c = await startTestSluice({
      ILP_ADDRESS: 'test.gamma',
      ENABLE_AUTO_PEERING: 'true',
      ALLOW_PRIVATE_URLS: 'false',
    });
    try {
      await ensureAsset(c, 'USD', 2);
      const url = `${c.urls.connector}/auto-peering`;
      const loopback = await post(
        url,
        rafikiRequest('test.omega', { ilpConnectorAddress: 'http://127.0.0.1:3002/ilp' }),
      );
      expect(loopback.status).toBe(400);
      expect(((await loopback.json()) as { error: { type: string } }).error.type).toBe('InvalidPeerIlpConfiguration');
      // A public address is taken (nothing is sent to it while peering).
      const published = await post(
        url,
        rafikiRequest('test.omega', { ilpConnectorAddress: 'https://93.184.216.34/ilp' }),
      );
      expect(published.status).toBe(200);
    } finally {
      await c.stop();
    }
  });
});
