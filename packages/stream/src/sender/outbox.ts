// Our side of a connection's data flow (RFC 0029 §4.4.4, §4.5): the streams we write to and the peer's limits on
// them — StreamMaxData per stream, ConnectionMaxData across streams, ConnectionMaxStreamId — which only ever grow.
import { MAX_UINT64 } from '@sluice/ilp';
import { FrameType, type Frame } from '../frames';
import { DEFAULT_CONNECTION_DATA_LIMIT, DEFAULT_MAX_STREAM_ID } from '../limits';
import { fillWithData, type PacketContents } from './data-packet';
import { OutgoingStream } from './outgoing-stream';

/** Room kept in every packet for StreamDataBlocked / ConnectionDataBlocked frames. */
const BLOCKED_FRAMES_RESERVE = 256;

export class Outbox {
  private readonly streams = new Map<bigint, OutgoingStream>();
  /** The peer's StreamMaxData for streams we have not written to yet. */
  private readonly earlyLimits = new Map<bigint, bigint>();
  private connectionLimit = DEFAULT_CONNECTION_DATA_LIMIT;
  /** Highest stream id the peer lets us open. */
  maxStreamId = DEFAULT_MAX_STREAM_ID;

  has(streamId: bigint): boolean {
    return this.streams.has(streamId);
  }

  get(streamId: bigint): OutgoingStream | undefined {
    return this.streams.get(streamId);
  }

  /** The stream's record, created on first use. */
  stream(streamId: bigint): OutgoingStream {
    let stream = this.streams.get(streamId);
    if (!stream) {
      stream = new OutgoingStream(streamId);
      const limit = this.earlyLimits.get(streamId);
      if (limit !== undefined) stream.remoteMaxOffset = limit;
      this.earlyLimits.delete(streamId);
      this.streams.set(streamId, stream);
    }
    return stream;
  }

  ids(): bigint[] {
    return [...this.streams.keys()];
  }

  /** Applies a ConnectionMaxData; true if it let more through. */
  raiseConnectionLimit(maxOffset: bigint): boolean {
    if (maxOffset <= this.connectionLimit) return false; // smaller ones are late or reordered
    this.connectionLimit = maxOffset;
    return true;
  }

  /** Applies a StreamMaxData; true if it let more through. */
  raiseStreamLimit(streamId: bigint, maxOffset: bigint): boolean {
    const stream = this.streams.get(streamId);
    const current = stream?.remoteMaxOffset ?? this.earlyLimits.get(streamId);
    if (current !== undefined && maxOffset <= current) return false;
    if (stream) stream.remoteMaxOffset = maxOffset;
    else this.earlyLimits.set(streamId, maxOffset);
    return true;
  }

  raiseMaxStreamId(maxStreamId: bigint): void {
    if (maxStreamId > this.maxStreamId) this.maxStreamId = maxStreamId;
  }

  /** Whether some stream has a chunk that may leave now. */
  hasSendableData(): boolean {
    const room = this.connectionRoom();
    for (const stream of this.streams.values()) if (stream.canSend(room)) return true;
    return false;
  }

  /** Whether queued data waits for the peer's limits to grow. */
  isBlocked(): boolean {
    return this.blockedStreams().length > 0;
  }

  /** `control` frames, as much data as fits (streams in id order), then notices for data the limits hold back. */
  fill(control: Frame[], reserve: number): PacketContents {
    const streams = [...this.streams.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
    const contents = fillWithData(control, streams, () => this.connectionRoom(), reserve + BLOCKED_FRAMES_RESERVE);
    for (const stream of streams) {
      const wanted = stream.blockedAt(this.connectionRoom());
      if (wanted !== undefined && stream.nextOffset >= stream.remoteMaxOffset) {
        contents.frames.push({ type: FrameType.StreamDataBlocked, streamId: stream.id, maxOffset: wanted });
      }
    }
    if (this.connectionRoom() === 0n && this.isBlocked()) {
      let wanted = 0n;
      for (const stream of streams) wanted += stream.writtenEnd;
      const maxOffset = wanted < MAX_UINT64 ? wanted : MAX_UINT64;
      contents.frames.push({ type: FrameType.ConnectionDataBlocked, maxOffset });
    }
    return contents;
  }

  /** Fails the writes of every stream whose data is held back by the peer's limits. */
  failBlocked(error: Error): void {
    for (const stream of this.blockedStreams()) stream.fail(error);
  }

  failAll(error: Error): void {
    for (const stream of this.streams.values()) stream.fail(error);
  }

  private blockedStreams(): OutgoingStream[] {
    const room = this.connectionRoom();
    return [...this.streams.values()].filter((stream) => stream.blockedAt(room) !== undefined);
  }

  /** New bytes ConnectionMaxData still allows across all streams. */
  private connectionRoom(): bigint {
    let sent = 0n;
    for (const stream of this.streams.values()) sent += stream.nextOffset;
    const room = this.connectionLimit - sent;
    return room > 0n ? room : 0n;
  }
}
