// sendPayment: one payment on a connection of its own (RFC 0029, PROTOCOLS.md §4.7). The engine is in payment.ts;
// this only opens the connection, and closes it afterwards when asked to.
import { StreamPaymentError } from '../errors';
import { isValidIlpAddress } from '../ilp';
import { CongestionController } from './congestion';
import { closeFrames, sendClosePacket } from './close';
import { StreamClient, type SendPrepare } from './packet';
import { runPayment, type PaymentOptions, type PaymentProgress } from './payment';
import { STREAM_ID } from './state';

export type { PaymentOptions, PaymentProgress } from './payment';

export interface SendPaymentOptions extends PaymentOptions {
  /** The receiver's ILP address from its credentials (SPSP / Open Payments). */
  destinationAddress: string;
  /** The 32-byte STREAM shared secret from the same credentials. */
  sharedSecret: Buffer;
  /** The only I/O: send one Prepare on the ILP link and resolve with its reply (by its expiry at the latest). */
  sendPrepare: SendPrepare;
  /** Our ILP address for ConnectionNewAddress; "" (the default) just asks the receiver for its asset details. */
  sourceAddress?: string;
  /** Prepare lifetime (default 30 s, as ilp-protocol-stream). */
  expiryMs?: number;
  /**
   * When the payment is over (finished or failed), send a last zero-amount packet with StreamClose and
   * ConnectionClose(NoError), as ilp-protocol-stream's client does on end(), so the receiver can let the connection go.
   * Skipped when the receiver closed first or nothing was sent. Default false: stateless receivers need no close.
   */
  closeConnection?: boolean;
}

export async function sendPayment(options: SendPaymentOptions): Promise<PaymentProgress> {
  if (!isValidIlpAddress(options.destinationAddress)) {
    throw new StreamPaymentError('INVALID_OPTIONS', 'invalid destination address');
  }
  if (options.sharedSecret.length !== 32)
    throw new StreamPaymentError('INVALID_OPTIONS', 'shared secret must be 32 bytes');
  const client = new StreamClient(
    options.destinationAddress,
    options.sharedSecret,
    options.sendPrepare,
    options.expiryMs ?? 30_000,
  );
  const link = { client, streamId: STREAM_ID, sourceAddress: options.sourceAddress ?? '' };
  if (!options.closeConnection) return runPayment(options, link);

  let closedByReceiver = false;
  try {
    return await runPayment(options, link);
  } catch (error) {
    closedByReceiver = error instanceof StreamPaymentError && error.code === 'CLOSED_BY_RECEIVER';
    throw error;
  } finally {
    if (!closedByReceiver && client.packetsSent > 0n) {
      const backoff = new CongestionController(options.congestion);
      await sendClosePacket(client, closeFrames([STREAM_ID]), () => backoff.nextBackoff());
    }
  }
}
