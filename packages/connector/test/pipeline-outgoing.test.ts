// Steps 8–11: balance (with a fake packet ledger), fulfillment check, expiry timer, send.
import { IlpErrorCode, type IlpPrepare, type IlpReply } from '@sluice/ilp';
import {
  TransferRefusedError,
  type HoldOutcome,
  type PacketHold,
  type PacketLedger,
} from '../src/ledger/packet-ledger';
import type { Leg } from '../src/ledger/ledger-types';
import { createBalanceMiddleware } from '../src/pipeline/balance';
import { composePipeline, createRejectFactory } from '../src/pipeline/compose';
import { createExpiryTimerMiddleware } from '../src/pipeline/expiry-timer';
import { createFulfillmentCheckMiddleware } from '../src/pipeline/fulfillment-check';
import type { Destination, PacketContext } from '../src/pipeline/packet-context';
import { createSendMiddleware, type PeerSender } from '../src/pipeline/send';
import { silentLogger } from './support/logger';
import { expectFulfill, expectReject, makePrepare } from './support/packets';
import { EUR, OWN_ADDRESS, USD, contextFor, localAccount, peerInfo, rejectReply, run } from './support/pipeline';

function fakeLedger(refuse?: { accountId: string }) {
  const events: string[] = [];
  let legs: readonly Leg[] = [];
  let postFails = false;
  let settledRows: Record<string, unknown>[] = [{ id: 'credited' }];
  let settleDelayMs = 0;
  const ledger: PacketLedger = {
    instanceId: 'fake',
    openHolds: 0,
    start: async () => undefined,
    stop: async () => undefined,
    async hold(transferId, held): Promise<HoldOutcome> {
      legs = held;
      events.push('hold');
      if (refuse) return { held: false, accountId: refuse.accountId, reason: 'min_balance' };
      return { held: true, hold: { transferId, legs: held, holds: new Map(), instanceId: 'fake' } };
    },
    async post(_hold: PacketHold) {
      events.push('post');
      if (postFails) throw new Error('database gone');
    },
    async transferWith(_transferId, moved, write) {
      legs = moved;
      events.push(`transferWith:${write('true').sql}`);
      if (refuse) throw new TransferRefusedError('no');
      await new Promise((resolve) => setTimeout(resolve, settleDelayMs));
      return settledRows;
    },
    void() {
      events.push('void');
    },
  };
  return {
    ledger,
    events,
    legs: () => legs,
    settleWith: (rows: Record<string, unknown>[], delayMs = 0) => {
      settledRows = rows;
      settleDelayMs = delayMs;
    },
    failPosts: () => {
      postFails = true;
    },
  };
}

function packet(amount: bigint, outgoingAmount: bigint, to = EUR): PacketContext {
  const ctx = contextFor(makePrepare({ amount, destination: 'test.x' }).prepare, localAccount('sender', USD));
  ctx.destination = {
    kind: 'local',
    accountId: 'receiver',
    asset: to,
    handler: async () => rejectReply(),
    settles: false,
  };
  ctx.outgoingAmount = outgoingAmount;
  return ctx;
}

const fulfilled = (): IlpReply => ({ fulfillment: Buffer.alloc(32), data: Buffer.from('f') });

describe('balance', () => {
  test('holds both sides through the liquidity accounts, posts on Fulfill before relaying it', async () => {
    const fake = fakeLedger();
    const { reply } = await run(
      createBalanceMiddleware({ packetLedger: fake.ledger, logger: silentLogger }),
      packet(100n, 92n),
      fulfilled,
    );
    expectFulfill(reply);
    expect(fake.legs()).toEqual([
      { debitAccountId: 'sender', creditAccountId: 'liq-usd', amount: 100n },
      { debitAccountId: 'liq-eur', creditAccountId: 'receiver', amount: 92n },
    ]);
    expect(fake.events).toEqual(['hold', 'post']);
  });

  test('a Reject from below voids the hold and is relayed unchanged', async () => {
    const fake = fakeLedger();
    const { reply } = await run(
      createBalanceMiddleware({ packetLedger: fake.ledger, logger: silentLogger }),
      packet(100n, 92n),
      () => rejectReply(),
    );
    expect(reply).toEqual(rejectReply());
    expect(fake.events).toEqual(['hold', 'void']);
  });

  test('a refused hold → T04, and the packet goes no further', async () => {
    const fake = fakeLedger({ accountId: 'sender' });
    const { reply, nextCalled } = await run(
      createBalanceMiddleware({ packetLedger: fake.ledger, logger: silentLogger }),
      packet(100n, 92n),
    );
    expect(expectReject(reply, 'T04').message).toBe('insufficient balance on the incoming account');
    expect(nextCalled).toBe(false);
    const short = fakeLedger({ accountId: 'liq-eur' });
    const refused = await run(
      createBalanceMiddleware({ packetLedger: short.ledger, logger: silentLogger }),
      packet(100n, 92n),
    );
    expect(expectReject(refused.reply, 'T04').message).toBe('insufficient liquidity');
  });

  test('a Fulfill that cannot be posted is not relayed (T00)', async () => {
    const fake = fakeLedger();
    fake.failPosts();
    const { reply } = await run(
      createBalanceMiddleware({ packetLedger: fake.ledger, logger: silentLogger }),
      packet(100n, 92n),
      fulfilled,
    );
    expectReject(reply, 'T00');
  });

  test('an unfulfillable probe skips the ledger; if it is fulfilled anyway the Fulfill is not relayed', async () => {
    const fake = fakeLedger();
    const middleware = createBalanceMiddleware({ packetLedger: fake.ledger, logger: silentLogger });
    const probe = () => Object.assign(packet(10n ** 15n, 10n ** 15n), { unfulfillable: true });
    expect((await run(middleware, probe(), () => rejectReply())).reply).toEqual(rejectReply());
    expectReject((await run(middleware, probe(), fulfilled)).reply, 'T00');
    expect(fake.events).toEqual([]);
  });

  test('zero-amount packets skip the ledger', async () => {
    const fake = fakeLedger();
    const { reply } = await run(
      createBalanceMiddleware({ packetLedger: fake.ledger, logger: silentLogger }),
      packet(0n, 0n),
      fulfilled,
    );
    expectFulfill(reply);
    expect(fake.events).toEqual([]);
  });
});

describe('local settlement', () => {
  const write = (condition: string) => ({ sql: `settled AS (SELECT 1 WHERE ${condition})`, bindings: [] });
  const moved = 'transferWith:settled AS (SELECT 1 WHERE true)';
  const pipelineOf = (fake: ReturnType<typeof fakeLedger>, receiver: (ctx: PacketContext) => Promise<IlpReply>) =>
    composePipeline(
      [
        createBalanceMiddleware({ packetLedger: fake.ledger, logger: silentLogger }),
        createExpiryTimerMiddleware({ ilpAddress: OWN_ADDRESS }),
        receiver,
      ],
      createRejectFactory(OWN_ADDRESS, silentLogger),
    );
  /** A packet to a local receiver that settles, expiring in `inMs`. */
  const settlingPacket = (inMs: number) => {
    const ctx = packet(100n, 92n);
    ctx.destination = { ...(ctx.destination as Destination & { kind: 'local' }), settles: true };
    ctx.outgoingExpiresAt = new Date(Date.now() + inMs);
    return ctx;
  };

  test('nothing is held; the receiver moves the money with its own write, once; the Fulfill is relayed', async () => {
    const fake = fakeLedger();
    let rows: unknown;
    const reply = await pipelineOf(fake, async (ctx) => {
      rows = await ctx.settlement!.settle(write);
      await expect(ctx.settlement!.settle(write)).rejects.toThrow('settled once');
      return fulfilled();
    })(settlingPacket(5000));
    expectFulfill(reply);
    expect(rows).toEqual([{ id: 'credited' }]);
    expect(fake.events).toEqual([moved]);
    expect(fake.legs()).toEqual([
      { debitAccountId: 'sender', creditAccountId: 'liq-usd', amount: 100n },
      { debitAccountId: 'liq-eur', creditAccountId: 'receiver', amount: 92n },
    ]);
  });

  test('a write that refuses moves nothing, and the receiver’s Reject is relayed', async () => {
    const fake = fakeLedger();
    fake.settleWith([]);
    const reply = await pipelineOf(fake, async (ctx) => {
      expect(await ctx.settlement!.settle(write)).toEqual([]);
      return rejectReply();
    })(settlingPacket(5000));
    expect(reply).toEqual(rejectReply());
    expect(fake.events).toEqual([moved]);
  });

  test('money the accounts cannot take: the settlement fails with T04', async () => {
    const fake = fakeLedger({ accountId: 'sender' });
    let refusal: unknown;
    const reply = await pipelineOf(fake, async (ctx) => {
      refusal = await ctx.settlement!.settle(write).catch((error: unknown) => error);
      return rejectReply(IlpErrorCode.T04_INSUFFICIENT_LIQUIDITY);
    })(settlingPacket(5000));
    expect(refusal).toMatchObject({ code: 'T04' });
    expectReject(reply, 'T04');
  });

  test('a Fulfill without a settlement moves the money then, before it is relayed; else it is not relayed', async () => {
    const fake = fakeLedger();
    expectFulfill(await pipelineOf(fake, async () => fulfilled())(settlingPacket(5000)));
    expect(fake.events).toEqual(['transferWith:settled AS (SELECT true AS settled WHERE true)']);
    const short = fakeLedger({ accountId: 'sender' });
    expectReject(await pipelineOf(short, async () => fulfilled())(settlingPacket(5000)), 'T04');
    const gone = fakeLedger();
    gone.settleWith([]);
    expectReject(await pipelineOf(gone, async () => fulfilled())(settlingPacket(5000)), 'T00');
  });

  test('a settlement in flight at the expiry is let finish: the receiver’s Fulfill is the answer, not R00', async () => {
    const fake = fakeLedger();
    fake.settleWith([{ id: 'credited' }], 300);
    const reply = await pipelineOf(fake, async (ctx) => {
      await ctx.settlement!.settle(write);
      return fulfilled();
    })(settlingPacket(100));
    expectFulfill(reply);
    expect(fake.events).toEqual([moved]);
  });

  test('after the expiry a settlement is refused and nothing moves: R00', async () => {
    const fake = fakeLedger();
    let refused: unknown;
    const reply = await pipelineOf(fake, async (ctx) => {
      await new Promise((resolve) => setTimeout(resolve, 250));
      refused = await ctx.settlement!.settle(write).catch((error: unknown) => error);
      return fulfilled();
    })(settlingPacket(100));
    expectReject(reply, 'R00');
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(refused).toMatchObject({ code: 'R00' });
    expect(fake.events).toEqual([]);
  });

  test('a local receiver that does not settle, and a peer, get the hold and post instead', async () => {
    for (const destination of [
      undefined,
      { kind: 'peer' as const, accountId: 'bob', asset: EUR, peer: peerInfo('bob', { asset: EUR }) },
    ]) {
      const fake = fakeLedger();
      const ctx = packet(100n, 92n);
      if (destination) ctx.destination = destination;
      await run(createBalanceMiddleware({ packetLedger: fake.ledger, logger: silentLogger }), ctx, fulfilled);
      expect(ctx.settlement).toBeUndefined();
      expect(fake.events).toEqual(['hold', 'post']);
    }
  });
});

describe('fulfillment check', () => {
  const middleware = createFulfillmentCheckMiddleware();

  test('the right preimage passes', async () => {
    const { prepare, fulfillment } = makePrepare({ amount: 1n, destination: 'test.x' });
    expectFulfill((await run(middleware, contextFor(prepare), () => ({ fulfillment, data: Buffer.alloc(0) }))).reply);
  });

  test('a wrong preimage → F05 triggered by us', async () => {
    const { prepare } = makePrepare({ amount: 1n, destination: 'test.x' });
    const { reply } = await run(middleware, contextFor(prepare), () => ({
      fulfillment: Buffer.alloc(32, 7),
      data: Buffer.alloc(0),
    }));
    expect(expectReject(reply, 'F05').triggeredBy).toBe(OWN_ADDRESS);
  });

  test('a Reject passes through untouched', async () => {
    const { prepare } = makePrepare({ amount: 1n, destination: 'test.x' });
    expect((await run(middleware, contextFor(prepare), () => rejectReply())).reply).toEqual(rejectReply());
  });
});

describe('expiry timer', () => {
  const middleware = createExpiryTimerMiddleware({ ilpAddress: OWN_ADDRESS });

  test('a next hop that never answers → R00 at the outgoing expiry, and the transport is aborted', async () => {
    const ctx = contextFor();
    ctx.outgoingExpiresAt = new Date(Date.now() + 150);
    const started = Date.now();
    const { reply } = await run(middleware, ctx, () => new Promise<IlpReply>(() => undefined));
    const elapsed = Date.now() - started;
    expect(expectReject(reply, 'R00').triggeredBy).toBe(OWN_ADDRESS);
    expect(elapsed).toBeGreaterThanOrEqual(140);
    expect(elapsed).toBeLessThan(1000);
    expect(ctx.abort.signal.aborted).toBe(true);
  });

  test('a reply in time is passed on and nothing is aborted', async () => {
    const ctx = contextFor();
    ctx.outgoingExpiresAt = new Date(Date.now() + 5000);
    expect((await run(middleware, ctx, () => rejectReply(IlpErrorCode.T02_PEER_BUSY))).reply).toEqual(
      rejectReply('T02'),
    );
    expect(ctx.abort.signal.aborted).toBe(false);
  });

  test('already past the outgoing expiry → R00 without calling the next hop', async () => {
    const ctx = contextFor();
    ctx.outgoingExpiresAt = new Date(Date.now() - 1);
    const { reply, nextCalled } = await run(middleware, ctx);
    expectReject(reply, 'R00');
    expect(nextCalled).toBe(false);
  });
});

describe('send', () => {
  test('a local receiver gets the rewritten Prepare and the sending account', async () => {
    const received: Array<{ prepare: IlpPrepare; source: { accountId: string } }> = [];
    const ctx = contextFor(
      makePrepare({ amount: 100n, destination: 'test.node.shop.x' }).prepare,
      localAccount('sender'),
    );
    ctx.destination = {
      kind: 'local',
      accountId: 'shop',
      asset: EUR,
      handler: async (prepare, source) => (received.push({ prepare, source }), rejectReply()),
      settles: false,
    };
    ctx.outgoingAmount = 92n;
    ctx.outgoingExpiresAt = new Date(Date.now() + 5000);
    const peerSender: PeerSender = { send: async () => Promise.reject(new Error('not a peer')) };
    await createSendMiddleware({ peerSender })(ctx, async () => rejectReply());
    expect(received).toHaveLength(1);
    expect(received[0].source).toEqual({ accountId: 'sender' });
    expect(received[0].prepare).toEqual({
      amount: 92n,
      expiresAt: ctx.outgoingExpiresAt,
      executionCondition: ctx.prepare.executionCondition,
      destination: ctx.prepare.destination,
      data: ctx.prepare.data,
    });
  });

  test('a peer gets it through the peer sender with the packet’s abort signal', async () => {
    const ctx = contextFor(makePrepare({ amount: 100n, destination: 'test.bob.x' }).prepare, localAccount('sender'));
    const bob = peerInfo('bob');
    ctx.destination = { kind: 'peer', accountId: 'bob', asset: USD, peer: bob };
    ctx.outgoingAmount = 100n;
    ctx.outgoingExpiresAt = new Date(Date.now() + 5000);
    const calls: unknown[] = [];
    const peerSender: PeerSender = { send: async (...args) => (calls.push(args), rejectReply()) };
    await createSendMiddleware({ peerSender })(ctx, async () => rejectReply());
    expect(calls).toEqual([[bob, expect.objectContaining({ amount: 100n }), ctx.abort.signal]]);
  });
});
