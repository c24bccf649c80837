// In-order bytes per (connection, stream) for applications of the stateless receiver. The receiver hands each packet's
// StreamData frames to its hooks as they arrive (any order, possibly repeated); the application keeps one of these
// where its own state lives and gets back only the bytes that became contiguous.
import type { StreamDataFrame } from './frames';
import { DataReassembler } from './data-reassembler';

/** Bytes of one stream that became available in order: `data` starts at `offset` in that stream. */
export interface AssembledData {
  connectionId: string;
  streamId: bigint;
  offset: bigint;
  data: Buffer;
}

export class StreamDataAssembler {
  private readonly connections = new Map<string, Map<bigint, DataReassembler>>();

  /**
   * Adds a packet's StreamData frames (e.g. `IncomingData.dataFrames`) and returns the new in-order bytes, one entry
   * per stream that advanced, in the order the streams first appear in `frames`.
   */
  push(connectionId: string, frames: readonly StreamDataFrame[]): AssembledData[] {
    const out = new Map<bigint, AssembledData>();
    for (const frame of frames) {
      const stream = this.stream(connectionId, frame.streamId);
      const offset = stream.readOffset;
      const data = stream.push(frame.offset, frame.data);
      if (data.length === 0) continue;
      const previous = out.get(frame.streamId);
      if (previous) previous.data = Buffer.concat([previous.data, data]);
      else out.set(frame.streamId, { connectionId, streamId: frame.streamId, offset, data });
    }
    return [...out.values()];
  }

  /** Bytes delivered in order so far on the stream (0 for a stream never seen). */
  readOffset(connectionId: string, streamId: bigint): bigint {
    return this.connections.get(connectionId)?.get(streamId)?.readOffset ?? 0n;
  }

  /** Out-of-order bytes held for the connection (all streams), waiting for a gap to be filled. */
  bufferedBytes(connectionId: string): number {
    let total = 0;
    for (const stream of this.connections.get(connectionId)?.values() ?? []) total += stream.bufferedBytes;
    return total;
  }

  /** Drops everything kept for a connection (call it once the connection is closed or abandoned). */
  forget(connectionId: string): void {
    this.connections.delete(connectionId);
  }

  private stream(connectionId: string, streamId: bigint): DataReassembler {
    let streams = this.connections.get(connectionId);
    if (!streams) this.connections.set(connectionId, (streams = new Map()));
    let stream = streams.get(streamId);
    if (!stream) streams.set(streamId, (stream = new DataReassembler()));
    return stream;
  }
}
