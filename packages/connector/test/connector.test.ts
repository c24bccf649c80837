// The connector object itself: local senders and receivers, two instances on one database, configuration, stop.
import { randomUUID } from 'node:crypto';
import { isFulfill, type IlpReply } from '@sluice/ilp';
import { usePglite } from '../../../test-support';
import { openDatabase, type Database } from '../../server/src/database';
import { createConnector, type Connector } from '../src';
import { silentLogger } from './support/logger';
import { createFulfillingReceiver, expectFulfill, expectReject, makePrepare } from './support/packets';
import { fundedAccount, startTestConnector, type TestConnector } from './support/setup';

let node: TestConnector;
beforeAll(async () => {
  node = await startTestConnector('test.node');
});
afterAll(() => node.close());

const incomingAccount = (connector: Connector, assetId: string) =>
  connector.createLedgerAccount({ assetId, kind: 'incoming_payment', ownerId: randomUUID() });

test('a local receiver can resolve the account to credit per packet, and be unregistered', async () => {
  const { connector, usd } = node;
  const sender = await fundedAccount(connector, usd, 1_000n);
  const first = await incomingAccount(connector, usd.id);
  const second = await incomingAccount(connector, usd.id);
  const receiver = createFulfillingReceiver();
  // The STREAM server's way: the connection token after the prefix names the incoming payment.
  const byToken: Record<string, string> = { one: first.id, two: second.id };
  const unregister = connector.registerLocalReceiver(
    'stream',
    receiver.handler,
    (destination) => byToken[destination.split('.')[3]],
  );
  for (const [token, amount] of [
    ['one', 10n],
    ['two', 20n],
    ['two', 5n],
  ] as const) {
    const packet = makePrepare({ amount, destination: `test.node.stream.${token}.x` });
    receiver.expect(packet.fulfillment);
    expectFulfill(await connector.sendPrepare(sender.id, packet.prepare));
  }
  expect((await connector.getBalance(first.id)).balance).toBe(10n);
  expect((await connector.getBalance(second.id)).balance).toBe(25n);
  expectReject(
    await connector.sendPrepare(sender.id, makePrepare({ amount: 1n, destination: 'test.node.stream.three' }).prepare),
    'F02',
  );
  unregister();
  const after = makePrepare({ amount: 1n, destination: 'test.node.stream.one' });
  receiver.expect(after.fulfillment);
  expectReject(await connector.sendPrepare(sender.id, after.prepare), 'F02');
  expect(() => connector.registerLocalReceiver('bad prefix', receiver.handler, first.id)).toThrow(
    expect.objectContaining({ code: 'invalid_ilp_address' }),
  );
});

test('a local receiver that throws or hangs still yields a reply (T00 / R00), and its hold is released', async () => {
  const { connector, usd } = node;
  const sender = await fundedAccount(connector, usd, 100n);
  const target = await incomingAccount(connector, usd.id);
  connector.registerLocalReceiver('broken', async () => Promise.reject(new Error('boom')), target.id);
  connector.registerLocalReceiver('stuck', () => new Promise<IlpReply>(() => undefined), target.id);
  expectReject(
    await connector.sendPrepare(sender.id, makePrepare({ amount: 40n, destination: 'test.node.broken' }).prepare),
    'T00',
  );
  const started = Date.now();
  expectReject(
    await connector.sendPrepare(
      sender.id,
      makePrepare({ amount: 40n, destination: 'test.node.stuck', expiresInMs: 2_200 }).prepare,
    ),
    'R00',
  );
  expect(Date.now() - started).toBeLessThan(2_000);
  for (let i = 0; i < 100 && (await connector.getBalance(sender.id)).debitsPending > 0n; i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  expect(await connector.getBalance(sender.id)).toMatchObject({ balance: 100n, debitsPending: 0n, available: 100n });
  expect(await connector.getBalance(target.id)).toMatchObject({ balance: 0n, creditsPending: 0n });
});

test('a receiving account with a maximum balance refuses what would exceed it (T04)', async () => {
  const { connector, usd } = node;
  const sender = await fundedAccount(connector, usd, 1_000n);
  const capped = await connector.createLedgerAccount({
    assetId: usd.id,
    kind: 'incoming_payment',
    ownerId: randomUUID(),
    maxBalance: 50n,
  });
  const receiver = createFulfillingReceiver();
  connector.registerLocalReceiver('capped', receiver.handler, capped.id);
  const fits = makePrepare({ amount: 50n, destination: 'test.node.capped' });
  receiver.expect(fits.fulfillment);
  expectFulfill(await connector.sendPrepare(sender.id, fits.prepare));
  const over = makePrepare({ amount: 1n, destination: 'test.node.capped' });
  receiver.expect(over.fulfillment);
  expect(expectReject(await connector.sendPrepare(sender.id, over.prepare), 'T04').message).toBe(
    'destination account cannot receive more',
  );
});

test('unfulfillable probes: any amount, no liquidity needed, nothing held or posted, never a Fulfill', async () => {
  const { connector, usd, eur } = node;
  const sender = await fundedAccount(connector, usd, 0n);
  const target = await incomingAccount(connector, eur.id);
  const receiver = createFulfillingReceiver();
  connector.registerLocalReceiver('quotes', receiver.handler, target.id);
  const before = await connector.getBalance(eur.liquidityAccountId);
  // Without the flag the hold is refused: the sender has nothing and EUR liquidity is short.
  expectReject(
    await connector.sendPrepare(
      sender.id,
      makePrepare({ amount: 10n ** 12n, destination: 'test.node.quotes' }).prepare,
    ),
    'T04',
  );
  // As a probe it reaches the receiver at the converted amount (the receiver's F99 tells the prober what arrived).
  const probe = makePrepare({ amount: 10n ** 12n, destination: 'test.node.quotes' });
  const reply = expectReject(await connector.sendPrepare(sender.id, probe.prepare, { unfulfillable: true }), 'F99');
  expect(reply.message).toBe('unknown condition');
  expect(receiver.received.at(-1)?.amount).toBe((10n ** 12n * 100n) / 108n);
  // A receiver that fulfills it anyway: not relayed, nothing recorded.
  const fulfilled = makePrepare({ amount: 500n, destination: 'test.node.quotes' });
  receiver.expect(fulfilled.fulfillment);
  expectReject(await connector.sendPrepare(sender.id, fulfilled.prepare, { unfulfillable: true }), 'T00');
  expect(await connector.getBalance(sender.id)).toMatchObject({ balance: 0n, debitsPending: 0n });
  expect(await connector.getBalance(target.id)).toMatchObject({ balance: 0n, creditsPending: 0n });
  expect(await connector.getBalance(eur.liquidityAccountId)).toEqual(before);
  // Peers cannot send probes: handlePrepare has no such option.
  expect(connector.handlePrepare.length).toBe(2);
});

test('an unknown incoming account gets a reply, not an exception', async () => {
  expectReject(
    await node.connector.handlePrepare(randomUUID(), makePrepare({ amount: 1n, destination: 'test.node.x' }).prepare),
    'T00',
  );
  expectReject(
    await node.connector.handlePrepare('not-a-uuid', makePrepare({ amount: 1n, destination: 'test.node.x' }).prepare),
    'T00',
  );
});

test('zero-amount packets are forwarded without touching the ledger', async () => {
  const { connector, usd } = node;
  const sender = await fundedAccount(connector, usd, 0n);
  const target = await incomingAccount(connector, usd.id);
  const receiver = createFulfillingReceiver();
  connector.registerLocalReceiver('probe', receiver.handler, target.id);
  const packet = makePrepare({ amount: 0n, destination: 'test.node.probe' });
  receiver.expect(packet.fulfillment);
  expectFulfill(await connector.sendPrepare(sender.id, packet.prepare));
  expect(receiver.received[0].amount).toBe(0n);
});

test('two connector instances on one database: concurrent packets never overdraw the shared account', async () => {
  const { connector, usd, db } = node;
  const other: Database | undefined = usePglite ? undefined : await openDatabase(db.url);
  const second = await createConnector({ knex: other?.knex ?? db.knex, logger: silentLogger, ilpAddress: 'test.node' });
  try {
    const sender = await fundedAccount(connector, usd, 1_000n);
    const target = await incomingAccount(connector, usd.id);
    const fulfillment = Buffer.alloc(32, 4);
    for (const instance of [connector, second]) {
      const receiver = createFulfillingReceiver();
      receiver.expect(fulfillment);
      instance.registerLocalReceiver('shared', receiver.handler, target.id);
    }
    const replies = await Promise.all(
      Array.from({ length: 400 }, (_, i) =>
        (i % 2 ? connector : second).sendPrepare(
          sender.id,
          makePrepare({ amount: 3n, destination: 'test.node.shared', fulfillment }).prepare,
        ),
      ),
    );
    expect(replies.filter(isFulfill)).toHaveLength(333);
    expect(await connector.getBalance(sender.id)).toMatchObject({ balance: 1n, debitsPending: 0n });
    expect((await connector.getBalance(target.id)).balance).toBe(999n);
    expect(await connector.verifyLedger()).toEqual([]);
  } finally {
    await second.stop();
    await other?.close();
  }
});

test('a peer created through one instance is routable from another after its refresh', async () => {
  const { db, usd } = node;
  const second = await createConnector({
    knex: db.knex,
    logger: silentLogger,
    ilpAddress: 'test.node',
    refreshIntervalMs: 50,
  });
  try {
    const sender = await fundedAccount(second, usd, 100n);
    expectReject(
      await second.sendPrepare(sender.id, makePrepare({ amount: 1n, destination: 'test.late.x' }).prepare),
      'F02',
    );
    await node.connector.createPeer({
      assetId: usd.id,
      staticIlpAddress: 'test.late',
      http: { outgoing: { authToken: 't', endpoint: 'http://127.0.0.1:9/ilp' } },
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    // Routed now: the (unreachable) peer answers T01 instead of F02.
    expectReject(
      await second.sendPrepare(sender.id, makePrepare({ amount: 1n, destination: 'test.late.x' }).prepare),
      'T01',
    );
  } finally {
    await second.stop();
  }
});

test('configuration is validated', async () => {
  const { knex } = node.db;
  await expect(createConnector({ knex, logger: silentLogger, ilpAddress: 'nope' })).rejects.toMatchObject({
    code: 'invalid_ilp_address',
  });
  await expect(createConnector({ knex, logger: silentLogger, ilpAddress: 'test.x', spread: 1 })).rejects.toMatchObject({
    code: 'invalid_argument',
  });
  await expect(
    createConnector({ knex, logger: silentLogger, ilpAddress: 'test.x', spread: -0.1 }),
  ).rejects.toMatchObject({
    code: 'invalid_argument',
  });
});

test('stop lets packets in flight finish, then answers T03', async () => {
  const { db, usd } = node;
  const registrations = async () => Number((await db.knex('ledger_instances').count({ n: '*' }))[0].n);
  const before = await registrations();
  const stopping = await createConnector({ knex: db.knex, logger: silentLogger, ilpAddress: 'test.node' });
  expect(await registrations()).toBe(before + 1);
  const sender = await fundedAccount(stopping, usd, 100n);
  const target = await incomingAccount(stopping, usd.id);
  let release: (reply: IlpReply) => void = () => undefined;
  const packet = makePrepare({ amount: 10n, destination: 'test.node.slow' });
  stopping.registerLocalReceiver('slow', () => new Promise<IlpReply>((resolve) => (release = resolve)), target.id);
  const inFlight = stopping.sendPrepare(sender.id, packet.prepare);
  await new Promise((resolve) => setTimeout(resolve, 50));
  const stopped = stopping.stop();
  expectReject(
    await stopping.sendPrepare(sender.id, makePrepare({ amount: 1n, destination: 'test.node.slow' }).prepare),
    'T03',
  );
  release({ fulfillment: packet.fulfillment, data: Buffer.alloc(0) });
  expectFulfill(await inFlight);
  await stopped;
  expect((await node.connector.getBalance(target.id)).balance).toBe(10n);
  // Its ledger registration is gone, nothing left held.
  expect(await registrations()).toBe(before);
  expect(await node.connector.verifyLedger()).toEqual([]);
});
