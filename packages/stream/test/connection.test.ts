// StreamConnection ↔ our stateless receiver, in memory: data both ways, money, flow control, closes.
import { randomBytes } from 'node:crypto';
import {
  createStreamReceiver,
  decodeStreamPacket,
  decrypt,
  encodeStreamPacket,
  encrypt,
  encryptionKey,
  FrameType,
  MAX_ILP_DATA,
  openStreamConnection,
  ReceiverDeclineError,
  sendPayment,
  StreamConnectionError,
  StreamErrorCode,
  StreamPaymentError,
  type Frame,
  type ReceiverHooks,
  type StreamConnection,
  type StreamCredentials,
  type StreamDataFrame,
} from '../src';
import { isFulfill } from '../src/ilp';
import { echoApp, fingerprint, invert } from './support/echo-app';
import { connectorHop, type SendPrepare } from './support/ilp-link';
import { makePrepare, openReply } from './support/stream-packets';

const serverAddress = 'test.receiver';

function receiverFor(maxStreamData?: bigint) {
  const receiver = createStreamReceiver({ serverSecret: Buffer.alloc(32, 21), serverAddress, maxStreamData });
  const credentials = receiver.generateCredentials({ connectionTag: 'data', asset: { code: 'EUR', scale: 2 } });
  return { receiver, credentials };
}

interface Sent {
  amount: bigint;
  dataLength: number;
  frames: Frame[];
  fulfilled: boolean;
}

/** Records every Prepare the connection sends (decrypted) and whether it was fulfilled. */
function recorder(next: SendPrepare, credentials: StreamCredentials) {
  const sent: Sent[] = [];
  const send: SendPrepare = async (prepare) => {
    const packet = decodeStreamPacket(decrypt(encryptionKey(credentials.sharedSecret), prepare.data));
    const reply = await next(prepare);
    sent.push({
      amount: prepare.amount,
      dataLength: prepare.data.length,
      frames: packet.frames,
      fulfilled: isFulfill(reply),
    });
    return reply;
  };
  const dataFrames = (streamId: bigint) =>
    sent.flatMap((packet) =>
      packet.frames.filter((f): f is StreamDataFrame => f.type === FrameType.StreamData && f.streamId === streamId),
    );
  return { send, sent, dataFrames };
}

function collect(connection: StreamConnection, streamId: bigint): () => Buffer {
  const chunks: Buffer[] = [];
  connection.onData(streamId, (data) => chunks.push(data));
  return () => Buffer.concat(chunks);
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

describe('StreamConnection ↔ our receiver', () => {
  it('sends 100 KB and 30 KB on streams 1 and 3 with money, gets the replies back, and closes cleanly', async () => {
    const { receiver, credentials } = receiverFor();
    const app = echoApp({ perReply: 4096 });
    const link = recorder(
      connectorHop((prepare) => receiver.handlePrepare(prepare, app.hooks), { maxPacketAmount: 1000n }),
      credentials,
    );
    const connection = openStreamConnection({
      destinationAddress: credentials.ilpAddress,
      sharedSecret: credentials.sharedSecret,
      sendPrepare: link.send,
      congestion: { initialBackoffMs: 1 },
    });
    const one = randomBytes(100_000);
    const three = randomBytes(30_000);
    const back1 = collect(connection, 1n);
    const back3 = collect(connection, 3n);

    const [, , progress] = await Promise.all([
      connection.sendData(1n, one),
      connection.sendData(3n, three),
      connection.pay({ sourceAmount: 10_000n, minExchangeRate: 1 }),
    ]);
    // A stateless receiver answers only in replies (4 KB per stream each here): ping until every byte is back.
    let pings = 0;
    for (; pings < 50 && (back1().length < one.length || back3().length < three.length); pings++) {
      await connection.ping();
    }
    await connection.close();
    expect(pings).toBeGreaterThan(0);

    expect(progress).toMatchObject({ sent: 10_000n, delivered: 10_000n });
    expect(app.credited()).toBe(10_000n);
    expect(fingerprint(app.received(1n))).toBe(fingerprint(one));
    expect(fingerprint(app.received(3n))).toBe(fingerprint(three));
    expect(fingerprint(back1())).toBe(fingerprint(invert(one)));
    expect(fingerprint(back3())).toBe(fingerprint(invert(three)));
    expect(connection.destinationAsset).toEqual({ code: 'EUR', scale: 2 });

    // Split across packets, each within one ILP packet, at contiguous non-overlapping offsets.
    expect(link.sent.every((packet) => packet.dataLength <= MAX_ILP_DATA)).toBe(true);
    const frames1 = link.dataFrames(1n).sort((a, b) => Number(a.offset - b.offset));
    expect(frames1.length).toBeGreaterThanOrEqual(4);
    expect(fingerprint(Buffer.concat(frames1.map((f) => f.data)))).toBe(fingerprint(one));
    expect(
      frames1.every((f, i) => i === 0 || f.offset === frames1[i - 1].offset + BigInt(frames1[i - 1].data.length)),
    ).toBe(true);
    // Some data rode on money packets, some on zero-amount ones.
    const withData = link.sent.filter((packet) => packet.frames.some((f) => f.type === FrameType.StreamData));
    expect(withData.some((packet) => packet.amount > 0n)).toBe(true);
    expect(withData.some((packet) => packet.amount === 0n)).toBe(true);

    // The last packet closes both streams and the connection; the receiver saw it and acknowledged it.
    const last = link.sent[link.sent.length - 1];
    expect(last.amount).toBe(0n);
    expect(last.fulfilled).toBe(true);
    expect(last.frames).toEqual([
      { type: FrameType.StreamClose, streamId: 1n, errorCode: StreamErrorCode.NoError, errorMessage: '' },
      { type: FrameType.StreamClose, streamId: 3n, errorCode: StreamErrorCode.NoError, errorMessage: '' },
      { type: FrameType.ConnectionClose, errorCode: StreamErrorCode.NoError, errorMessage: '' },
    ]);
    expect(app.connectionClosed()).toBe(true);
    expect(app.streamCloses.map((close) => close.streamId)).toEqual([1n, 3n]);
    await expect(connection.closed).resolves.toEqual({
      by: 'local',
      errorCode: StreamErrorCode.NoError,
      errorMessage: '',
    });
    await expect(connection.sendData(1n, Buffer.from('late'))).rejects.toMatchObject({ code: 'CONNECTION_CLOSED' });
  });

  it('delivers exactly once through reordering and replies lost after the receiver saw the packet', async () => {
    const { receiver, credentials } = receiverFor();
    const app = echoApp({ echo: false });
    let count = 0;
    const lossy: SendPrepare = async (prepare) => {
      await new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * 5)));
      const reply = await receiver.handlePrepare(prepare, app.hooks);
      // Every third reply is lost on the way back: the sender must resend, the receiver sees the data twice.
      if (++count % 3 === 0)
        return { code: 'T00', triggeredBy: 'test.connector', message: 'lost', data: Buffer.alloc(0) };
      return reply;
    };
    const connection = openStreamConnection({
      destinationAddress: credentials.ilpAddress,
      sharedSecret: credentials.sharedSecret,
      sendPrepare: lossy,
      congestion: { initialBackoffMs: 1, maxBackoffMs: 5 },
    });
    const bytes = randomBytes(200_000);
    const parts = [bytes.subarray(0, 70_000), bytes.subarray(70_000, 71_000), bytes.subarray(71_000)];
    await Promise.all(parts.map((part) => connection.sendData(5n, part)));
    await connection.close();
    expect(fingerprint(app.received(5n))).toBe(fingerprint(bytes));
    // Duplicates did reach the receiver (and its assembler dropped them).
    expect(app.frameBytes()).toBeGreaterThan(bytes.length);
  });

  it("stops at the receiver's StreamMaxData and fails the write with DATA_BLOCKED", async () => {
    const { receiver, credentials } = receiverFor(16_384n);
    const app = echoApp({ echo: false });
    const link = recorder((prepare) => receiver.handlePrepare(prepare, app.hooks), credentials);
    const connection = openStreamConnection({
      destinationAddress: credentials.ilpAddress,
      sharedSecret: credentials.sharedSecret,
      sendPrepare: link.send,
      maxConsecutiveFailures: 3,
      congestion: { initialBackoffMs: 1 },
    });
    const bytes = randomBytes(20_000);
    const error = await rejection(connection.sendData(1n, bytes));
    expect(error).toBeInstanceOf(StreamConnectionError);
    expect(error).toMatchObject({ code: 'DATA_BLOCKED' });
    expect(fingerprint(app.received(1n))).toBe(fingerprint(bytes.subarray(0, 16_384)));
    expect(link.dataFrames(1n).every((f) => f.offset + BigInt(f.data.length) <= 16_384n)).toBe(true);
    const notices = link.sent.flatMap((packet) => packet.frames.filter((f) => f.type === FrameType.StreamDataBlocked));
    expect(notices[0]).toEqual({ type: FrameType.StreamDataBlocked, streamId: 1n, maxOffset: 20_000n });
    // The connection itself is still usable on other streams.
    await connection.sendData(3n, Buffer.from('still open'));
    expect(app.received(3n).toString()).toBe('still open');
    await connection.close();
  });

  it('reports a close by the receiver: writes fail with CLOSED_BY_PEER, a payment with CLOSED_BY_RECEIVER', async () => {
    const { receiver, credentials } = receiverFor();
    let packets = 0;
    const hooks: ReceiverHooks = {
      onData: () => {
        if (++packets > 2) throw new ReceiverDeclineError('enough', { closeCode: StreamErrorCode.ApplicationError });
      },
    };
    const connection = openStreamConnection({
      destinationAddress: credentials.ilpAddress,
      sharedSecret: credentials.sharedSecret,
      sendPrepare: (prepare) => receiver.handlePrepare(prepare, hooks),
      congestion: { maxInFlight: 1 },
    });
    const ended = jest.fn();
    connection.onStreamEnd(1n, ended);
    const error = await rejection(connection.sendData(1n, randomBytes(100_000)));
    expect(error).toMatchObject({
      code: 'CLOSED_BY_PEER',
      close: { errorCode: StreamErrorCode.ApplicationError, errorMessage: '' },
    });
    await expect(connection.closed).resolves.toMatchObject({ by: 'peer', errorCode: StreamErrorCode.ApplicationError });
    expect(connection.closedBy).toEqual({ errorCode: StreamErrorCode.ApplicationError, errorMessage: '' });
    expect(ended).toHaveBeenCalledWith({ by: 'peer', errorCode: StreamErrorCode.ApplicationError, errorMessage: '' });
    const payError = await rejection(connection.pay({ sourceAmount: 10n, minExchangeRate: 1 }));
    expect(payError).toMatchObject({ code: 'CLOSED_BY_PEER' });
    await connection.close(); // nothing left to close: resolves at once
  });

  it('stops a payment with CLOSED_BY_RECEIVER when the receiver closes during it', async () => {
    const { receiver, credentials } = receiverFor();
    let credited = 0n;
    const hooks: ReceiverHooks = {
      onMoney: (money) => {
        if (credited >= 300n) throw new ReceiverDeclineError('completed');
        credited += money.amount;
      },
    };
    const connection = openStreamConnection({
      destinationAddress: credentials.ilpAddress,
      sharedSecret: credentials.sharedSecret,
      sendPrepare: connectorHop((prepare) => receiver.handlePrepare(prepare, hooks), { maxPacketAmount: 100n }),
      congestion: { maxInFlight: 1 },
    });
    const error = await rejection(connection.pay({ sourceAmount: 1000n, minExchangeRate: 1, streamId: 7n }));
    expect(error).toBeInstanceOf(StreamPaymentError);
    expect(error).toMatchObject({ code: 'CLOSED_BY_RECEIVER', progress: { sent: 300n } });
    expect(credited).toBe(300n);
    await expect(connection.closed).resolves.toMatchObject({ by: 'peer', errorCode: StreamErrorCode.NoError });
  });

  it('closes with FlowControlError when the peer sends beyond the window we advertised', async () => {
    const { receiver, credentials } = receiverFor();
    const hooks: ReceiverHooks = {
      onData: () => ({ replyData: [{ streamId: 1n, offset: 40_000n, data: Buffer.from('too far') }] }),
    };
    const link = recorder((prepare) => receiver.handlePrepare(prepare, hooks), credentials);
    const connection = openStreamConnection({
      destinationAddress: credentials.ilpAddress,
      sharedSecret: credentials.sharedSecret,
      sendPrepare: link.send,
      receiveWindow: 16_384,
    });
    const error = await rejection(connection.sendData(1n, Buffer.from('hello')));
    expect(error).toMatchObject({ code: 'PEER_PROTOCOL_VIOLATION' });
    await expect(connection.closed).resolves.toMatchObject({ by: 'local' });
    await new Promise((resolve) => setImmediate(resolve));
    expect(link.sent[link.sent.length - 1].frames).toEqual([
      { type: FrameType.ConnectionClose, errorCode: StreamErrorCode.FlowControlError, errorMessage: '' },
    ]);
  });

  it('counts an authentic F99 to a zero-amount data packet as delivered (receivers that reject them)', async () => {
    const sharedSecret = Buffer.alloc(32, 5);
    const key = encryptionKey(sharedSecret);
    const received: StreamDataFrame[] = [];
    // A peer that takes the data but answers every packet with F99 and an authentic STREAM reply.
    const rejecting: SendPrepare = async (prepare) => {
      const packet = decodeStreamPacket(decrypt(key, prepare.data));
      received.push(...packet.frames.filter((f): f is StreamDataFrame => f.type === FrameType.StreamData));
      const reply = encodeStreamPacket({ sequence: packet.sequence, ilpPacketType: 14, prepareAmount: 0n, frames: [] });
      return { code: 'F99', triggeredBy: 'test.peer', message: '', data: encrypt(key, reply) };
    };
    const connection = openStreamConnection({
      destinationAddress: 'test.peer.x',
      sharedSecret,
      sendPrepare: rejecting,
    });
    const bytes = randomBytes(16_000);
    await connection.sendData(1n, bytes);
    expect(fingerprint(Buffer.concat(received.map((f) => f.data)))).toBe(fingerprint(bytes));
    expect(received.map((f) => f.offset)).toEqual([0n]); // sent once, never again
  });

  it('refuses stream ids it may not use', async () => {
    const { receiver, credentials } = receiverFor();
    const connection = openStreamConnection({
      destinationAddress: credentials.ilpAddress,
      sharedSecret: credentials.sharedSecret,
      sendPrepare: (prepare) => receiver.handlePrepare(prepare),
    });
    for (const streamId of [0n, 2n, 21n]) {
      await expect(connection.sendData(streamId, Buffer.from('x'))).rejects.toMatchObject({
        code: 'INVALID_STREAM_ID',
      });
    }
    await expect(connection.pay({ sourceAmount: 1n, minExchangeRate: 1, streamId: 4n })).rejects.toMatchObject({
      code: 'INVALID_STREAM_ID',
    });
    expect(() =>
      openStreamConnection({
        destinationAddress: credentials.ilpAddress,
        sharedSecret: credentials.sharedSecret,
        sendPrepare: (prepare) => receiver.handlePrepare(prepare),
        receiveWindow: 100,
      }),
    ).toThrow(StreamConnectionError);
  });
});

describe('sendPayment closeConnection', () => {
  it('sends StreamClose + ConnectionClose(NoError) after the payment only when asked', async () => {
    for (const closeConnection of [false, true]) {
      const { receiver, credentials } = receiverFor();
      const app = echoApp({ echo: false });
      const link = recorder((prepare) => receiver.handlePrepare(prepare, app.hooks), credentials);
      const progress = await sendPayment({
        destinationAddress: credentials.ilpAddress,
        sharedSecret: credentials.sharedSecret,
        sendPrepare: link.send,
        sourceAmount: 500n,
        minExchangeRate: 1,
        closeConnection,
      });
      expect(progress.sent).toBe(500n);
      const closes = link.sent.filter((packet) => packet.frames.some((f) => f.type === FrameType.ConnectionClose));
      if (!closeConnection) {
        expect(closes).toHaveLength(0);
        continue;
      }
      expect(closes).toHaveLength(1);
      expect(closes[0]).toMatchObject({ amount: 0n, fulfilled: true });
      expect(link.sent[link.sent.length - 1]).toBe(closes[0]);
      expect(app.connectionClosed()).toBe(true);
      expect(app.streamCloses).toEqual([
        { type: FrameType.StreamClose, streamId: 1n, errorCode: StreamErrorCode.NoError, errorMessage: '' },
      ]);
    }
  });
});

describe('StreamConnection.handlePrepare (Prepares the peer sends to our address)', () => {
  const sharedSecret = Buffer.alloc(32, 9);
  const us = { ilpAddress: 'test.client', sharedSecret };
  const open = () =>
    openStreamConnection({
      destinationAddress: 'test.server.abc',
      sharedSecret,
      sourceAddress: 'test.client',
      sendPrepare: async () => ({ code: 'F02', triggeredBy: 'test', message: '', data: Buffer.alloc(0) }),
    });

  it('rejects what is not ours (F02) or not authentic (F06)', async () => {
    const connection = open();
    const elsewhere = await connection.handlePrepare(makePrepare({ ...us, ilpAddress: 'test.clientx' }));
    expect(elsewhere).toMatchObject({ code: 'F02', data: Buffer.alloc(0) });
    const garbage = await connection.handlePrepare({ ...makePrepare(us), data: randomBytes(60) });
    expect(garbage).toMatchObject({ code: 'F06', data: Buffer.alloc(0) });
  });

  it('answers rate probes with the amount that arrived and refuses money with StreamMaxMoney 0', async () => {
    const connection = open();
    const probe = await connection.handlePrepare(makePrepare(us, { amount: 1_000_000n, fulfillable: false }));
    expect(probe).toMatchObject({ code: 'F99' });
    expect(openReply(us, probe)).toMatchObject({ ilpPacketType: 14, prepareAmount: 1_000_000n });
    const paid = await connection.handlePrepare(
      makePrepare(us, { amount: 5n, frames: [{ type: FrameType.StreamMoney, streamId: 2n, shares: 1n }] }),
    );
    expect(paid).toMatchObject({ code: 'F99' });
    expect(openReply(us, paid).frames).toContainEqual({
      type: FrameType.StreamMaxMoney,
      streamId: 2n,
      receiveMax: 0n,
      totalReceived: 0n,
    });
  });

  it('fulfills data on a stream the peer opens, delivering it in order, and advertises its limits', async () => {
    const connection = open();
    const chunks: Buffer[] = [];
    connection.onData(2n, (data) => chunks.push(data));
    const frame = (offset: bigint, text: string) =>
      ({ type: FrameType.StreamData, streamId: 2n, offset, data: Buffer.from(text) }) as const;
    const late = await connection.handlePrepare(makePrepare(us, { sequence: 2n, frames: [frame(6n, 'world')] }));
    expect(chunks).toEqual([]);
    const first = await connection.handlePrepare(makePrepare(us, { sequence: 1n, frames: [frame(0n, 'hello ')] }));
    await connection.handlePrepare(makePrepare(us, { sequence: 3n, frames: [frame(0n, 'hello ')] })); // duplicate
    expect(isFulfill(late) && isFulfill(first)).toBe(true);
    expect(Buffer.concat(chunks).toString()).toBe('hello world');
    expect(openReply(us, first).frames).toContainEqual({
      type: FrameType.StreamMaxData,
      streamId: 2n,
      maxOffset: 256n * 1024n + 11n, // every byte so far was taken by the listener
    });
  });

  it('closes for data on an odd stream we never opened, or an even one above the stream id limit', async () => {
    for (const [streamId, errorCode] of [
      [9n, StreamErrorCode.ProtocolViolation],
      [22n, StreamErrorCode.StreamIdError],
    ] as const) {
      const connection = open();
      const frames = [{ type: FrameType.StreamData, streamId, offset: 0n, data: Buffer.from('x') }] as const;
      const reply = await connection.handlePrepare(makePrepare(us, { frames: [...frames] }));
      expect(openReply(us, reply).frames).toContainEqual({
        type: FrameType.ConnectionClose,
        errorCode,
        errorMessage: '',
      });
      await expect(connection.closed).resolves.toMatchObject({ by: 'local' });
    }
  });

  it("ends on the peer's ConnectionClose and answers later packets with ConnectionClose(NoError)", async () => {
    const connection = open();
    const close = { type: FrameType.ConnectionClose, errorCode: StreamErrorCode.NoError, errorMessage: 'bye' } as const;
    expect(isFulfill(await connection.handlePrepare(makePrepare(us, { frames: [close] })))).toBe(true);
    await expect(connection.closed).resolves.toEqual({
      by: 'peer',
      errorCode: StreamErrorCode.NoError,
      errorMessage: 'bye',
    });
    await expect(connection.sendData(1n, Buffer.from('x'))).rejects.toMatchObject({ code: 'CLOSED_BY_PEER' });
    const after = await connection.handlePrepare(makePrepare(us, { sequence: 2n }));
    expect(openReply(us, after).frames).toEqual([
      { type: FrameType.ConnectionClose, errorCode: StreamErrorCode.NoError, errorMessage: '' },
    ]);
  });
});
