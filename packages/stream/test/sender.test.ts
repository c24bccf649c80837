import {
  createStreamReceiver,
  decodeStreamPacket,
  decrypt,
  encryptionKey,
  FrameType,
  ReceiverDeclineError,
  sendPayment,
  StreamPaymentError,
  type IlpPrepare,
  type IncomingMoney,
  type PaymentProgress,
  type ReceiverHooks,
  type SendPaymentOptions,
} from '../src';
import { isFulfill } from '../src/ilp';
import { connectorHop, type SendPrepare } from './support/ilp-link';

const serverAddress = 'test.receiver';

/** Our receiver plus an in-memory ledger that records every credit. */
function setup(hooks: Partial<ReceiverHooks> = {}, limit?: bigint) {
  const receiver = createStreamReceiver({ serverSecret: Buffer.alloc(32, 11), serverAddress });
  const credentials = receiver.generateCredentials({ connectionTag: 'tag', asset: { code: 'EUR', scale: 2 } });
  const credits: IncomingMoney[] = [];
  let total = 0n;
  const allHooks: ReceiverHooks = {
    remainingAmount: limit === undefined ? undefined : () => ({ remaining: limit - total, totalReceived: total }),
    ...hooks,
    async onMoney(money) {
      await hooks.onMoney?.(money);
      if (limit !== undefined && total + money.amount > limit) throw new ReceiverDeclineError('limit');
      credits.push(money);
      total += money.amount;
      return { totalReceived: total };
    },
  };
  const deliver: SendPrepare = (prepare) => receiver.handlePrepare(prepare, allHooks);
  return { receiver, credentials, credits, total: () => total, deliver };
}

/** Records every money Prepare the sender emits (fulfillable ones), with its STREAM minimum. */
function recorder(next: SendPrepare, sharedSecret: Buffer) {
  const prepares: { prepare: IlpPrepare; minimum: bigint; fulfilled: boolean }[] = [];
  let inFlight = 0n;
  let maxInFlight = 0n;
  const send: SendPrepare = async (prepare) => {
    const packet = decodeStreamPacket(decrypt(encryptionKey(sharedSecret), prepare.data));
    const isMoney = packet.frames.some((frame) => frame.type === FrameType.StreamMoney);
    if (isMoney) {
      inFlight += prepare.amount;
      if (inFlight > maxInFlight) maxInFlight = inFlight;
    }
    const reply = await next(prepare);
    if (isMoney) {
      inFlight -= prepare.amount;
      prepares.push({ prepare, minimum: packet.prepareAmount, fulfilled: isFulfill(reply) });
    }
    return reply;
  };
  return { send, prepares, maxInFlight: () => maxInFlight };
}

async function expectPaymentError(promise: Promise<unknown>, code: string): Promise<StreamPaymentError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StreamPaymentError);
  expect(error).toMatchObject({ code });
  return error as StreamPaymentError;
}

const base = (
  extra: Partial<SendPaymentOptions> & Pick<SendPaymentOptions, 'sendPrepare'>,
  credentials: { ilpAddress: string; sharedSecret: Buffer },
): SendPaymentOptions => ({
  destinationAddress: credentials.ilpAddress,
  sharedSecret: credentials.sharedSecret,
  minExchangeRate: 1,
  congestion: { initialBackoffMs: 1 },
  ...extra,
});

describe('sendPayment → our receiver', () => {
  it('sends a fixed source amount in max-size packets, credited exactly once each', async () => {
    const { credentials, credits, total, deliver } = setup();
    const link = recorder(connectorHop(deliver, { maxPacketAmount: 1000n }), credentials.sharedSecret);
    const updates: PaymentProgress[] = [];
    const result = await sendPayment(
      base({ sourceAmount: 100_000n, sendPrepare: link.send, onProgress: (p) => updates.push(p) }, credentials),
    );
    expect(result).toMatchObject({ sent: 100_000n, delivered: 100_000n, packets: 100, maxPacketAmount: 1000n });
    expect(result.destinationAsset).toEqual({ code: 'EUR', scale: 2 });
    expect(result.inFlight).toEqual({ packets: 0, sourceAmount: 0n });
    expect(total()).toBe(100_000n);
    expect(credits).toHaveLength(100);
    expect(new Set(credits.map((credit) => credit.sequence)).size).toBe(100);
    expect(link.prepares.every(({ prepare }) => prepare.amount <= 1000n)).toBe(true);
    expect(updates.some((p) => p.inFlight.packets > 1)).toBe(true); // the window grew
    expect(updates.at(-1)).toMatchObject({ sent: 100_000n });
  });

  it('puts ceil(amount × minExchangeRate) in every Prepare and delivers at least that through a rate', async () => {
    const { credentials, total, deliver } = setup();
    const link = recorder(connectorHop(deliver, { maxPacketAmount: 777n, rate: [9n, 10n] }), credentials.sharedSecret);
    const result = await sendPayment(
      base({ sourceAmount: 10_001n, minExchangeRate: '0.89', sendPrepare: link.send }, credentials),
    );
    expect(result.sent).toBe(10_001n);
    expect(result.exchangeRate).toEqual({ numerator: 699n, denominator: 777n }); // measured at the path maximum
    for (const { prepare, minimum } of link.prepares) {
      expect(minimum).toBe((prepare.amount * 89n + 99n) / 100n);
      expect((prepare.amount * 9n) / 10n).toBeGreaterThanOrEqual(minimum);
    }
    expect(result.delivered).toBe(total());
    expect(total()).toBeGreaterThanOrEqual((10_001n * 89n) / 100n);
  });

  it('delivers a fixed destination amount without overshooting much', async () => {
    const { credentials, total, deliver } = setup();
    const result = await sendPayment(
      base(
        {
          minDeliveryAmount: 50_000n,
          minExchangeRate: '1.49',
          sendPrepare: connectorHop(deliver, { maxPacketAmount: 2000n, rate: [3n, 2n] }),
        },
        credentials,
      ),
    );
    expect(total()).toBe(result.delivered);
    expect(result.delivered).toBeGreaterThanOrEqual(50_000n);
    expect(result.delivered).toBeLessThan(50_000n + 3000n);
    expect(result.sent).toBeLessThanOrEqual((50_000n * 100n) / 149n + 1n);
  });

  it('marks rate probes, and only them, as unfulfillable for the link', async () => {
    const { credentials, deliver } = setup();
    const seen: { fulfillable: boolean; marked: boolean }[] = [];
    const result = await sendPayment(
      base(
        {
          sourceAmount: 5_000n,
          sendPrepare: async (prepare, options) => {
            const reply = await deliver(prepare);
            seen.push({ fulfillable: isFulfill(reply), marked: options?.unfulfillable === true });
            return reply;
          },
        },
        credentials,
      ),
    );
    expect(result.sent).toBe(5_000n);
    const probes = seen.filter((packet) => packet.marked);
    expect(probes.length).toBeGreaterThan(0);
    expect(probes.every((packet) => !packet.fulfillable)).toBe(true);
    expect(seen.filter((packet) => !packet.marked).every((packet) => packet.fulfillable)).toBe(true);
  });

  it('sends no rate probe when told the path rate, and still refuses to deliver below the minimum', async () => {
    const { credentials, total, deliver } = setup();
    const marked: boolean[] = [];
    const sendPrepare: SendPaymentOptions['sendPrepare'] = async (prepare, options) => {
      marked.push(options?.unfulfillable === true);
      return deliver(prepare);
    };
    const known = { numerator: 1n, denominator: 1n };
    const result = await sendPayment(
      base({ minDeliveryAmount: 4_950n, minExchangeRate: 0.99, knownExchangeRate: known, sendPrepare }, credentials),
    );
    expect(result).toMatchObject({ delivered: 4_950n, exchangeRate: known });
    expect(total()).toBe(4_950n);
    expect(marked.length).toBeGreaterThan(0);
    expect(marked.some((probe) => probe)).toBe(false);
    // A path that is in fact worse than the rate it was told: packets still carry their minimum and are refused.
    const halving = setup();
    const lossy = connectorHop(halving.deliver, { rate: [1n, 2n] });
    await expectPaymentError(
      sendPayment(base({ sourceAmount: 1_000n, knownExchangeRate: known, sendPrepare: lossy }, halving.credentials)),
      'INSUFFICIENT_EXCHANGE_RATE',
    );
    expect(halving.total()).toBe(0n);
    await expectPaymentError(
      sendPayment(
        base({ sourceAmount: 1n, knownExchangeRate: { numerator: 0n, denominator: 1n }, sendPrepare }, credentials),
      ),
      'INVALID_OPTIONS',
    );
  });

  it('pays a small fixed delivery exactly up to the receiver limit across a flooring exchange', async () => {
    // 1.23 EUR bought with USD at 1/1.08, 1 % slippage below the rate the quote probed: the receiver's limit (the
    // incoming payment's 123) and the connector's rounding down must not strand the last cent, and a packet too
    // small to survive the exchange is refused as a real connector does (R01).
    const { credentials, total, deliver } = setup({}, 123n);
    const exchange: typeof deliver = (prepare) => {
      const amount = (prepare.amount * 25n) / 27n;
      if (amount === 0n) {
        return Promise.resolve({
          code: 'R01',
          triggeredBy: 'test.connector',
          message: 'too small',
          data: Buffer.alloc(0),
        });
      }
      return deliver({ ...prepare, amount });
    };
    const result = await sendPayment(
      base(
        {
          sourceAmount: 135n,
          minDeliveryAmount: 123n,
          minExchangeRate: { numerator: 91666575n, denominator: 100000000n },
          sendPrepare: exchange,
        },
        credentials,
      ),
    );
    expect(total()).toBe(123n);
    expect(result.delivered).toBe(123n);
    expect(result.sent).toBeLessThanOrEqual(135n);
  });

  it('sizes a fixed delivery at the probed rate, not the minimum: no packet overshoots an exact receiver', async () => {
    // An incoming payment of 123 paid with 1 % slippage: sending 125 (enough at the minimum rate) would be declined.
    const { credentials, total, deliver } = setup({}, 123n);
    const result = await sendPayment(
      base({ sourceAmount: 125n, minDeliveryAmount: 123n, minExchangeRate: '0.99', sendPrepare: deliver }, credentials),
    );
    expect(total()).toBe(123n);
    expect(result).toMatchObject({ sent: 123n, delivered: 123n, packets: 1, rejectedPackets: 0 });
  });

  it('lets the packet that completes a fixed delivery carry only what is missing', async () => {
    // Packets of at most 10 at a rate of 0.95 deliver 9 each; the last unit needs a 2-unit packet delivering 1,
    // below 0.9 × 2 on its own, yet within the payment's budget.
    const { credentials, total, deliver } = setup();
    const result = await sendPayment(
      base(
        {
          sourceAmount: 25n,
          minDeliveryAmount: 19n,
          minExchangeRate: '0.9',
          sendPrepare: connectorHop(deliver, { maxPacketAmount: 10n, rate: [95n, 100n] }),
        },
        credentials,
      ),
    );
    expect(result.delivered).toBeGreaterThanOrEqual(19n);
    expect(total()).toBe(result.delivered);
    expect(result.sent).toBeLessThanOrEqual(25n);
  });

  it('completes exactly over a lossy link (20 % T04, reordered replies) with no double credit', async () => {
    const { credentials, credits, total, deliver } = setup();
    let seed = 42;
    const random = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const lossy: SendPrepare = async (prepare) => {
      await new Promise((resolve) => setTimeout(resolve, Math.floor(random() * 5))); // reorders replies
      if (random() < 0.2)
        return { code: 'T04', triggeredBy: 'test.connector', message: 'no liquidity', data: Buffer.alloc(0) };
      return deliver(prepare);
    };
    const link = recorder(connectorHop(lossy, { maxPacketAmount: 500n }), credentials.sharedSecret);
    const result = await sendPayment(base({ sourceAmount: 50_000n, sendPrepare: link.send }, credentials));
    expect(result.sent).toBe(50_000n);
    expect(result.delivered).toBe(50_000n);
    expect(total()).toBe(50_000n);
    expect(result.rejectedPackets).toBeGreaterThan(0);
    expect(new Set(credits.map((credit) => credit.sequence)).size).toBe(credits.length);
    const fulfilled = link.prepares.filter((p) => p.fulfilled).reduce((sum, p) => sum + p.prepare.amount, 0n);
    expect(fulfilled).toBe(50_000n);
    expect(link.maxInFlight()).toBeLessThanOrEqual(50_000n);
  });

  it('shrinks packets after T04 no further than what still meets its minimum, and completes once liquidity is back', async () => {
    // At 0.95 (flooring) with a minimum of 0.94 a packet of 100 or more always meets its minimum; 27 does not
    // (floor(25.65) = 25 < ceil(25.38) = 26). Nine refusals in a row would shrink the next packet that far.
    const { credentials, total, deliver } = setup();
    let refusals = 9;
    const refused: bigint[] = [];
    const short: SendPrepare = async (prepare) => {
      if (refusals-- <= 0) return deliver(prepare);
      refused.push(prepare.amount);
      return { code: 'T04', triggeredBy: 'test.connector', message: 'no liquidity', data: Buffer.alloc(0) };
    };
    const result = await sendPayment(
      base(
        {
          sourceAmount: 1_000n,
          minDeliveryAmount: 900n,
          minExchangeRate: '0.94',
          knownExchangeRate: { numerator: 95n, denominator: 100n },
          sendPrepare: connectorHop(short, { rate: [95n, 100n] }),
        },
        credentials,
      ),
    );
    expect(result.delivered).toBeGreaterThanOrEqual(900n);
    expect(total()).toBe(result.delivered);
    expect(refused).toHaveLength(9);
    // Seen past the exchange: no packet of less than 100 was sent (100 arrives as 95).
    expect(Math.min(...refused.map(Number))).toBeGreaterThanOrEqual(95);
  });

  it('stops at the receiver limit it learns from StreamMaxMoney', async () => {
    const { credentials, total, deliver } = setup({}, 3500n);
    const error = await expectPaymentError(
      sendPayment(
        base({ sourceAmount: 10_000n, sendPrepare: connectorHop(deliver, { maxPacketAmount: 1000n }) }, credentials),
      ),
      'RECEIVER_REFUSED',
    );
    expect(total()).toBe(3500n);
    expect(error.progress).toMatchObject({ sent: 3500n, delivered: 3500n });
  });

  it('stops with CLOSED_BY_RECEIVER when the application declines, counting what was credited', async () => {
    let count = 0;
    const { credentials, total, deliver } = setup({
      onMoney: () => {
        if (++count > 3) throw new ReceiverDeclineError('incoming payment completed');
      },
    });
    const error = await expectPaymentError(
      sendPayment(
        base(
          {
            sourceAmount: 10_000n,
            sendPrepare: connectorHop(deliver, { maxPacketAmount: 1000n }),
            congestion: { maxInFlight: 1 },
          },
          credentials,
        ),
      ),
      'CLOSED_BY_RECEIVER',
    );
    expect(total()).toBe(3000n);
    expect(error.progress).toMatchObject({ sent: 3000n, delivered: 3000n, packets: 3 });
  });
});

describe('sendPayment failures', () => {
  const { credentials, deliver } = setup();

  it('refuses a probed rate below the minimum before sending any money', async () => {
    const link = recorder(connectorHop(deliver, { rate: [1n, 2n] }), credentials.sharedSecret);
    const error = await expectPaymentError(
      sendPayment(base({ sourceAmount: 1000n, minExchangeRate: 0.6, sendPrepare: link.send }, credentials)),
      'INSUFFICIENT_EXCHANGE_RATE',
    );
    expect(link.prepares).toHaveLength(0);
    const progress = error.progress as PaymentProgress;
    expect(progress.sent).toBe(0n);
    // 0.5, measured with probes no larger than the payment itself.
    expect(progress.exchangeRate!.numerator * 2n).toBe(progress.exchangeRate!.denominator);
  });

  it('fails with INSUFFICIENT_EXCHANGE_RATE when the rate drops after the probe', async () => {
    let probes = 0;
    const dropping: SendPrepare = async (prepare) => {
      const packet = decodeStreamPacket(decrypt(encryptionKey(credentials.sharedSecret), prepare.data));
      const probing = packet.frames.some((frame) => frame.type === FrameType.ConnectionNewAddress);
      if (probing) probes++;
      return deliver({ ...prepare, amount: probing ? prepare.amount : prepare.amount / 2n });
    };
    const error = await expectPaymentError(
      sendPayment(base({ sourceAmount: 1000n, minExchangeRate: 0.99, sendPrepare: dropping }, credentials)),
      'INSUFFICIENT_EXCHANGE_RATE',
    );
    expect(probes).toBeGreaterThan(0);
    expect(error.reject?.code).toBe('F99');
    expect(error.progress).toMatchObject({ sent: 0n, delivered: 0n });
  });

  it('reports a final connector reject with its code', async () => {
    const unreachable: SendPrepare = async () => ({
      code: 'F02',
      triggeredBy: 'test.x',
      message: 'no route',
      data: Buffer.alloc(0),
    });
    const error = await expectPaymentError(
      sendPayment(base({ sourceAmount: 1000n, sendPrepare: unreachable }, credentials)),
      'CONNECTOR_ERROR',
    );
    expect(error.reject).toMatchObject({ code: 'F02', triggeredBy: 'test.x' });
  });

  it('fails with RATE_PROBE_FAILED when the receiver never answers with STREAM data', async () => {
    const wrongSecret = { ...credentials, sharedSecret: Buffer.alloc(32, 99) };
    await expectPaymentError(
      sendPayment(base({ sourceAmount: 1000n, sendPrepare: deliver }, wrongSecret)),
      'CONNECTOR_ERROR',
    );
    const silentF99: SendPrepare = async () => ({
      code: 'F99',
      triggeredBy: 'test.x',
      message: '',
      data: Buffer.alloc(0),
    });
    await expectPaymentError(
      sendPayment(base({ sourceAmount: 1000n, sendPrepare: silentF99 }, credentials)),
      'RATE_PROBE_FAILED',
    );
  });

  it('fails with MAX_PACKET_AMOUNT_ZERO when F08 allows nothing', async () => {
    await expectPaymentError(
      sendPayment(
        base({ sourceAmount: 1000n, sendPrepare: connectorHop(deliver, { maxPacketAmount: 0n }) }, credentials),
      ),
      'MAX_PACKET_AMOUNT_ZERO',
    );
  });

  it('gives up after too many temporary failures, backing off in between', async () => {
    let calls = 0;
    const busy: SendPrepare = async (prepare) => {
      const packet = decodeStreamPacket(decrypt(encryptionKey(credentials.sharedSecret), prepare.data));
      if (packet.frames.some((frame) => frame.type === FrameType.ConnectionNewAddress)) return deliver(prepare);
      calls++;
      if (calls % 2) throw new Error('link down');
      return { code: 'T01', triggeredBy: 'test.x', message: '', data: Buffer.alloc(0) };
    };
    const started = Date.now();
    const error = await expectPaymentError(
      sendPayment(
        base(
          { sourceAmount: 1000n, sendPrepare: busy, maxConsecutiveFailures: 5, congestion: { initialBackoffMs: 2 } },
          credentials,
        ),
      ),
      'TOO_MANY_FAILURES',
    );
    expect(calls).toBe(6);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2 + 4 + 8 + 16 + 32);
    expect(error.progress).toMatchObject({ sent: 0n, rejectedPackets: 6 });
  });

  it('aborts on the signal after settling packets in flight', async () => {
    const controller = new AbortController();
    const { credentials: c2, total, deliver: d2 } = setup();
    let fulfilled = 0;
    const slow: SendPrepare = async (prepare) => {
      await new Promise((resolve) => setTimeout(resolve, 2));
      const reply = await d2(prepare);
      if (isFulfill(reply) && prepare.amount > 0n && ++fulfilled === 5) controller.abort();
      return reply;
    };
    const error = await expectPaymentError(
      sendPayment(
        base(
          {
            sourceAmount: 100_000n,
            signal: controller.signal,
            sendPrepare: connectorHop(slow, { maxPacketAmount: 100n }),
          },
          c2,
        ),
      ),
      'ABORTED',
    );
    const progress = error.progress as PaymentProgress;
    expect(progress.sent).toBe(total());
    expect(progress.sent).toBeGreaterThanOrEqual(500n);
    expect(progress.inFlight.packets).toBe(0);
  });

  it('validates its options', async () => {
    await expectPaymentError(sendPayment(base({ sendPrepare: deliver }, credentials)), 'INVALID_OPTIONS');
    await expectPaymentError(
      sendPayment(base({ sourceAmount: -1n, sendPrepare: deliver }, credentials)),
      'INVALID_OPTIONS',
    );
    await expectPaymentError(
      sendPayment(base({ minDeliveryAmount: 5n, minExchangeRate: 0, sendPrepare: deliver }, credentials)),
      'INVALID_OPTIONS',
    );
    await expectPaymentError(
      sendPayment(base({ sourceAmount: 5n, minExchangeRate: 'abc', sendPrepare: deliver }, credentials)),
      'INVALID_OPTIONS',
    );
    await expectPaymentError(
      sendPayment(
        base({ sourceAmount: 5n, sendPrepare: deliver }, { ilpAddress: 'bad', sharedSecret: credentials.sharedSecret }),
      ),
      'INVALID_OPTIONS',
    );
  });

  it('returns at once for a zero amount', async () => {
    const never: SendPrepare = () => Promise.reject(new Error('should not send'));
    await expect(sendPayment(base({ sourceAmount: 0n, sendPrepare: never }, credentials))).resolves.toMatchObject({
      sent: 0n,
      packets: 0,
    });
  });
});
