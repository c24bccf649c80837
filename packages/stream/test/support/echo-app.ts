// A receiver application for data tests: it reassembles every stream with a StreamDataAssembler, credits money in
// memory, and answers each stream with its bytes inverted (so replies cannot be mistaken for our own bytes), at most
// `perReply` bytes per stream per reply, tracking its own reply offsets as a stateless receiver's application must.
import { createHash } from 'node:crypto';
import {
  StreamDataAssembler,
  type IncomingData,
  type ReceiverHooks,
  type ReplyData,
  type StreamCloseFrame,
} from '../../src';

export function echoApp(options: { perReply?: number; echo?: boolean } = {}) {
  const perReply = options.perReply ?? 8 * 1024;
  const assembler = new StreamDataAssembler();
  const received = new Map<bigint, Buffer[]>();
  const outbox = new Map<bigint, { offset: bigint; pending: Buffer }>();
  const streamCloses: StreamCloseFrame[] = [];
  const sequences: bigint[] = [];
  let connectionClosed = false;
  let credited = 0n;
  let frameBytes = 0;

  function handle(data: IncomingData): { replyData: ReplyData[] } {
    sequences.push(data.sequence);
    for (const frame of data.dataFrames) frameBytes += frame.data.length;
    for (const chunk of assembler.push(data.connectionId, data.dataFrames)) {
      received.set(chunk.streamId, [...(received.get(chunk.streamId) ?? []), chunk.data]);
      if (options.echo === false) continue;
      const box = outbox.get(chunk.streamId) ?? { offset: 0n, pending: Buffer.alloc(0) };
      box.pending = Buffer.concat([box.pending, invert(chunk.data)]);
      outbox.set(chunk.streamId, box);
    }
    streamCloses.push(...data.streamCloses);
    if (data.connectionClose) connectionClosed = true;
    const replyData: ReplyData[] = [];
    for (const [streamId, box] of outbox) {
      if (box.pending.length === 0) continue;
      const data = box.pending.subarray(0, perReply);
      replyData.push({ streamId, offset: box.offset, data });
      box.offset += BigInt(data.length);
      box.pending = box.pending.subarray(data.length);
    }
    return { replyData };
  }

  const hooks: ReceiverHooks = {
    onData: (data) => handle(data),
    onMoney: (money) => {
      credited += money.amount;
      return { ...handle(money), totalReceived: credited };
    },
  };
  return {
    hooks,
    received: (streamId: bigint) => Buffer.concat(received.get(streamId) ?? []),
    credited: () => credited,
    streamCloses,
    sequences,
    /** Bytes of every StreamData frame the hooks saw, duplicates included. */
    frameBytes: () => frameBytes,
    connectionClosed: () => connectionClosed,
  };
}

export function invert(bytes: Buffer): Buffer {
  return Buffer.from(bytes.map((byte) => byte ^ 0xff));
}

/** Length and SHA-256 of bytes: compares large buffers quickly, with a readable difference when they differ. */
export function fingerprint(bytes: Buffer): string {
  return `${bytes.length} bytes, sha256 ${createHash('sha256').update(bytes).digest('hex')}`;
}
