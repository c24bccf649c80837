// The payment engine (RFC 0029, PROTOCOLS.md §4.7): probe the rate, then split the payment into packets under a
// congestion window until the source amount is sent (fixed send) or the minimum is delivered (fixed delivery). It runs
// over a StreamClient it is given, so sendPayment (a connection of its own) and StreamConnection.pay share it.
//
// Money invariants, each enforced where the packet amount is chosen (nextPacket):
//   * sent + in flight never exceeds the source cap, so no reply order or retry can overspend;
//   * every Prepare carries prepareAmount = ceil(amount × minExchangeRate), so a receiver following RFC 0029 cannot
//     accept a packet that delivers less than that;
//   * totals only change when a reply arrives, and every reply is counted exactly once, even after an error or abort.
import { MAX_UINT64 } from '@sluice/ilp';
import { StreamPaymentError } from '../errors';
import { FrameType, type Frame } from '../frames';
import { IlpErrorCode } from '../ilp';
import type { AssetDetails } from '../token';
import { CongestionController, type CongestionOptions } from './congestion';
import type { StreamClient, StreamOutcome } from './packet';
import { probeExchangeRate, reducedMaximum } from './probe';
import {
  ceilDiv,
  compare,
  divideCeil,
  divideFloor,
  multiplyCeil,
  multiplyFloor,
  ratio,
  toRatio,
  type Ratio,
} from './ratio';
import { ConnectionState } from './state';

/** RFC 0029 §5.2: at most 2^31 packets per shared secret (AES-GCM with random IVs). */
const ENCRYPTION_LIMIT = 2n ** 31n;

/** The amounts, rate and pacing of one payment (the connection it runs on is given separately). */
export interface PaymentOptions {
  /** Fixed send: send exactly this much (source units). With minDeliveryAmount it is only the cap. */
  sourceAmount?: bigint;
  /** Fixed delivery: stop once the receiver got at least this much (destination units). */
  minDeliveryAmount?: bigint;
  /**
   * Lowest acceptable rate, destination units per source unit, slippage already applied (e.g. 0.99 for same-asset
   * with 1 % slippage). Decimal numbers/strings are taken exactly (0.99 = 99/100). 0 accepts any rate (fixed send only).
   */
  minExchangeRate: number | string | Ratio;
  /**
   * The path's rate, when the caller knows it (a receiver behind its own connector in the sending asset: one for one):
   * no rate probes are sent. Packets are still refused below their minimum, whatever this says.
   */
  knownExchangeRate?: Ratio;
  signal?: AbortSignal;
  onProgress?: (progress: PaymentProgress) => void;
  /** Temporary failures in a row before giving up (default 50). */
  maxConsecutiveFailures?: number;
  congestion?: CongestionOptions;
}

export interface PaymentProgress {
  /** Source amount of fulfilled packets. */
  sent: bigint;
  /** Destination amount the receiver reported for fulfilled packets (at least each packet's minimum). */
  delivered: bigint;
  /** Fulfilled packets (rate probes excluded). */
  packets: number;
  /** Rejected money packets (rate probes excluded). */
  rejectedPackets: number;
  inFlight: { packets: number; sourceAmount: bigint };
  /** Rate measured by the probes, destination per source unit. */
  exchangeRate?: Ratio;
  /** Path maximum learned from F08 replies (2^64−1 when none). */
  maxPacketAmount: bigint;
  destinationAsset?: AssetDetails;
  /** Latest STREAM receipt (RFC 0039) the receiver sent, if any. */
  receipt?: Buffer;
}

/** Frames a connection adds to one money packet (its data), and how it learns what became of that packet. */
export interface PacketAttachment {
  frames: Frame[];
  /** Called exactly once with the packet's outcome. */
  settle(outcome: StreamOutcome): void;
}

/** The connection a payment runs on. */
export interface PaymentLink {
  client: StreamClient;
  /** Stream the money goes on. */
  streamId: bigint;
  /** Our address, announced in the rate probes ("" asks the receiver for its asset details only). */
  sourceAddress: string;
  /** Extra frames for the next money packet, if the connection has any. */
  attach?(): PacketAttachment | undefined;
  /** A close of the connection (or of this stream) the peer sent outside this payment's replies. */
  closedByPeer?(): { errorCode: number; errorMessage: string } | undefined;
}

interface PlannedPacket {
  amount: bigint;
  minimum: bigint;
}

export async function runPayment(options: PaymentOptions, link: PaymentLink): Promise<PaymentProgress> {
  const minRate = validatePayment(options);
  const { signal } = options;
  const fixedDelivery = options.minDeliveryAmount !== undefined;
  const deliveryTarget = options.minDeliveryAmount ?? 0n;
  // Fixed delivery without an explicit cap: the most the minimum rate can require (as @interledger/pay computes it).
  const sourceCap = options.sourceAmount ?? (fixedDelivery ? divideFloor(deliveryTarget, minRate) + 1n : 0n);

  const { client } = link;
  const congestion = new CongestionController(options.congestion);
  const state = new ConnectionState(link.streamId);
  const maxFailures = options.maxConsecutiveFailures ?? 50;

  let sent = 0n;
  let delivered = 0n;
  let packets = 0;
  let rejectedPackets = 0;
  let inFlightPackets = 0;
  let inFlightSource = 0n;
  let inFlightMinimum = 0n;
  let consecutiveFailures = 0;
  let consecutiveDeclines = 0;
  let pausedUntil = 0;
  let exchangeRate: Ratio | undefined;
  /**
   * A strict upper bound of the path's rate: a packet of s that delivered d (a connector rounds down) shows the rate
   * is below (d + 1) / s. Tightened by every reply that says how much arrived.
   */
  let rateUpperBound: Ratio | undefined;
  const observeDelivery = (sent: bigint, arrived: bigint): void => {
    if (sent <= 0n) return;
    const bound = ratio(arrived + 1n, sent);
    if (!rateUpperBound || compare(bound, rateUpperBound) < 0) rateUpperBound = bound;
  };
  let failure: StreamPaymentError | undefined;

  const progress = (): PaymentProgress => ({
    sent,
    delivered,
    packets,
    rejectedPackets,
    inFlight: { packets: inFlightPackets, sourceAmount: inFlightSource },
    exchangeRate,
    maxPacketAmount: congestion.maxPacketAmount,
    destinationAsset: state.destinationAsset,
    receipt: state.receipt,
  });
  const report = (): void => {
    try {
      options.onProgress?.(progress());
    } catch {
      // A faulty progress callback must not corrupt the accounting.
    }
  };
  const fail = (error: StreamPaymentError): void => {
    failure ??= error;
  };
  /** The receiver closed the connection or our stream, in a reply or (on a connection) in a Prepare of its own. */
  const closedByReceiver = (): StreamPaymentError | undefined => {
    const closedBy = state.closedBy ?? link.closedByPeer?.();
    if (!closedBy) return undefined;
    return new StreamPaymentError(
      'CLOSED_BY_RECEIVER',
      `the receiver closed the connection (code ${closedBy.errorCode})`,
    );
  };
  const done = (): boolean => (fixedDelivery ? delivered >= deliveryTarget : sent >= sourceCap);

  const aborted = new Promise<void>((resolve) => {
    if (signal?.aborted) resolve();
    signal?.addEventListener('abort', () => resolve(), { once: true });
  });
  const sleep = async (ms: number): Promise<void> => {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([new Promise<void>((resolve) => (timer = setTimeout(resolve, ms))), aborted]);
    clearTimeout(timer);
    checkAborted();
  };
  const checkAborted = (): void => {
    if (signal?.aborted) throw new StreamPaymentError('ABORTED', 'payment aborted');
  };

  /** The next packet to send, or undefined if nothing should be sent now. */
  const nextPacket = (rate: Ratio): PlannedPacket | undefined => {
    const available = sourceCap - sent - inFlightSource;
    if (available <= 0n) return undefined;
    let amount = min(available, congestion.nextPacketLimit);
    // The smallest packet sure to meet its own minimum at the probed rate (undefined: no such bound).
    const viable = viableAmount(rate, minRate);
    // Shrinking after T04 stops there (when the path carries that much): a smaller packet could arrive below its
    // minimum, ending the payment as if the rate had dropped when a hop only lacked liquidity for a while.
    if (viable !== undefined && amount < viable && viable <= congestion.maxPacketAmount) {
      amount = min(available, viable);
    }

    if (fixedDelivery) {
      const remaining = deliveryTarget - delivered - inFlightMinimum;
      if (remaining <= 0n) return undefined;
      // Enough to complete the delivery at the probed rate (a packet that falls short is followed by another one);
      // never less than a viable packet. Sizing at the minimum rate instead would overshoot by the whole slippage:
      // declined by a receiver that expects an exact amount (an incoming payment), or overpaid to one that does not.
      const needed = max(divideCeil(remaining, rate), viable ?? 1n);
      amount = min(amount, needed);
    } else {
      // Do not leave a remainder too small to meet its own minimum at the probed rate.
      const leftover = available - amount;
      if (viable !== undefined && leftover > 0n && !isViable(leftover, rate, minRate)) {
        if (available <= congestion.nextPacketLimit) amount = available;
        else if (amount - (viable - leftover) > 0n) amount -= viable - leftover;
      }
    }

    // Respect the receiver's advertised limit on our stream.
    if (state.receiveMax !== undefined && state.receiveMax < MAX_UINT64) {
      const room = state.receiveMax - max(state.remoteReceived, delivered) - inFlightMinimum;
      // The largest amount that cannot deliver more than the room: floor(amount × r) ≤ room for every rate r below
      // the observed upper bound. Dividing by the estimated rate instead can overshoot (declined, and sent again
      // forever) or, rounded down, leave a last unit that only a packet too small to cross the exchange could carry.
      const fits =
        room <= 0n
          ? 0n
          : rateUpperBound
            ? divideCeil(room + 1n, rateUpperBound) - 1n
            : rate.numerator > 0n
              ? divideFloor(room, rate)
              : 0n;
      if (fits <= 0n) {
        if (inFlightPackets === 0) fail(new StreamPaymentError('RECEIVER_REFUSED', 'the receiver can receive no more'));
        return undefined;
      }
      amount = min(amount, fits);
    }
    let minimum = multiplyCeil(amount, minRate);
    if (fixedDelivery) {
      // A packet that completes the delivery only has to carry what is missing: with a flooring exchange the last
      // few units may cost more than minRate allows per packet, yet the payment as a whole stays within its source
      // budget (sourceCap) and its minimum delivery, which is what the rate guarantee is about.
      const missing = deliveryTarget - delivered - inFlightMinimum;
      if (missing < minimum) minimum = missing;
    }
    return { amount, minimum };
  };

  const temporaryFailure = (): void => {
    consecutiveFailures++;
    if (consecutiveFailures > maxFailures) {
      fail(new StreamPaymentError('TOO_MANY_FAILURES', `${consecutiveFailures} temporary failures in a row`));
    }
    pausedUntil = Date.now() + congestion.nextBackoff();
  };

  const settle = (packet: PlannedPacket, outcome: StreamOutcome): void => {
    inFlightPackets--;
    inFlightSource -= packet.amount;
    inFlightMinimum -= packet.minimum;
    switch (outcome.kind) {
      case 'fulfill': {
        const reported = outcome.reply?.prepareAmount;
        if (reported !== undefined) observeDelivery(packet.amount, reported);
        sent += packet.amount;
        delivered += reported !== undefined && reported > packet.minimum ? reported : packet.minimum;
        packets++;
        consecutiveFailures = 0;
        consecutiveDeclines = 0;
        congestion.onFulfill(packet.amount);
        state.apply(outcome.reply);
        if (reported !== undefined && reported < packet.minimum) {
          fail(new StreamPaymentError('RECEIVER_PROTOCOL_VIOLATION', 'a packet was fulfilled below its minimum'));
        }
        break;
      }
      case 'reject': {
        rejectedPackets++;
        const { reject, reply } = outcome;
        state.apply(reply);
        if (reply) observeDelivery(packet.amount, reply.prepareAmount);
        if (reject.code === IlpErrorCode.F99_APPLICATION_ERROR) {
          if (reply && reply.prepareAmount < packet.minimum) {
            fail(
              new StreamPaymentError(
                'INSUFFICIENT_EXCHANGE_RATE',
                'a packet arrived below its minimum: the rate dropped',
                reject,
              ),
            );
          } else if (!state.closedBy && !hasMaxMoney(reply)) {
            fail(new StreamPaymentError('RECEIVER_REFUSED', 'the receiver rejected the packet', reject));
          } else if (++consecutiveDeclines > 2) {
            // Declined at its limit again and again although each retry is sized to fit: back off (and give up
            // eventually) instead of spinning.
            temporaryFailure();
          }
        } else if (reject.code === IlpErrorCode.F08_AMOUNT_TOO_LARGE) {
          const maximum = reducedMaximum(packet.amount, reject.data);
          if (maximum <= 0n)
            fail(new StreamPaymentError('MAX_PACKET_AMOUNT_ZERO', 'the path cannot carry any amount', reject));
          else congestion.onAmountTooLarge(maximum);
        } else if (reject.code.startsWith('T')) {
          if (reject.code === IlpErrorCode.T04_INSUFFICIENT_LIQUIDITY)
            congestion.onInsufficientLiquidity(packet.amount);
          temporaryFailure();
        } else {
          fail(new StreamPaymentError('CONNECTOR_ERROR', `packet rejected with ${reject.code}`, reject));
        }
        break;
      }
      case 'invalid-fulfillment':
        rejectedPackets++;
        fail(new StreamPaymentError('RECEIVER_PROTOCOL_VIOLATION', 'the fulfillment does not match the condition'));
        break;
      case 'link-error':
        rejectedPackets++;
        temporaryFailure();
        break;
    }
    const closed = closedByReceiver();
    if (closed) fail(closed);
    report();
  };

  const inFlight = new Set<Promise<void>>();
  const launch = (packet: PlannedPacket): void => {
    inFlightPackets++;
    inFlightSource += packet.amount;
    inFlightMinimum += packet.minimum;
    const attachment = link.attach?.();
    const request = client.send({
      sourceAmount: packet.amount,
      minDestinationAmount: packet.minimum,
      frames: [{ type: FrameType.StreamMoney, streamId: link.streamId, shares: 1n }, ...(attachment?.frames ?? [])],
      fulfillable: true,
    });
    const settled: Promise<void> = request.then((outcome) => {
      inFlight.delete(settled);
      attachment?.settle(outcome);
      settle(packet, outcome);
    });
    inFlight.add(settled);
    report();
  };

  try {
    if (done()) return progress();
    const rate =
      options.knownExchangeRate ??
      (await probeExchangeRate({
        client,
        congestion,
        state,
        sourceAddress: link.sourceAddress,
        maxAmount: sourceCap,
        sleep,
        checkAborted,
      }));
    exchangeRate = rate;
    observeDelivery(rate.denominator, rate.numerator);
    if (compare(rate, minRate) < 0) {
      throw new StreamPaymentError(
        'INSUFFICIENT_EXCHANGE_RATE',
        `probed rate ${fmt(rate)} is below the minimum ${fmt(minRate)}`,
      );
    }
    report();

    while (!failure && !done()) {
      const closed = closedByReceiver();
      if (closed) fail(closed);
      else if (signal?.aborted) fail(new StreamPaymentError('ABORTED', 'payment aborted'));
      else if (client.packetsSent >= ENCRYPTION_LIMIT)
        fail(new StreamPaymentError('ENCRYPTION_LIMIT', 'packet limit reached'));
      if (failure) break;

      const wait = pausedUntil - Date.now();
      if (wait > 0) {
        await Promise.race([sleepQuietly(wait), aborted, ...inFlight]);
        continue;
      }
      while (inFlight.size < congestion.window) {
        const packet = nextPacket(rate);
        if (!packet) break;
        launch(packet);
      }
      if (inFlight.size === 0) {
        // Nothing to send and nothing to wait for, yet not done: only a receiver limit or the cap can cause this.
        fail(
          failure ??
            new StreamPaymentError(
              'INSUFFICIENT_EXCHANGE_RATE',
              'the source amount cannot deliver the minimum at this rate',
            ),
        );
        break;
      }
      await Promise.race([aborted, ...inFlight]);
    }
  } catch (error) {
    if (!(error instanceof StreamPaymentError)) throw error;
    fail(error);
  }
  // Every Prepare we sent may still move money: wait for all replies so the totals are exact.
  await Promise.all(inFlight);
  if (failure) {
    failure.progress = progress();
    throw failure;
  }
  return progress();
}

function validatePayment(options: PaymentOptions): Ratio {
  const invalid = (message: string) => new StreamPaymentError('INVALID_OPTIONS', message);
  const { sourceAmount, minDeliveryAmount } = options;
  if (sourceAmount === undefined && minDeliveryAmount === undefined)
    throw invalid('sourceAmount or minDeliveryAmount is required');
  if (sourceAmount !== undefined && (sourceAmount < 0n || sourceAmount > MAX_UINT64))
    throw invalid('sourceAmount out of range');
  if (minDeliveryAmount !== undefined && (minDeliveryAmount < 0n || minDeliveryAmount > MAX_UINT64)) {
    throw invalid('minDeliveryAmount out of range');
  }
  let rate: Ratio;
  try {
    rate = toRatio(options.minExchangeRate);
  } catch {
    throw invalid(`invalid minExchangeRate: ${String(options.minExchangeRate)}`);
  }
  if (minDeliveryAmount !== undefined && sourceAmount === undefined && rate.numerator === 0n) {
    throw invalid('a fixed delivery needs a positive minExchangeRate');
  }
  const known = options.knownExchangeRate;
  if (known !== undefined && !(known.numerator > 0n && known.denominator > 0n)) {
    throw invalid('knownExchangeRate must be a positive ratio');
  }
  return rate;
}

/** Whether `amount` at the probed rate still meets its own minimum: floor(amount × rate) ≥ ceil(amount × minRate). */
function isViable(amount: bigint, rate: Ratio, minRate: Ratio): boolean {
  return multiplyFloor(amount, rate) >= multiplyCeil(amount, minRate);
}

/**
 * An amount above which every packet is viable: x(rate − minRate) ≥ 1 ⇒ floor(x·rate) ≥ ceil(x·minRate).
 * Undefined when the rates are equal (then only exact multiples are viable and we do not adjust).
 */
function viableAmount(rate: Ratio, minRate: Ratio): bigint | undefined {
  const difference = rate.numerator * minRate.denominator - minRate.numerator * rate.denominator;
  if (difference <= 0n) return undefined;
  return ceilDiv(rate.denominator * minRate.denominator, difference);
}

function hasMaxMoney(reply: { frames: { type: number }[] } | undefined): boolean {
  return !!reply?.frames.some((frame) => frame.type === FrameType.StreamMaxMoney);
}

function sleepQuietly(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function min(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

function max(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}

function fmt(rate: Ratio): string {
  return `${rate.numerator}/${rate.denominator}`;
}
