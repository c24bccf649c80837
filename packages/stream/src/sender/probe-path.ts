// Quoting needs what a payment would learn before sending money: the end-to-end exchange rate, the path's maximum
// packet amount and the receiver's asset. This runs only the probe phase of a payment; no money moves.
import { StreamPaymentError } from '../errors';
import type { AssetDetails } from '../token';
import { CongestionController } from './congestion';
import { StreamClient, type SendPrepare } from './packet';
import { probeExchangeRate } from './probe';
import type { Ratio } from './ratio';
import { ConnectionState } from './state';

export interface ProbePathOptions {
  destinationAddress: string;
  sharedSecret: Buffer;
  sendPrepare: SendPrepare;
  signal?: AbortSignal;
  expiryMs?: number;
}

export interface PathProbe {
  /** Destination units per source unit, as delivered end to end (every connector's FX and spread included). */
  exchangeRate: Ratio;
  /** Largest source amount a packet may carry on this path (2^64−1 when no hop limited it). */
  maxPacketAmount: bigint;
  /** The receiver's asset, when it told us. */
  destinationAsset?: AssetDetails;
}

export async function probePath(options: ProbePathOptions): Promise<PathProbe> {
  const client = new StreamClient(
    options.destinationAddress,
    options.sharedSecret,
    options.sendPrepare,
    options.expiryMs ?? 30_000,
  );
  const congestion = new CongestionController();
  const state = new ConnectionState();
  const checkAborted = (): void => {
    if (options.signal?.aborted) throw new StreamPaymentError('ABORTED', 'probe aborted');
  };
  const sleep = async (ms: number): Promise<void> => {
    await new Promise((resolve) => setTimeout(resolve, ms));
    checkAborted();
  };
  const exchangeRate = await probeExchangeRate({ client, congestion, state, sourceAddress: '', sleep, checkAborted });
  return { exchangeRate, maxPacketAmount: congestion.maxPacketAmount, destinationAsset: state.destinationAsset };
}
