// The bytes we send on one stream (RFC 0029 §4.4.3, §4.4.4, §5.3.11): written bytes wait in a queue, leave in
// chunks at increasing offsets within the peer's StreamMaxData, and count as delivered only when a reply acknowledges
// the packet that carried them. A rejected or lost packet's chunks are sent again at the same offsets with the same
// bytes, so the peer never sees two different bytes for one offset.
import { DEFAULT_STREAM_DATA_LIMIT } from '../limits';

/** Bytes of one stream at one offset, in flight in one packet. */
export interface DataChunk {
  stream: OutgoingStream;
  offset: bigint;
  data: Buffer;
}

interface Waiter {
  /** The write is delivered once every byte before this offset is acknowledged. */
  end: bigint;
  resolve(): void;
  reject(error: Error): void;
}

export class OutgoingStream {
  /** The peer's StreamMaxData: how far we may send. Only grows. */
  remoteMaxOffset = DEFAULT_STREAM_DATA_LIMIT;
  /** Offset of the first byte never sent yet. */
  nextOffset = 0n;
  /** Set once the stream can carry no more (closed by the peer, or the connection ended). */
  failure?: Error;

  private readonly queue: Buffer[] = [];
  private queuedBytes = 0n;
  /** Chunks to send again, sorted by offset. */
  private readonly resend: { offset: bigint; data: Buffer }[] = [];
  private readonly acknowledged = new AcknowledgedRanges();
  private readonly waiters: Waiter[] = [];

  constructor(readonly id: bigint) {}

  /** Offset just past every byte written so far. */
  get writtenEnd(): bigint {
    return this.nextOffset + this.queuedBytes;
  }

  /** Queues bytes; resolves once the peer acknowledged all of them (and everything written before). */
  write(data: Buffer): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (data.length > 0) {
      this.queue.push(data);
      this.queuedBytes += BigInt(data.length);
    }
    const end = this.writtenEnd;
    if (this.acknowledged.contiguous >= end) return Promise.resolve();
    return new Promise((resolve, reject) => this.waiters.push({ end, resolve, reject }));
  }

  /** Whether written bytes are not acknowledged yet (queued, waiting to be resent or in flight). */
  get hasPending(): boolean {
    return !this.failure && this.acknowledged.contiguous < this.writtenEnd;
  }

  /** Whether a chunk could leave now, given the bytes the connection still lets through. */
  canSend(connectionRoom: bigint): boolean {
    if (this.failure) return false;
    return this.resend.length > 0 || (this.queuedBytes > 0n && this.newDataRoom(connectionRoom) > 0n);
  }

  /** The offset we want to send up to, when queued data waits for the peer's flow control; otherwise undefined. */
  blockedAt(connectionRoom: bigint): bigint | undefined {
    if (this.failure || this.queuedBytes === 0n || this.newDataRoom(connectionRoom) > 0n) return undefined;
    return this.writtenEnd;
  }

  /**
   * The next chunk of at most `maxBytes`: a chunk to resend first, else new bytes within the peer's limits. A chunk
   * to resend that is longer is split; its parts keep their offsets and bytes, so nothing overlaps differently.
   */
  take(maxBytes: number, connectionRoom: bigint): DataChunk | undefined {
    if (this.failure || maxBytes <= 0) return undefined;
    const first = this.resend[0];
    if (first) {
      if (first.data.length <= maxBytes) {
        this.resend.shift();
        return { stream: this, ...first };
      }
      const data = first.data.subarray(0, maxBytes);
      this.resend[0] = { offset: first.offset + BigInt(maxBytes), data: first.data.subarray(maxBytes) };
      return { stream: this, offset: first.offset, data };
    }
    const room = this.newDataRoom(connectionRoom);
    const length = Number(min(BigInt(maxBytes), room));
    if (length <= 0) return undefined;
    const chunk = { stream: this, offset: this.nextOffset, data: this.dequeue(length) };
    this.nextOffset += BigInt(chunk.data.length);
    return chunk;
  }

  /** The packet carrying the chunk was acknowledged. */
  acknowledge(chunk: DataChunk): void {
    this.acknowledged.add(chunk.offset, chunk.offset + BigInt(chunk.data.length));
    const done = this.acknowledged.contiguous;
    while (this.waiters.length > 0 && this.waiters[0].end <= done) (this.waiters.shift() as Waiter).resolve();
  }

  /** The packet carrying the chunk was rejected or lost: send the same bytes at the same offset again. */
  retry(chunk: DataChunk): void {
    if (this.failure) return;
    let index = this.resend.findIndex((pending) => pending.offset > chunk.offset);
    if (index < 0) index = this.resend.length;
    this.resend.splice(index, 0, { offset: chunk.offset, data: chunk.data });
  }

  /** No more data can go: every write not delivered yet fails with `error`. */
  fail(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    this.queue.length = 0;
    this.queuedBytes = 0n;
    this.resend.length = 0;
    for (const waiter of this.waiters.splice(0)) waiter.reject(error);
  }

  /** New bytes the peer lets us send now: its stream limit and the connection's remaining room. */
  private newDataRoom(connectionRoom: bigint): bigint {
    const streamRoom = this.remoteMaxOffset - this.nextOffset;
    return min(min(streamRoom, connectionRoom), this.queuedBytes);
  }

  private dequeue(length: number): Buffer {
    const parts: Buffer[] = [];
    let needed = length;
    while (needed > 0) {
      const head = this.queue[0];
      if (head.length <= needed) {
        parts.push(head);
        this.queue.shift();
        needed -= head.length;
      } else {
        parts.push(head.subarray(0, needed));
        this.queue[0] = head.subarray(needed);
        needed = 0;
      }
    }
    this.queuedBytes -= BigInt(length);
    return parts.length === 1 ? parts[0] : Buffer.concat(parts);
  }
}

/** Acknowledged byte ranges of a stream, reduced to "everything before `contiguous`" plus the ranges beyond it. */
class AcknowledgedRanges {
  contiguous = 0n;
  private readonly beyond: { start: bigint; end: bigint }[] = [];

  add(start: bigint, end: bigint): void {
    if (start > this.contiguous) {
      this.beyond.push({ start, end });
      this.beyond.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
      return;
    }
    if (end > this.contiguous) this.contiguous = end;
    while (this.beyond.length > 0 && this.beyond[0].start <= this.contiguous) {
      const range = this.beyond.shift() as { start: bigint; end: bigint };
      if (range.end > this.contiguous) this.contiguous = range.end;
    }
  }
}

function min(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}
