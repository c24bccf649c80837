// The last packet of a connection (RFC 0029 §4.4.5, §4.6): StreamClose for each of our open streams and
// ConnectionClose(NoError), as ilp-protocol-stream's client sends on end(). Zero amount and fulfillable: any authentic
// reply acknowledges it (receivers answer with a Fulfill or, as @interledger/stream-receiver does, with F99).
import { FrameType, StreamErrorCode, type Frame } from '../frames';
import type { StreamClient } from './packet';

/** Attempts when the close meets temporary failures (T rejects, link errors); closing is best effort after that. */
const CLOSE_ATTEMPTS = 3;

export function closeFrames(streamIds: readonly bigint[]): Frame[] {
  return [
    ...streamIds.map((streamId): Frame => ({
      type: FrameType.StreamClose,
      streamId,
      errorCode: StreamErrorCode.NoError,
      errorMessage: '',
    })),
    { type: FrameType.ConnectionClose, errorCode: StreamErrorCode.NoError, errorMessage: '' },
  ];
}

/** Sends the close; resolves whether the peer acknowledged it. Never throws: the connection is over either way. */
export async function sendClosePacket(
  client: StreamClient,
  frames: Frame[],
  backoffMs: (attempt: number) => number,
): Promise<boolean> {
  for (let attempt = 1; ; attempt++) {
    const outcome = await client.send({ sourceAmount: 0n, minDestinationAmount: 0n, frames, fulfillable: true });
    if (outcome.kind === 'fulfill' || (outcome.kind === 'reject' && outcome.reply)) return true;
    const temporary =
      outcome.kind === 'link-error' || (outcome.kind === 'reject' && outcome.reject.code.startsWith('T'));
    if (!temporary || attempt >= CLOSE_ATTEMPTS) return false;
    await new Promise((resolve) => setTimeout(resolve, backoffMs(attempt)));
  }
}
