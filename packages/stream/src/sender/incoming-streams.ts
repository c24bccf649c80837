// The bytes a connection receives (RFC 0029 §4.4.4, §4.5): StreamData frames from replies and from the peer's
// Prepares are put back in order per stream and handed to the listeners. Our flow-control limits follow what the
// listeners took: the peer may send `window` bytes beyond it per stream, and `window` beyond the total on the
// connection, so bytes nobody listens for yet (or that wait for a gap) never exceed the window.
import { FrameType, type Frame, type StreamDataFrame } from '../frames';
import { DataReassembler } from '../data-reassembler';

/** Why a stream's data ended: the peer closed the stream or the connection, or we closed the connection. */
export interface StreamEnd {
  by: 'peer' | 'local';
  errorCode: number;
  errorMessage: string;
}

class IncomingStream {
  readonly reassembler = new DataReassembler();
  readonly listeners = new Set<(data: Buffer) => void>();
  readonly endListeners = new Set<(end: StreamEnd) => void>();
  /** In-order bytes that arrived before anyone listened. */
  unread: Buffer[] = [];
  /** Bytes handed to listeners: our advertised limit is this plus the window. */
  consumed = 0n;
  ended?: StreamEnd;
  /** Opened by either side (data, or our use of it); listening alone does not open a stream. */
  opened = false;
}

export class IncomingStreams {
  private readonly streams = new Map<bigint, IncomingStream>();

  constructor(private readonly window: bigint) {}

  /** Open streams, in ascending order. */
  get ids(): bigint[] {
    return [...this.streams.entries()]
      .filter(([, stream]) => stream.opened)
      .map(([id]) => id)
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  has(streamId: bigint): boolean {
    return this.streams.get(streamId)?.opened === true;
  }

  /** Whether a frame stays within the limits we advertised (or could have: they only grow). */
  withinLimits(frame: StreamDataFrame): boolean {
    const end = frame.offset + BigInt(frame.data.length);
    const stream = this.streams.get(frame.streamId);
    const consumed = stream?.consumed ?? 0n;
    if (end > consumed + this.window) return false;
    let highest = end - (stream ? min(end, stream.reassembler.highestOffset) : 0n);
    let total = 0n;
    for (const other of this.streams.values()) {
      highest += other.reassembler.highestOffset;
      total += other.consumed;
    }
    return highest <= total + this.window;
  }

  /** Adds a frame (checked with withinLimits first) and delivers the bytes that became contiguous. */
  receive(frame: StreamDataFrame): void {
    const stream = this.stream(frame.streamId);
    stream.opened = true;
    if (stream.ended) return;
    const data = stream.reassembler.push(frame.offset, frame.data);
    if (data.length === 0) return;
    if (stream.listeners.size === 0) stream.unread.push(data);
    else deliver(stream, data);
  }

  /** Listens for the stream's in-order bytes; bytes that arrived before are delivered at once. */
  listen(streamId: bigint, listener: (data: Buffer) => void): () => void {
    const stream = this.stream(streamId);
    stream.listeners.add(listener);
    if (stream.unread.length > 0) {
      const unread = Buffer.concat(stream.unread);
      stream.unread = [];
      deliver(stream, unread);
    }
    return () => stream.listeners.delete(listener);
  }

  onEnd(streamId: bigint, listener: (end: StreamEnd) => void): () => void {
    const stream = this.stream(streamId);
    if (stream.ended) {
      const { ended } = stream;
      queueMicrotask(() => safely(() => listener(ended)));
      return () => undefined;
    }
    stream.endListeners.add(listener);
    return () => stream.endListeners.delete(listener);
  }

  /** Opens the stream's record (so we advertise limits for it) without data. */
  open(streamId: bigint): void {
    this.stream(streamId).opened = true;
  }

  end(streamId: bigint, end: StreamEnd): void {
    const stream = this.stream(streamId);
    if (stream.ended) return;
    stream.ended = end;
    for (const listener of stream.endListeners) safely(() => listener(end));
    stream.endListeners.clear();
  }

  endAll(end: StreamEnd): void {
    for (const id of this.streams.keys()) this.end(id, end);
  }

  /** StreamMaxData for every open stream and ConnectionMaxData: what we accept now. */
  advertisements(): Frame[] {
    const frames: Frame[] = [];
    let consumed = 0n;
    for (const id of this.ids) {
      const stream = this.streams.get(id) as IncomingStream;
      consumed += stream.consumed;
      if (!stream.ended)
        frames.push({ type: FrameType.StreamMaxData, streamId: id, maxOffset: stream.consumed + this.window });
    }
    frames.push({ type: FrameType.ConnectionMaxData, maxOffset: consumed + this.window });
    return frames;
  }

  private stream(streamId: bigint): IncomingStream {
    let stream = this.streams.get(streamId);
    if (!stream) this.streams.set(streamId, (stream = new IncomingStream()));
    return stream;
  }
}

function deliver(stream: IncomingStream, data: Buffer): void {
  stream.consumed += BigInt(data.length);
  for (const listener of stream.listeners) safely(() => listener(data));
}

/** A listener's exception must not break the packet handling that called it. */
function safely(call: () => void): void {
  try {
    call();
  } catch {
    // ignored on purpose
  }
}

function min(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}
