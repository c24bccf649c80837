// Two connectors, two databases, peered over ILP over HTTP (real listeners on free ports):
//
//   alice ──HTTP(USD)──▶ A (test.a) ──HTTP(EUR)──▶ B (test.b) ──in-process──▶ bob (EUR incoming payment)
//   A's local sender (USD outgoing payment) ───────┘
//
// A converts USD → EUR at the static rate (1 EUR = 1.08 USD) minus a 0.2 % spread and pays from its EUR liquidity;
// B delivers EUR to bob, extending A a credit line.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import {
  createIldcpRequest,
  deserializeAmountTooLargeData,
  deserializeIldcpResponse,
  deserializeIlpReply,
  isFulfill,
  serializeIlpPrepare,
  type IlpPrepare,
  type IlpReply,
} from '@sluice/ilp';
import { request } from 'undici';
import type { Peer } from '../src';
import { serveConnector } from './support/http-server';
import { conditionOf, createFulfillingReceiver, expectFulfill, expectReject, makePrepare } from './support/packets';
import { fundedAccount, startTestConnector, type TestConnector } from './support/setup';

jest.setTimeout(60_000);

let a: TestConnector;
let b: TestConnector;
let aHttp: Awaited<ReturnType<typeof serveConnector>>;
let bHttp: Awaited<ReturnType<typeof serveConnector>>;
let silentServer: Server;
let bAtA: Peer; // B as seen by A (EUR)
let aAtB: Peer; // A as seen by B (EUR)
let aliceAtA: Peer; // a customer of A sending USD over HTTP
let usdSender: string; // A's local outgoing-payment account (USD)
let bobAccount: string; // B's incoming-payment account (EUR)
const bob = createFulfillingReceiver();
const A_EUR_LIQUIDITY = 100_000n;

beforeAll(async () => {
  [a, b] = await Promise.all([
    startTestConnector('test.a', { spread: 0.002 }),
    startTestConnector('test.b', { spread: 0.002 }),
  ]);
  [aHttp, bHttp] = await Promise.all([serveConnector(a.connector), serveConnector(b.connector)]);
  // A peer that accepts connections and never answers.
  silentServer = createServer(() => undefined);
  await new Promise<void>((resolve) => silentServer.listen(0, '127.0.0.1', resolve));

  bAtA = await a.connector.createPeer({
    assetId: a.eur.id,
    staticIlpAddress: 'test.b',
    http: { incoming: { authTokens: ['b-to-a'] }, outgoing: { authToken: 'a-to-b', endpoint: bHttp.ilpUrl } },
  });
  aAtB = await b.connector.createPeer({
    assetId: b.eur.id,
    staticIlpAddress: 'test.a',
    maxPacketAmount: 40_000n,
    creditLimit: 1_000_000n,
    http: { incoming: { authTokens: ['a-to-b'] }, outgoing: { authToken: 'b-to-a', endpoint: aHttp.ilpUrl } },
  });
  aliceAtA = await a.connector.createPeer({
    assetId: a.usd.id,
    staticIlpAddress: 'test.a.alice',
    maxPacketAmount: 100_000n,
    http: {
      incoming: { authTokens: ['alice-token'] },
      outgoing: { authToken: 'unused', endpoint: 'http://127.0.0.1:9/ilp' },
    },
  });
  await a.connector.createPeer({
    assetId: a.eur.id,
    staticIlpAddress: 'test.silent',
    http: {
      outgoing: { authToken: 'x', endpoint: `http://127.0.0.1:${(silentServer.address() as AddressInfo).port}/ilp` },
    },
  });
  await a.connector.deposit({ id: randomUUID(), accountId: a.eur.liquidityAccountId, amount: A_EUR_LIQUIDITY });
  await a.connector.deposit({ id: randomUUID(), accountId: aliceAtA.id, amount: 1_000_000n });
  usdSender = (await fundedAccount(a.connector, a.usd, 10_000_000n)).id;
  bobAccount = (
    await b.connector.createLedgerAccount({ assetId: b.eur.id, kind: 'incoming_payment', ownerId: randomUUID() })
  ).id;
  b.connector.registerLocalReceiver('bob', bob.handler, bobAccount);
});

afterAll(async () => {
  await Promise.all([aHttp?.close(0), bHttp?.close(0)]);
  silentServer?.closeAllConnections();
  await new Promise((resolve) => silentServer?.close(resolve));
  await Promise.all([a?.close(), b?.close()]);
});

afterEach(async () => {
  // Every test leaves both ledgers consistent: sums zero per asset, journal = balances, no stray holds.
  await waitForNoHolds();
  expect(await a.connector.verifyLedger()).toEqual([]);
  expect(await b.connector.verifyLedger()).toEqual([]);
});

async function waitForNoHolds(): Promise<void> {
  for (let i = 0; i < 300; i++) {
    const [holdsA, holdsB] = await Promise.all([pendingSum(a), pendingSum(b)]);
    if (holdsA === 0n && holdsB === 0n) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('holds were not released');
}

async function pendingSum(node: TestConnector): Promise<bigint> {
  const result = await node.db.knex.raw(
    'SELECT coalesce(sum(debits_pending + credits_pending), 0)::text AS total FROM ledger_accounts',
  );
  return BigInt(result.rows[0].total);
}

type Snapshot = Record<string, bigint>;
async function balances(): Promise<Snapshot> {
  const read = async (node: TestConnector, id: string) => (await node.connector.getBalance(id)).balance;
  return {
    aSender: await read(a, usdSender),
    aAlice: await read(a, aliceAtA.id),
    aUsdLiquidity: await read(a, a.usd.liquidityAccountId),
    aEurLiquidity: await read(a, a.eur.liquidityAccountId),
    aPeerB: await read(a, bAtA.id),
    bPeerA: await read(b, aAtB.id),
    bEurLiquidity: await read(b, b.eur.liquidityAccountId),
    bBob: await read(b, bobAccount),
  };
}

function changes(before: Snapshot, after: Snapshot): Snapshot {
  const delta: Snapshot = {};
  for (const key of Object.keys(after)) if (after[key] !== before[key]) delta[key] = after[key] - before[key];
  return delta;
}

async function postIlp(url: string, token: string | undefined, body: Buffer, contentType = 'application/octet-stream') {
  const response = await request(url, {
    method: 'POST',
    headers: { 'content-type': contentType, ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body,
  });
  const bytes = Buffer.from(await response.body.arrayBuffer());
  return { status: response.statusCode, bytes };
}

async function sendOverHttp(token: string, prepare: IlpPrepare): Promise<IlpReply> {
  const { status, bytes } = await postIlp(aHttp.ilpUrl, token, serializeIlpPrepare(prepare));
  expect(status).toBe(200);
  return deserializeIlpReply(bytes);
}

async function journalCount(node: TestConnector, accountId: string): Promise<number> {
  const result = await node.db.knex.raw(
    'SELECT count(*)::int AS n FROM ledger_journal WHERE debit_account_id = ? OR credit_account_id = ?',
    [accountId, accountId],
  );
  return result.rows[0].n;
}

test('a local sender’s packet is converted USD → EUR at rate and spread, forwarded, and accounted once on each side', async () => {
  const before = await balances();
  const journalBefore = await journalCount(b, bobAccount);
  const packet = makePrepare({ amount: 10_000n, destination: 'test.b.bob.invoice-1' });
  bob.expect(packet.fulfillment);
  const reply = expectFulfill(await a.connector.sendPrepare(usdSender, packet.prepare));
  expect(reply.fulfillment).toEqual(packet.fulfillment);
  expect(reply.data).toEqual(Buffer.from('receipt'));
  // 100.00 USD × (1/1.08) × (1 − 0.002) = 92.4074 EUR → 92.40 (rounded down)
  const delivered = bob.received.at(-1)!;
  expect(delivered.amount).toBe(9240n);
  expect(delivered.data).toEqual(packet.prepare.data);
  expect(delivered.executionCondition).toEqual(packet.prepare.executionCondition);
  // Two hops, each taking its safety margin off the expiry.
  expect(packet.prepare.expiresAt.getTime() - delivered.expiresAt.getTime()).toBe(2000);
  expect(changes(before, await balances())).toEqual({
    aSender: -10_000n,
    aUsdLiquidity: 10_000n,
    aEurLiquidity: -9240n,
    aPeerB: 9240n, // A owes B
    bPeerA: -9240n, // B is owed by A
    bBob: 9240n,
  });
  expect((await journalCount(b, bobAccount)) - journalBefore).toBe(1);
});

test('a peer’s packet over HTTP takes the same path; its account is debited', async () => {
  const before = await balances();
  const packet = makePrepare({ amount: 2_160n, destination: 'test.b.bob.invoice-2' });
  bob.expect(packet.fulfillment);
  expectFulfill(await sendOverHttp('alice-token', packet.prepare));
  // 21.60 USD → 19.96 EUR after the spread (21.60/1.08 = 20.00; × 0.998 = 19.96)
  expect(changes(before, await balances())).toEqual({
    aAlice: -2_160n,
    aUsdLiquidity: 2_160n,
    aEurLiquidity: -1_996n,
    aPeerB: 1_996n,
    bPeerA: -1_996n,
    bBob: 1_996n,
  });
});

test('unreachable destination → F02 from whichever node has no route, relayed unchanged', async () => {
  const before = await balances();
  const atA = expectReject(
    await a.connector.sendPrepare(usdSender, makePrepare({ amount: 100n, destination: 'test.c.x' }).prepare),
    'F02',
  );
  expect(atA.triggeredBy).toBe('test.a');
  const atB = expectReject(
    await a.connector.sendPrepare(usdSender, makePrepare({ amount: 100n, destination: 'test.b.nobody' }).prepare),
    'F02',
  );
  expect(atB.triggeredBy).toBe('test.b');
  expect(changes(before, await balances())).toEqual({});
});

test('expired → R02 (already expired, and too little time for the safety margin)', async () => {
  const expired = makePrepare({ amount: 100n, destination: 'test.b.bob.x' }).prepare;
  expired.expiresAt = new Date(Date.now() - 1);
  expect(expectReject(await sendOverHttp('alice-token', expired), 'R02')).toMatchObject({
    triggeredBy: 'test.a',
    message: 'packet expired',
  });
  // 2.5 s: enough for A (1 s margin) but not for B after A took its second.
  const tight = makePrepare({ amount: 100n, destination: 'test.b.bob.x', expiresInMs: 2_500 });
  bob.expect(tight.fulfillment);
  expect(expectReject(await a.connector.sendPrepare(usdSender, tight.prepare), 'R02').triggeredBy).toBe('test.b');
});

test('insufficient liquidity → T04: A’s EUR liquidity, or A’s credit at B; nothing moves', async () => {
  const before = await balances();
  // A little more than A has left in EUR after conversion.
  const remaining = (await a.connector.getBalance(a.eur.liquidityAccountId)).balance;
  const tooMuch = ((remaining + 1n) * 108n) / 100n + 200n;
  const packet = makePrepare({ amount: tooMuch, destination: 'test.b.bob.big' });
  bob.expect(packet.fulfillment);
  const reply = expectReject(await a.connector.sendPrepare(usdSender, packet.prepare), 'T04');
  expect(reply).toMatchObject({ triggeredBy: 'test.a', message: 'insufficient liquidity' });
  // An unfunded sender.
  const empty = await fundedAccount(a.connector, a.usd, 0n);
  expect(
    expectReject(
      await a.connector.sendPrepare(empty.id, makePrepare({ amount: 1_000n, destination: 'test.b.bob' }).prepare),
      'T04',
    ).message,
  ).toBe('insufficient balance on the incoming account');
  expect(changes(before, await balances())).toEqual({});

  // A's credit line at B: B refuses (T04 triggered by B), A relays it and gives its own hold back.
  const used = -(await b.connector.getBalance(aAtB.id)).balance;
  await b.connector.updatePeer({ id: aAtB.id, creditLimit: used + 100n });
  try {
    const overCredit = makePrepare({ amount: 216n, destination: 'test.b.bob.credit' }); // → 199 EUR cents
    bob.expect(overCredit.fulfillment);
    const fromB = expectReject(await a.connector.sendPrepare(usdSender, overCredit.prepare), 'T04');
    expect(fromB).toMatchObject({ triggeredBy: 'test.b', message: 'insufficient balance on the incoming account' });
  } finally {
    await b.connector.updatePeer({ id: aAtB.id, creditLimit: 1_000_000n });
  }
  expect(changes(before, await balances())).toEqual({});
});

test('too large → F08 with data in the receiving node’s incoming units, relayed from B', async () => {
  const before = await balances();
  // B takes at most 40,000 EUR cents from A: 45,000 USD cents become 41,583 EUR cents at A.
  const packet = makePrepare({ amount: 45_000n, destination: 'test.b.bob.x' });
  const reply = expectReject(await a.connector.sendPrepare(usdSender, packet.prepare), 'F08');
  expect(reply.triggeredBy).toBe('test.b');
  expect(deserializeAmountTooLargeData(reply.data)).toEqual({ receivedAmount: 41_583n, maximumAmount: 40_000n });
  // At A, for alice (USD, max 100,000).
  const atA = expectReject(
    await sendOverHttp('alice-token', makePrepare({ amount: 100_001n, destination: 'test.b.bob' }).prepare),
    'F08',
  );
  expect(atA.triggeredBy).toBe('test.a');
  expect(deserializeAmountTooLargeData(atA.data)).toEqual({ receivedAmount: 100_001n, maximumAmount: 100_000n });
  expect(changes(before, await balances())).toEqual({});
});

test('a wrong fulfillment is rejected (F05) and nothing is posted on either side', async () => {
  const before = await balances();
  const packet = makePrepare({ amount: 500n, destination: 'test.b.liar.x' });
  const unregister = b.connector.registerLocalReceiver(
    'liar',
    async () => ({ fulfillment: Buffer.alloc(32, 9), data: Buffer.alloc(0) }),
    bobAccount,
  );
  try {
    const reply = expectReject(await a.connector.sendPrepare(usdSender, packet.prepare), 'F05');
    expect(reply.triggeredBy).toBe('test.b');
  } finally {
    unregister();
  }
  expect(changes(before, await balances())).toEqual({});
});

test('a next hop that returns a Fulfill not matching the condition is caught at A too (F05)', async () => {
  // B is honest here; A checks what B relays. Point A at a fake "B" that lies.
  const liar = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.end(Buffer.from([13, 33, ...Buffer.alloc(32, 1), 0]));
    });
  });
  await new Promise<void>((resolve) => liar.listen(0, '127.0.0.1', resolve));
  const peer = await a.connector.createPeer({
    assetId: a.usd.id,
    staticIlpAddress: 'test.liar',
    http: { outgoing: { authToken: 'x', endpoint: `http://127.0.0.1:${(liar.address() as AddressInfo).port}/ilp` } },
  });
  try {
    await a.connector.refresh();
    const before = await balances();
    const reply = expectReject(
      await a.connector.sendPrepare(usdSender, makePrepare({ amount: 10n, destination: 'test.liar.x' }).prepare),
      'F05',
    );
    expect(reply.triggeredBy).toBe('test.a');
    expect(changes(before, await balances())).toEqual({});
    expect((await a.connector.getBalance(peer.id)).balance).toBe(0n);
  } finally {
    await a.connector.deletePeer(peer.id);
    liar.closeAllConnections();
    await new Promise((resolve) => liar.close(resolve));
  }
});

test('a peer that never answers → R00 at the outgoing expiry, not a hang; the hold is released', async () => {
  const before = await balances();
  const packet = makePrepare({ amount: 1_000n, destination: 'test.silent.x', expiresInMs: 3_000 });
  const started = Date.now();
  const reply = expectReject(await a.connector.sendPrepare(usdSender, packet.prepare), 'R00');
  const elapsed = Date.now() - started;
  expect(reply.triggeredBy).toBe('test.a');
  // Outgoing expiry = incoming − 1 s ≈ 2 s from now.
  expect(elapsed).toBeGreaterThanOrEqual(1_900);
  expect(elapsed).toBeLessThan(2_900);
  await waitForNoHolds();
  expect(changes(before, await balances())).toEqual({});
});

test('1,000 concurrent packets against limited liquidity never overdraw, and every ledger balances', async () => {
  // Leave A exactly 25 packets' worth of EUR liquidity: each packet of 108 USD cents becomes 99 EUR cents.
  const liquidity = (await a.connector.getBalance(a.eur.liquidityAccountId)).balance;
  const target = 25n * 99n;
  if (liquidity > target) {
    const withdrawal = randomUUID();
    await a.connector.withdraw({ id: withdrawal, accountId: a.eur.liquidityAccountId, amount: liquidity - target });
    await a.connector.postWithdrawal(withdrawal);
  } else {
    await a.connector.deposit({ id: randomUUID(), accountId: a.eur.liquidityAccountId, amount: target - liquidity });
  }
  const before = await balances();
  const fulfillment = Buffer.alloc(32, 3);
  bob.expect(fulfillment);
  const replies = await Promise.all(
    Array.from({ length: 1000 }, (_, i) => {
      const { prepare } = makePrepare({
        amount: 108n,
        destination: `test.b.bob.p${i}`,
        fulfillment,
        expiresInMs: 30_000,
      });
      return i % 2 === 0 ? a.connector.sendPrepare(usdSender, prepare) : sendOverHttp('alice-token', prepare);
    }),
  );
  const fulfilled = replies.filter(isFulfill).length;
  const codes = new Set(replies.filter((reply) => !isFulfill(reply)).map((reply) => (reply as { code: string }).code));
  expect(fulfilled).toBe(25);
  expect([...codes]).toEqual(['T04']);
  const after = await balances();
  expect(after.aEurLiquidity).toBe(0n);
  const delta = changes(before, after);
  expect(delta.bBob).toBe(25n * 99n);
  expect(delta.aPeerB).toBe(25n * 99n);
  expect(delta.bPeerA).toBe(-25n * 99n);
  expect((delta.aSender ?? 0n) + (delta.aAlice ?? 0n)).toBe(-25n * 108n);
  expect(delta.aUsdLiquidity).toBe(25n * 108n);
  // Refill for later tests.
  await a.connector.deposit({ id: randomUUID(), accountId: a.eur.liquidityAccountId, amount: A_EUR_LIQUIDITY });
});

describe('ILP over HTTP', () => {
  test('unknown or missing bearer token → 401 and nothing reaches the pipeline', async () => {
    const before = await balances();
    const body = serializeIlpPrepare(makePrepare({ amount: 1n, destination: 'test.b.bob' }).prepare);
    expect((await postIlp(aHttp.ilpUrl, 'wrong-token', body)).status).toBe(401);
    expect((await postIlp(aHttp.ilpUrl, undefined, body)).status).toBe(401);
    expect(changes(before, await balances())).toEqual({});
  });

  test('malformed bytes → 200 with F01, and the server keeps serving', async () => {
    for (const garbage of [Buffer.from('not an ILP packet'), Buffer.alloc(0), Buffer.from([12, 5, 1, 2])]) {
      const { status, bytes } = await postIlp(aHttp.ilpUrl, 'alice-token', garbage);
      expect(status).toBe(200);
      expect(expectReject(deserializeIlpReply(bytes), 'F01').triggeredBy).toBe('test.a');
    }
    const packet = makePrepare({ amount: 10n, destination: 'test.b.bob.after-garbage' });
    bob.expect(packet.fulfillment);
    expectFulfill(await sendOverHttp('alice-token', packet.prepare));
  });

  test('wrong content type → 400; oversized body → 413; other methods → 405', async () => {
    const body = serializeIlpPrepare(makePrepare({ amount: 1n, destination: 'test.b.bob' }).prepare);
    expect((await postIlp(aHttp.ilpUrl, 'alice-token', body, 'application/json')).status).toBe(400);
    expect((await postIlp(aHttp.ilpUrl, 'alice-token', Buffer.alloc(70 * 1024))).status).toBe(413);
    const get = await request(aHttp.ilpUrl, { method: 'GET', headers: { authorization: 'Bearer alice-token' } });
    await get.body.dump();
    expect(get.statusCode).toBe(405);
  });

  test('a Prepare encoded by the reference ilp-packet library is accepted', async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const reference = require('ilp-packet') as typeof import('ilp-packet');
    const fulfillment = Buffer.alloc(32, 5);
    bob.expect(fulfillment);
    const bytes = reference.serializeIlpPrepare({
      amount: '1080',
      expiresAt: new Date(Date.now() + 10_000),
      executionCondition: conditionOf(fulfillment),
      destination: 'test.b.bob.reference',
      data: Buffer.from('hello'),
    });
    const { bytes: replyBytes } = await postIlp(aHttp.ilpUrl, 'alice-token', bytes);
    const reply = reference.deserializeIlpReply(replyBytes);
    expect('fulfillment' in reply && reply.fulfillment).toEqual(fulfillment);
  });
});

describe('IL-DCP', () => {
  test('B learns its address and asset from A over HTTP (peer.config)', async () => {
    const { status, bytes } = await postIlp(aHttp.ilpUrl, 'b-to-a', serializeIlpPrepare(createIldcpRequest()));
    expect(status).toBe(200);
    expect(deserializeIldcpResponse(expectFulfill(deserializeIlpReply(bytes)).data)).toEqual({
      clientAddress: 'test.b',
      assetCode: 'EUR',
      assetScale: 2,
    });
  });

  test('alice gets her own address and USD', async () => {
    const reply = await sendOverHttp('alice-token', createIldcpRequest());
    expect(deserializeIldcpResponse(expectFulfill(reply).data)).toEqual({
      clientAddress: 'test.a.alice',
      assetCode: 'USD',
      assetScale: 2,
    });
  });

  test('other peer.* destinations are not forwarded (F02)', async () => {
    const prepare = { ...makePrepare({ amount: 0n, destination: 'peer.route.control' }).prepare };
    expectReject(await sendOverHttp('alice-token', prepare), 'F02');
  });
});

test('a packet is never reflected back to the peer it came from (F02)', async () => {
  // B sends A a packet for test.b.* — A would route it straight back to B.
  const { status, bytes } = await postIlp(
    aHttp.ilpUrl,
    'b-to-a',
    serializeIlpPrepare(makePrepare({ amount: 10n, destination: 'test.b.bob' }).prepare),
  );
  expect(status).toBe(200);
  expect(expectReject(deserializeIlpReply(bytes), 'F02').triggeredBy).toBe('test.a');
});
