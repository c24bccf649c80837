// Rate probing (RFC 0029 §3.4, PROTOCOLS.md §4.7): unfulfillable Prepares, so no money moves; the receiver's F99
// reply says how much arrived. F08 replies on the way reveal the path's maximum packet amount, which is probed next
// so the rate is measured with the most significant digits the path allows.
import { StreamPaymentError } from '../errors';
import { FrameType } from '../frames';
import { deserializeAmountTooLargeData, IlpErrorCode } from '../ilp';
import type { CongestionController } from './congestion';
import type { StreamClient } from './packet';
import { ratio, type Ratio } from './ratio';
import type { ConnectionState } from './state';

const INITIAL_PROBES = [10n ** 12n, 10n ** 9n, 10n ** 6n, 10n ** 3n, 1n];
/**
 * Delivered units that make a measurement precise enough (five significant digits): once a probe delivered this much,
 * larger probes that hit liquidity limits (T04) on the way are not worth retrying smaller.
 */
const PRECISE_DELIVERY = 10n ** 5n;
const MAX_ROUNDS = 12;

export interface ProbeContext {
  client: StreamClient;
  congestion: CongestionController;
  state: ConnectionState;
  sourceAddress: string;
  /**
   * Largest amount worth probing: a payment never sends more than its source amount, and probing above it would
   * only meet the sender's own balance limits (T04) on the way.
   */
  maxAmount?: bigint;
  /** Resolves after `ms`, or rejects with ABORTED. */
  sleep(ms: number): Promise<void>;
  checkAborted(): void;
}

/** Source amount that F08 says fits: floor(sent × maximum / received), or sent − 1 when the data is unusable. */
export function reducedMaximum(sent: bigint, data: Buffer): bigint {
  const amounts = deserializeAmountTooLargeData(data);
  if (amounts && amounts.receivedAmount > amounts.maximumAmount) {
    return (sent * amounts.maximumAmount) / amounts.receivedAmount;
  }
  return sent - 1n;
}

/** Returns the probed exchange rate (destination units per source unit). */
export async function probeExchangeRate(context: ProbeContext): Promise<Ratio> {
  const { client, congestion, state } = context;
  let best: { sent: bigint; delivered: bigint } | undefined;
  const cap = context.maxAmount;
  let amounts =
    cap === undefined || cap <= 0n
      ? INITIAL_PROBES
      : [...new Set([cap, ...INITIAL_PROBES.filter((amount) => amount < cap)])];
  for (let round = 0; round < MAX_ROUNDS && amounts.length > 0; round++) {
    context.checkAborted();
    const next = new Set<bigint>();
    let temporary = false;
    const outcomes = await Promise.all(
      amounts.map(async (amount) => ({
        amount,
        outcome: await client.send({
          sourceAmount: amount,
          minDestinationAmount: 0n,
          // Announcing an address makes receivers reply with their asset details ("" as @interledger/pay does when
          // it has no address of its own to offer).
          frames: [{ type: FrameType.ConnectionNewAddress, sourceAccount: context.sourceAddress }],
          fulfillable: false,
        }),
      })),
    );
    // Measurements first, so the temporary failures below can be judged against the best one of this volley.
    for (const { amount, outcome } of outcomes) {
      if (outcome.kind === 'reject' && outcome.reply && (!best || amount > best.sent)) {
        best = { sent: amount, delivered: outcome.reply.prepareAmount };
      }
    }
    for (const { amount, outcome } of outcomes) {
      if (outcome.kind === 'link-error') {
        temporary = true;
        next.add(amount);
        continue;
      }
      if (outcome.kind !== 'reject') continue; // a probe cannot be fulfilled: ignore anything else
      const { reject, reply } = outcome;
      state.apply(reply);
      if (reply) {
        continue;
      } else if (reject.code === IlpErrorCode.F08_AMOUNT_TOO_LARGE) {
        const maximum = reducedMaximum(amount, reject.data);
        if (maximum <= 0n)
          throw new StreamPaymentError('MAX_PACKET_AMOUNT_ZERO', 'the path cannot carry any amount', reject);
        congestion.onAmountTooLarge(maximum);
        next.add(maximum);
      } else if (
        reject.code === IlpErrorCode.T04_INSUFFICIENT_LIQUIDITY &&
        best !== undefined &&
        best.delivered >= PRECISE_DELIVERY
      ) {
        continue;
      } else if (reject.code.startsWith('T')) {
        temporary = true;
        next.add(reject.code === IlpErrorCode.T04_INSUFFICIENT_LIQUIDITY ? amount - amount / 3n || 1n : amount);
      } else if (reject.code === IlpErrorCode.R01_INSUFFICIENT_SOURCE_AMOUNT) {
        // Too small to survive an exchange on the way; larger probes in the same volley can still measure the rate.
        continue;
      } else if (reject.code !== IlpErrorCode.F99_APPLICATION_ERROR) {
        throw new StreamPaymentError('CONNECTOR_ERROR', `rate probe rejected with ${reject.code}`, reject);
      }
    }
    if (state.closedBy) throw new StreamPaymentError('CLOSED_BY_RECEIVER', 'the receiver closed the connection');
    // Only amounts larger than the best measured one (and within the path maximum) can improve precision.
    amounts = [...next].filter((amount) => amount <= congestion.maxPacketAmount && (!best || amount > best.sent));
    if (temporary && amounts.length > 0) await context.sleep(congestion.nextBackoff());
  }
  if (!best)
    throw new StreamPaymentError('RATE_PROBE_FAILED', 'no rate probe got an authentic reply from the receiver');
  return ratio(best.delivered, best.sent);
}
