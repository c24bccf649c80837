// Fills a packet with StreamData frames: as many chunks of the streams' queued bytes as fit next to the other
// frames in one ILP packet (32 767 bytes of data, encrypted), within the peer's flow-control limits.
import { MAX_UINT64 } from '@sluice/ilp';
import { encodeStreamPacket } from '../codec';
import { FrameType, IlpPacketType, type Frame } from '../frames';
import { MAX_STREAM_PLAINTEXT } from '../limits';
import type { DataChunk, OutgoingStream } from './outgoing-stream';

/**
 * Upper bound of what a StreamData frame adds besides its bytes: type (1), contents length (≤ 3), stream id and
 * offset (≤ 9 each), data length (≤ 3), plus the frame count growing by a byte or two.
 */
const DATA_FRAME_OVERHEAD = 32;

/** Smallest chunk worth a frame of its own when a packet is almost full. */
const MIN_CHUNK = 64;

export interface PacketContents {
  frames: Frame[];
  /** The data in `frames`, to acknowledge or resend when the reply comes. */
  chunks: DataChunk[];
}

/**
 * `frames` (control frames) plus data from `streams` in order, leaving `reserve` bytes for frames added later
 * (e.g. StreamMoney). `connectionRoom` is asked again after every chunk, since each one uses some of it.
 */
export function fillWithData(
  frames: Frame[],
  streams: Iterable<OutgoingStream>,
  connectionRoom: () => bigint,
  reserve: number,
): PacketContents {
  const out: PacketContents = { frames: [...frames], chunks: [] };
  let room = MAX_STREAM_PLAINTEXT - reserve - encodedLength(frames);
  for (const stream of streams) {
    while (room >= DATA_FRAME_OVERHEAD + MIN_CHUNK) {
      const chunk = stream.take(room - DATA_FRAME_OVERHEAD, connectionRoom());
      if (!chunk) break;
      out.chunks.push(chunk);
      out.frames.push({ type: FrameType.StreamData, streamId: stream.id, offset: chunk.offset, data: chunk.data });
      room -= chunk.data.length + DATA_FRAME_OVERHEAD;
    }
  }
  return out;
}

/** Size of a packet with these frames, with the largest possible header. */
function encodedLength(frames: Frame[]): number {
  return encodeStreamPacket({
    sequence: MAX_UINT64,
    ilpPacketType: IlpPacketType.Prepare,
    prepareAmount: MAX_UINT64,
    frames,
  }).length;
}
