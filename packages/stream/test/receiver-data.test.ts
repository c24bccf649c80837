// The stateless receiver's data and close handling: advertised limits, hooks, reply data, closes.
import {
  createStreamReceiver,
  FrameType,
  MAX_ILP_DATA,
  ReceiverDeclineError,
  StreamErrorCode,
  verifyReceipt,
  type Frame,
  type IlpFulfill,
  type IlpReject,
  type IncomingClose,
  type IncomingData,
} from '../src';
import { makePrepare, openReply } from './support/stream-packets';

const serverAddress = 'test.receiver';
const MAX_UINT64 = 2n ** 64n - 1n;
const data = (streamId: bigint, offset: bigint, bytes: Buffer | string) =>
  ({ type: FrameType.StreamData, streamId, offset, data: Buffer.from(bytes) }) as const;
const money = (streamId = 1n) => ({ type: FrameType.StreamMoney, streamId, shares: 1n }) as const;
const connectionClose = {
  type: FrameType.ConnectionClose,
  errorCode: StreamErrorCode.NoError,
  errorMessage: '',
} as const;

function asFulfill(reply: unknown): IlpFulfill {
  expect(reply).toHaveProperty('fulfillment');
  return reply as IlpFulfill;
}
function asReject(reply: unknown): IlpReject {
  expect(reply).toHaveProperty('code');
  return reply as IlpReject;
}

describe('stateless receiver: data flow control', () => {
  const receiver = createStreamReceiver({ serverSecret: Buffer.alloc(32, 3), serverAddress, maxStreamData: 50_000n });
  const credentials = receiver.generateCredentials();

  it('advertises its per-stream limit for every stream with data or blocked data, and no connection limit', async () => {
    const frames: Frame[] = [
      data(1n, 0n, 'a'),
      data(3n, 10n, 'b'),
      data(1n, 1n, 'c'),
      { type: FrameType.StreamDataBlocked, streamId: 5n, maxOffset: 90_000n },
    ];
    const reply = asFulfill(await receiver.handlePrepare(makePrepare(credentials, { frames })));
    expect(openReply(credentials, reply).frames).toEqual([
      { type: FrameType.StreamMaxData, streamId: 1n, maxOffset: 50_000n },
      { type: FrameType.StreamMaxData, streamId: 3n, maxOffset: 50_000n },
      { type: FrameType.StreamMaxData, streamId: 5n, maxOffset: 50_000n },
      { type: FrameType.ConnectionMaxData, maxOffset: MAX_UINT64 },
    ]);
  });

  it('adds no data limits to packets without data', async () => {
    const reply = asFulfill(await receiver.handlePrepare(makePrepare(credentials, { amount: 5n, frames: [money()] })));
    expect(openReply(credentials, reply).frames).toEqual([]);
  });

  it('closes with FlowControlError when data goes beyond the limit, before any hook', async () => {
    const onData = jest.fn();
    const frames = [data(1n, 49_990n, Buffer.alloc(11))];
    const reply = asReject(await receiver.handlePrepare(makePrepare(credentials, { frames }), { onData }));
    expect(reply.code).toBe('F99');
    expect(openReply(credentials, reply).frames).toContainEqual({
      type: FrameType.ConnectionClose,
      errorCode: StreamErrorCode.FlowControlError,
      errorMessage: '',
    });
    expect(onData).not.toHaveBeenCalled();
    // Exactly at the limit is fine.
    const atLimit = [data(1n, 49_990n, Buffer.alloc(10))];
    expect(await receiver.handlePrepare(makePrepare(credentials, { frames: atLimit }), { onData })).toHaveProperty(
      'fulfillment',
    );
  });

  it('refuses a limit below what senders send before they hear one', () => {
    expect(() =>
      createStreamReceiver({ serverSecret: Buffer.alloc(32), serverAddress, maxStreamData: 16_383n }),
    ).toThrow(RangeError);
  });
});

describe('stateless receiver: hooks and reply data', () => {
  const receiver = createStreamReceiver({ serverSecret: Buffer.alloc(32, 4), serverAddress });

  it('calls onData for every zero-amount packet (pings, closes, data) with frames, closes and sequence', async () => {
    const credentials = receiver.generateCredentials({ connectionTag: 't' });
    const seen: IncomingData[] = [];
    const onData = (incoming: IncomingData) => void seen.push(incoming);
    const streamClose = { type: FrameType.StreamClose, streamId: 3n, errorCode: 1, errorMessage: 'done' } as const;
    await receiver.handlePrepare(makePrepare(credentials, { sequence: 1n }), { onData });
    await receiver.handlePrepare(makePrepare(credentials, { sequence: 2n, frames: [data(3n, 0n, 'x'), streamClose] }), {
      onData,
    });
    await receiver.handlePrepare(makePrepare(credentials, { sequence: 3n, frames: [connectionClose] }), { onData });
    expect(seen.map((incoming) => incoming.sequence)).toEqual([1n, 2n, 3n]);
    expect(seen[0]).toMatchObject({ connectionTag: 't', dataFrames: [], streamCloses: [], frames: [] });
    expect(seen[1]).toMatchObject({ dataFrames: [data(3n, 0n, 'x')], streamCloses: [streamClose] });
    expect(seen[1].connectionClose).toBeUndefined();
    expect(seen[2].connectionClose).toEqual(connectionClose);
  });

  it('puts the reply data of onData and onMoney in the Fulfill (with the receipt)', async () => {
    const nonce = Buffer.alloc(16, 1);
    const secret = Buffer.alloc(32, 2);
    const credentials = receiver.generateCredentials({ receiptSetup: { nonce, secret } });
    const zero = asFulfill(
      await receiver.handlePrepare(makePrepare(credentials, { frames: [data(1n, 0n, 'question')] }), {
        onData: () => ({ replyData: [{ streamId: 1n, offset: 0n, data: Buffer.from('answer') }] }),
      }),
    );
    expect(openReply(credentials, zero).frames).toContainEqual(data(1n, 0n, 'answer'));
    const paid = asFulfill(
      await receiver.handlePrepare(makePrepare(credentials, { amount: 70n, frames: [money()] }), {
        onMoney: () => ({ totalReceived: 70n, replyData: [{ streamId: 1n, offset: 6n, data: Buffer.from('thanks') }] }),
      }),
    );
    const frames = openReply(credentials, paid).frames;
    expect(frames).toContainEqual(data(1n, 6n, 'thanks'));
    const receipt = frames.find((frame) => frame.type === FrameType.StreamReceipt);
    expect(receipt && verifyReceipt(receipt.receipt, secret).totalReceived).toBe(70n);
  });

  it('leaves out reply data that would not fit in one ILP packet, last frames first', async () => {
    const credentials = receiver.generateCredentials();
    const replyData = [0, 1, 2].map((i) => ({
      streamId: 1n,
      offset: BigInt(i * 15_000),
      data: Buffer.alloc(15_000, i),
    }));
    const reply = asFulfill(await receiver.handlePrepare(makePrepare(credentials), { onData: () => ({ replyData }) }));
    expect(reply.data.length).toBeLessThanOrEqual(MAX_ILP_DATA);
    const sent = openReply(credentials, reply).frames.filter((frame) => frame.type === FrameType.StreamData);
    expect(sent.map((frame) => frame.offset)).toEqual([0n, 15_000n]);
  });

  it('fulfills a StreamClose packet (an F99 would make ilp-protocol-stream clients resend it forever)', async () => {
    const credentials = receiver.generateCredentials();
    const close = { type: FrameType.StreamClose, streamId: 1n, errorCode: 1, errorMessage: '' } as const;
    asFulfill(await receiver.handlePrepare(makePrepare(credentials, { frames: [close] })));
  });

  it('does not acknowledge a close it declines temporarily (T00, no ConnectionClose)', async () => {
    const credentials = receiver.generateCredentials();
    const prepare = makePrepare(credentials, { amount: 9n, frames: [money(), connectionClose] });
    const reply = asReject(
      await receiver.handlePrepare(prepare, {
        onMoney: () => Promise.reject(new ReceiverDeclineError('busy', { temporary: true })),
      }),
    );
    expect(reply.code).toBe('T00');
    expect(openReply(credentials, reply).frames).toEqual([]);
  });

  it('tells onConnectionClose about every authentic close, fulfilled or not, and ignores its errors', async () => {
    const credentials = receiver.generateCredentials({ connectionTag: 'c' });
    const closes: IncomingClose[] = [];
    const hooks = {
      onConnectionClose: (close: IncomingClose) => {
        closes.push(close);
        throw new Error('ignored');
      },
    };
    const unfulfillable = makePrepare(credentials, { sequence: 4n, fulfillable: false, frames: [connectionClose] });
    expect(asReject(await receiver.handlePrepare(unfulfillable, hooks)).code).toBe('F99');
    asFulfill(
      await receiver.handlePrepare(makePrepare(credentials, { sequence: 5n, frames: [connectionClose] }), hooks),
    );
    await receiver.handlePrepare(makePrepare(credentials, { sequence: 6n }), hooks); // no close: not called
    await receiver.handlePrepare({ ...unfulfillable, data: Buffer.alloc(40) }, hooks); // not authentic: not called
    expect(closes.map((close) => close.sequence)).toEqual([4n, 5n]);
    expect(closes[0]).toMatchObject({ connectionTag: 'c', errorCode: StreamErrorCode.NoError, errorMessage: '' });
  });
});
