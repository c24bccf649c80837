import { createDecipheriv, createHmac } from 'node:crypto';
import {
  conditionFor,
  createStreamReceiver,
  FrameType,
  ReceiveLimitError,
  ReceiverDeclineError,
  StreamErrorCode,
  verifyReceipt,
  type IlpFulfill,
  type IlpReject,
  type IncomingMoney,
  type StreamReceiver,
} from '../src';
import { isFulfill } from '../src/ilp';
import { makePrepare, openReply } from './support/stream-packets';

const serverSecret = Buffer.alloc(32, 1);
const serverAddress = 'test.receiver';
const money = (streamId = 1n) => ({ type: FrameType.StreamMoney, streamId, shares: 1n }) as const;

function asReject(reply: unknown): IlpReject {
  expect(reply).toHaveProperty('code');
  return reply as IlpReject;
}
function asFulfill(reply: unknown): IlpFulfill {
  expect(reply).toHaveProperty('fulfillment');
  return reply as IlpFulfill;
}

describe('stateless receiver: credentials and token (stream-receiver layout)', () => {
  const receiver = createStreamReceiver({ serverSecret, serverAddress });

  it('puts a base64url token after the server address and derives the shared secret from it', () => {
    const { ilpAddress, sharedSecret } = receiver.generateCredentials({ connectionTag: 'payment-1' });
    expect(ilpAddress).toMatch(/^test\.receiver\.[A-Za-z0-9_-]+$/);
    const token = Buffer.from(ilpAddress.split('.')[2], 'base64url');
    const keygen = createHmac('sha256', serverSecret).update('ilp_stream_shared_secret').digest();
    expect(sharedSecret).toEqual(createHmac('sha256', keygen).update(token).digest());
  });

  it('seals flags ‖ tag ‖ receipt nonce ‖ secret ‖ asset with AES-GCM under HMAC(serverSecret, "ilp_stream_connection_token")', () => {
    const nonce = Buffer.alloc(16, 2);
    const secret = Buffer.alloc(32, 3);
    const { ilpAddress } = receiver.generateCredentials({
      connectionTag: 'ab',
      receiptSetup: { nonce, secret },
      asset: { code: 'EUR', scale: 2 },
    });
    const token = Buffer.from(ilpAddress.split('.')[2], 'base64url');
    const key = createHmac('sha256', serverSecret).update('ilp_stream_connection_token').digest();
    const decipher = createDecipheriv('aes-256-gcm', key, token.subarray(0, 12));
    decipher.setAuthTag(token.subarray(12, 28));
    const plaintext = Buffer.concat([decipher.update(token.subarray(28)), decipher.final()]);
    expect(plaintext).toEqual(
      Buffer.concat([
        Buffer.from([7, 2]),
        Buffer.from('ab'),
        nonce,
        secret,
        Buffer.from([3]),
        Buffer.from('EUR'),
        Buffer.from([2]),
      ]),
    );
    expect(receiver.decodeAddress(ilpAddress)).toEqual({
      connectionTag: 'ab',
      receiptSetup: { nonce, secret },
      asset: { code: 'EUR', scale: 2 },
    });
  });

  it('accepts the token in standard base64 too, and extra address segments', () => {
    const { ilpAddress } = receiver.generateCredentials({ connectionTag: 'x' });
    const token = Buffer.from(ilpAddress.split('.')[2], 'base64url');
    expect(receiver.decodeAddress(`${serverAddress}.${token.toString('base64url')}.extra`)).toEqual({
      connectionTag: 'x',
    });
  });

  it('refuses bad parameters', () => {
    expect(() => createStreamReceiver({ serverSecret: Buffer.alloc(31), serverAddress })).toThrow(RangeError);
    expect(() => createStreamReceiver({ serverSecret, serverAddress: 'nope' })).toThrow(RangeError);
    expect(() =>
      receiver.generateCredentials({ receiptSetup: { nonce: Buffer.alloc(1), secret: Buffer.alloc(32) } }),
    ).toThrow(RangeError);
    expect(() => receiver.generateCredentials({ asset: { code: 'X', scale: 256 } })).toThrow(RangeError);
    expect(() => receiver.generateCredentials({ connectionTag: 'é' })).toThrow(RangeError);
    expect(() => receiver.generateCredentials({ connectionTag: 'a'.repeat(1000) })).toThrow(RangeError);
  });
});

describe('stateless receiver: decision procedure (PROTOCOLS.md §4.6)', () => {
  let receiver: StreamReceiver;
  beforeEach(() => {
    receiver = createStreamReceiver({ serverSecret, serverAddress });
  });

  it('F02 with empty message and data for packets not addressed to it', async () => {
    const credentials = receiver.generateCredentials();
    for (const destination of ['test.other.abc', 'test.receiver', 'test.receiver.', 'test.receiverx.abc']) {
      const reply = asReject(await receiver.handlePrepare(makePrepare(credentials, { destination })));
      expect(reply).toEqual({ code: 'F02', triggeredBy: serverAddress, message: '', data: Buffer.alloc(0) });
    }
  });

  it('F06 without data for a forged token, undecryptable data or a non-Prepare STREAM packet', async () => {
    const credentials = receiver.generateCredentials();
    const other = createStreamReceiver({ serverSecret: Buffer.alloc(32, 9), serverAddress }).generateCredentials();
    const badData = { ...makePrepare(credentials), data: Buffer.from('garbage that is long enough to try') };
    const cases = [
      makePrepare(other),
      makePrepare(credentials, { destination: `${serverAddress}.AAAA` }),
      badData,
      makePrepare(credentials, { ilpPacketType: 13 }),
    ];
    for (const prepare of cases) {
      const reply = asReject(await receiver.handlePrepare(prepare));
      expect(reply.code).toBe('F06');
      expect(reply.data).toHaveLength(0);
    }
  });

  it('acknowledges a ConnectionClose with ConnectionClose(NoError): F99 for an unfulfillable close', async () => {
    const credentials = receiver.generateCredentials();
    const onData = jest.fn();
    const prepare = makePrepare(credentials, {
      sequence: 7n,
      fulfillable: false,
      frames: [{ type: FrameType.ConnectionClose, errorCode: 1, errorMessage: '' }],
    });
    const reply = asReject(await receiver.handlePrepare(prepare, { onData }));
    expect(reply.code).toBe('F99');
    expect(openReply(credentials, reply)).toEqual({
      sequence: 7n,
      ilpPacketType: 14,
      prepareAmount: 0n,
      frames: [{ type: FrameType.ConnectionClose, errorCode: StreamErrorCode.NoError, errorMessage: '' }],
    });
    expect(onData).not.toHaveBeenCalled();
  });

  it('fulfills the money of a closing packet (crediting it once) and acknowledges the close in the Fulfill', async () => {
    const credentials = receiver.generateCredentials();
    const onMoney = jest.fn();
    const close = { type: FrameType.ConnectionClose, errorCode: StreamErrorCode.NoError, errorMessage: '' } as const;
    const streamClose = { type: FrameType.StreamClose, streamId: 1n, errorCode: 1, errorMessage: '' } as const;
    const prepare = makePrepare(credentials, { sequence: 7n, amount: 10n, frames: [money(), streamClose, close] });
    const reply = asFulfill(await receiver.handlePrepare(prepare, { onMoney }));
    expect(conditionFor(reply.fulfillment)).toEqual(prepare.executionCondition);
    expect(openReply(credentials, reply)).toEqual({
      sequence: 7n,
      ilpPacketType: 13,
      prepareAmount: 10n,
      frames: [close],
    });
    expect(onMoney).toHaveBeenCalledTimes(1);
    expect(onMoney.mock.calls[0][0]).toMatchObject({
      amount: 10n,
      connectionClose: close,
      streamCloses: [streamClose],
    });
  });

  it('F99 with the arrived amount when below the sender minimum', async () => {
    const credentials = receiver.generateCredentials();
    const onMoney = jest.fn();
    const reply = asReject(
      await receiver.handlePrepare(makePrepare(credentials, { amount: 99n, minimum: 100n, frames: [money()] }), {
        onMoney,
      }),
    );
    expect(reply.code).toBe('F99');
    expect(openReply(credentials, reply)).toMatchObject({ ilpPacketType: 14, prepareAmount: 99n, sequence: 1n });
    expect(onMoney).not.toHaveBeenCalled();
  });

  it('F99 (never F05) with the arrived amount for unfulfillable probes, plus asset details for a new address', async () => {
    const credentials = receiver.generateCredentials({ asset: { code: 'EUR', scale: 3 } });
    const prepare = makePrepare(credentials, {
      amount: 1_000_000n,
      fulfillable: false,
      frames: [{ type: FrameType.ConnectionNewAddress, sourceAccount: '' }],
    });
    const reply = asReject(await receiver.handlePrepare(prepare));
    expect(reply.code).toBe('F99');
    expect(openReply(credentials, reply)).toEqual({
      sequence: 1n,
      ilpPacketType: 14,
      prepareAmount: 1_000_000n,
      frames: [{ type: FrameType.ConnectionAssetDetails, sourceAssetCode: 'EUR', sourceAssetScale: 3 }],
    });
  });

  it('closes with ProtocolViolation when a client uses an even stream id', async () => {
    const credentials = receiver.generateCredentials();
    const reply = asReject(await receiver.handlePrepare(makePrepare(credentials, { amount: 5n, frames: [money(2n)] })));
    expect(openReply(credentials, reply).frames).toEqual([
      { type: FrameType.ConnectionClose, errorCode: StreamErrorCode.ProtocolViolation, errorMessage: '' },
    ]);
  });

  it('fulfills a valid packet, calling onMoney exactly once with the amount, tag and data', async () => {
    const credentials = receiver.generateCredentials({ connectionTag: 'incoming-7' });
    const onMoney = jest.fn();
    const data = { type: FrameType.StreamData, streamId: 1n, offset: 0n, data: Buffer.from('hi') } as const;
    const prepare = makePrepare(credentials, { amount: 500n, minimum: 490n, sequence: 3n, frames: [money(), data] });
    const reply = asFulfill(await receiver.handlePrepare(prepare, { onMoney }));
    expect(conditionFor(reply.fulfillment)).toEqual(prepare.executionCondition);
    // Data in the packet: the reply advertises the per-stream data limit (1 MiB by default), not a connection limit.
    expect(openReply(credentials, reply)).toEqual({
      sequence: 3n,
      ilpPacketType: 13,
      prepareAmount: 500n,
      frames: [
        { type: FrameType.StreamMaxData, streamId: 1n, maxOffset: 1n << 20n },
        { type: FrameType.ConnectionMaxData, maxOffset: 2n ** 64n - 1n },
      ],
    });
    expect(onMoney).toHaveBeenCalledTimes(1);
    const call = onMoney.mock.calls[0][0] as IncomingMoney;
    expect(call).toMatchObject({ amount: 500n, sequence: 3n, connectionTag: 'incoming-7', receipts: false });
    expect(call.connectionId).toMatch(/^[0-9a-f]{64}$/);
    expect(call.dataFrames).toEqual([data]);
  });

  it('fulfills zero-amount packets without onMoney, passing data to onData', async () => {
    const credentials = receiver.generateCredentials();
    const onMoney = jest.fn();
    const onData = jest.fn();
    const data = { type: FrameType.StreamData, streamId: 1n, offset: 0n, data: Buffer.from('memo') } as const;
    const reply = await receiver.handlePrepare(makePrepare(credentials, { frames: [data] }), { onMoney, onData });
    expect(isFulfill(reply)).toBe(true);
    expect(onMoney).not.toHaveBeenCalled();
    expect(onData).toHaveBeenCalledWith(expect.objectContaining({ dataFrames: [data], sequence: 1n }));
  });

  it('rejects F99 + ConnectionClose instead of fulfilling when onMoney throws or rejects', async () => {
    const credentials = receiver.generateCredentials();
    for (const onMoney of [
      () => {
        throw new Error('completed');
      },
      () => Promise.reject(new Error('expired')),
    ]) {
      const reply = asReject(
        await receiver.handlePrepare(makePrepare(credentials, { amount: 5n, frames: [money()] }), { onMoney }),
      );
      expect(reply.code).toBe('F99');
      expect(openReply(credentials, reply)).toMatchObject({
        ilpPacketType: 14,
        prepareAmount: 5n,
        frames: [{ type: FrameType.ConnectionClose, errorCode: StreamErrorCode.ApplicationError, errorMessage: '' }],
      });
    }
  });

  it('lets the application choose a final NoError close or a temporary T00 decline', async () => {
    const credentials = receiver.generateCredentials();
    const prepare = makePrepare(credentials, { amount: 5n, frames: [money()] });
    const final = asReject(
      await receiver.handlePrepare(prepare, {
        onMoney: () => {
          throw new ReceiverDeclineError('incoming payment completed');
        },
      }),
    );
    expect(openReply(credentials, final).frames).toEqual([
      { type: FrameType.ConnectionClose, errorCode: StreamErrorCode.NoError, errorMessage: '' },
    ]);
    const temporary = asReject(
      await receiver.handlePrepare(prepare, {
        onMoney: () => Promise.reject(new ReceiverDeclineError('busy', { temporary: true })),
      }),
    );
    expect(temporary.code).toBe('T00');
  });

  it('rejects F99 with StreamMaxMoney above the remaining amount, and fulfills up to it', async () => {
    const credentials = receiver.generateCredentials({ connectionTag: 'p' });
    const onMoney = jest.fn();
    const remainingAmount = jest.fn().mockResolvedValue({ remaining: 100n, totalReceived: 400n });
    const over = asReject(
      await receiver.handlePrepare(makePrepare(credentials, { amount: 101n, frames: [money(3n)] }), {
        remainingAmount,
        onMoney,
      }),
    );
    expect(over.code).toBe('F99');
    expect(openReply(credentials, over).frames).toEqual([
      { type: FrameType.StreamMaxMoney, streamId: 3n, receiveMax: 500n, totalReceived: 400n },
    ]);
    expect(remainingAmount).toHaveBeenCalledWith(expect.objectContaining({ connectionTag: 'p' }));
    expect(onMoney).not.toHaveBeenCalled();
    const exact = await receiver.handlePrepare(makePrepare(credentials, { amount: 100n, frames: [money(3n)] }), {
      remainingAmount: () => 100n,
      onMoney,
    });
    expect(isFulfill(exact)).toBe(true);
    expect(onMoney).toHaveBeenCalledTimes(1);
  });

  it('answers a ReceiveLimitError from onMoney like a remaining amount: F99 with StreamMaxMoney', async () => {
    const credentials = receiver.generateCredentials();
    const reply = asReject(
      await receiver.handlePrepare(makePrepare(credentials, { amount: 60n, frames: [money(5n)] }), {
        onMoney: () => {
          throw new ReceiveLimitError({ remaining: 50n, totalReceived: 450n });
        },
      }),
    );
    expect(reply.code).toBe('F99');
    expect(openReply(credentials, reply).frames).toEqual([
      { type: FrameType.StreamMaxMoney, streamId: 5n, receiveMax: 500n, totalReceived: 450n },
    ]);
  });

  it('issues a receipt on each Fulfill when the credentials have receipt setup', async () => {
    const nonce = Buffer.alloc(16, 5);
    const secret = Buffer.alloc(32, 6);
    const credentials = receiver.generateCredentials({ receiptSetup: { nonce, secret } });
    let total = 0n;
    const hooks = {
      onMoney: (incoming: IncomingMoney) => {
        expect(incoming.receipts).toBe(true);
        total += incoming.amount;
        return { totalReceived: total };
      },
    };
    for (const [sequence, amount] of [
      [1n, 300n],
      [2n, 200n],
    ]) {
      const reply = asFulfill(
        await receiver.handlePrepare(makePrepare(credentials, { sequence, amount, frames: [money()] }), hooks),
      );
      const [frame] = openReply(credentials, reply).frames;
      expect(frame).toMatchObject({ type: FrameType.StreamReceipt, streamId: 1n });
      if (frame.type !== FrameType.StreamReceipt) throw new Error('expected a receipt');
      expect(verifyReceipt(frame.receipt, secret)).toMatchObject({ nonce, streamId: 1, totalReceived: total });
    }
    expect(total).toBe(500n);
  });
});
