// What the sender has learned about the connection from the receiver's authentic STREAM replies.
import { FrameType, type StreamPacket } from '../frames';
import { decodeReceipt } from '../receipt';
import type { AssetDetails } from '../token';

/** The stream a payment uses unless told otherwise (client-opened streams are odd; the first is 1). */
export const STREAM_ID = 1n;

/** What one payment learned; `streamId` is the stream its money goes on. */
export class ConnectionState {
  destinationAsset?: AssetDetails;
  /** Set when the receiver closed the connection or our stream. */
  closedBy?: { errorCode: number; errorMessage: string };
  /** The receiver's StreamMaxMoney for our stream: both only grow (RFC 0029 flow control). */
  receiveMax?: bigint;
  remoteReceived = 0n;
  /** Latest receipt (largest totalReceived) the receiver sent. */
  receipt?: Buffer;
  private receiptTotal = -1n;

  constructor(readonly streamId: bigint = STREAM_ID) {}

  apply(reply: StreamPacket | undefined): void {
    if (!reply) return;
    for (const frame of reply.frames) {
      switch (frame.type) {
        case FrameType.ConnectionClose:
          this.closedBy ??= { errorCode: frame.errorCode, errorMessage: frame.errorMessage };
          break;
        case FrameType.StreamClose:
          if (frame.streamId === this.streamId)
            this.closedBy ??= { errorCode: frame.errorCode, errorMessage: frame.errorMessage };
          break;
        case FrameType.ConnectionAssetDetails:
          this.destinationAsset ??= { code: frame.sourceAssetCode, scale: frame.sourceAssetScale };
          break;
        case FrameType.StreamMaxMoney:
          if (frame.streamId !== this.streamId) break;
          if (this.receiveMax === undefined || frame.receiveMax > this.receiveMax) this.receiveMax = frame.receiveMax;
          if (frame.totalReceived > this.remoteReceived) this.remoteReceived = frame.totalReceived;
          break;
        case FrameType.StreamReceipt:
          this.keepReceipt(frame.receipt);
          break;
        default:
          break;
      }
    }
  }

  private keepReceipt(bytes: Buffer): void {
    try {
      const { totalReceived } = decodeReceipt(bytes);
      if (totalReceived > this.receiptTotal) {
        this.receiptTotal = totalReceived;
        this.receipt = bytes;
      }
    } catch {
      // Not a receipt we can read: the verifier would reject it too.
    }
  }
}
