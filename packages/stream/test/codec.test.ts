import fc from 'fast-check';
import { MAX_UINT64 } from '@sluice/ilp';
import {
  decodeStreamPacket,
  encodeStreamPacket,
  FrameType,
  IlpPacketType,
  StreamCodecError,
  type Frame,
  type StreamPacket,
} from '../src';
import { packetArbitrary } from './support/arbitraries';

const hex = (value: string): Buffer => Buffer.from(value.replace(/\s+/g, ''), 'hex');
const packet = (frames: Frame[], overrides: Partial<StreamPacket> = {}): StreamPacket => ({
  sequence: 0n,
  ilpPacketType: IlpPacketType.Prepare,
  prepareAmount: 0n,
  frames,
  ...overrides,
});
/** Header of an empty-ish Prepare (sequence 0, amount 0) followed by `count` frames. */
const header = (count: number): string => `01 0c 0100 0100 01${count.toString(16).padStart(2, '0')}`;

describe('STREAM packet codec: vectors (PROTOCOLS.md §4.3, RFC 0029 fixtures)', () => {
  it('encodes and decodes the empty Prepare packet', () => {
    const bytes = hex('01 0c 01 00 01 00 01 00');
    expect(encodeStreamPacket(packet([]))).toEqual(bytes);
    expect(decodeStreamPacket(bytes)).toEqual(packet([]));
  });

  it('encodes StreamMoney{123, 0} as 11 04 01 7b 01 00', () => {
    const frame: Frame = { type: FrameType.StreamMoney, streamId: 123n, shares: 0n };
    const bytes = hex(`${header(1)} 11 04 01 7b 01 00`);
    expect(encodeStreamPacket(packet([frame]))).toEqual(bytes);
    expect(decodeStreamPacket(bytes).frames).toEqual([frame]);
  });

  it('encodes ConnectionNewAddress("example.alice")', () => {
    const frame: Frame = { type: FrameType.ConnectionNewAddress, sourceAccount: 'example.alice' };
    const bytes = hex(`${header(1)} 02 0e 0d 6578616d706c652e616c696365`);
    expect(encodeStreamPacket(packet([frame]))).toEqual(bytes);
    expect(decodeStreamPacket(bytes).frames).toEqual([frame]);
  });

  it('encodes UInt64 maxima in 8 bytes and the packet types 13/14', () => {
    const bytes = hex('01 0d 08 ffffffffffffffff 08 ffffffffffffffff 01 00');
    const max = packet([], { sequence: MAX_UINT64, prepareAmount: MAX_UINT64, ilpPacketType: IlpPacketType.Fulfill });
    expect(encodeStreamPacket(max)).toEqual(bytes);
    expect(decodeStreamPacket(bytes)).toEqual(max);
    expect(encodeStreamPacket(packet([], { ilpPacketType: 14 }))[1]).toBe(14);
  });

  it('encodes ConnectionAssetDetails and StreamClose field by field', () => {
    const asset: Frame = { type: FrameType.ConnectionAssetDetails, sourceAssetCode: 'ABC', sourceAssetScale: 255 };
    expect(encodeStreamPacket(packet([asset]))).toEqual(hex(`${header(1)} 07 05 03 414243 ff`));
    const close: Frame = { type: FrameType.StreamClose, streamId: 123n, errorCode: 255, errorMessage: 'no' };
    expect(encodeStreamPacket(packet([close]))).toEqual(hex(`${header(1)} 10 06 01 7b ff 02 6e6f`));
  });
});

describe('STREAM packet codec: decoding rules', () => {
  it('skips unknown frame types and keeps decoding the frames after them', () => {
    const bytes = hex(`${header(3)} ff 03 010203  08 00  11 04 01 01 01 05`);
    expect(decodeStreamPacket(bytes).frames).toEqual([{ type: FrameType.StreamMoney, streamId: 1n, shares: 5n }]);
  });

  it('ignores zero padding after the frames and extra bytes inside a frame', () => {
    const bytes = hex(`${header(1)} 11 06 01 01 01 05 0000 000000`);
    expect(decodeStreamPacket(bytes).frames).toEqual([{ type: FrameType.StreamMoney, streamId: 1n, shares: 5n }]);
  });

  it('saturates receiveMax and sendMax above 2^64−1 to 2^64−1', () => {
    const bigVarUInt = '09 01 0000000000000000'; // 2^64
    const bytes = hex(`${header(2)} 12 0e 01 01 ${bigVarUInt} 01 07  13 0e 01 01 ${bigVarUInt} 01 08`);
    expect(decodeStreamPacket(bytes).frames).toEqual([
      { type: FrameType.StreamMaxMoney, streamId: 1n, receiveMax: MAX_UINT64, totalReceived: 7n },
      { type: FrameType.StreamMoneyBlocked, streamId: 1n, sendMax: MAX_UINT64, totalSent: 8n },
    ]);
  });

  it('rejects other VarUInts above 2^64−1 with VALUE_TOO_LARGE', () => {
    const bytes = hex(`${header(1)} 11 0c 01 01 09 01 0000000000000000`);
    expect(() => decodeStreamPacket(bytes)).toThrow(expect.objectContaining({ code: 'VALUE_TOO_LARGE' }));
    const sequence = hex('01 0c 09 01 0000000000000000 0100 0100');
    expect(() => decodeStreamPacket(sequence)).toThrow(expect.objectContaining({ code: 'VALUE_TOO_LARGE' }));
  });

  it('accepts VarUInts with leading zero bytes (as ilp-protocol-stream does)', () => {
    const bytes = hex(`${header(1)} 11 0c 01 01 09 00 ffffffffffffffff`);
    expect(decodeStreamPacket(bytes).frames).toEqual([
      { type: FrameType.StreamMoney, streamId: 1n, shares: MAX_UINT64 },
    ]);
  });

  it.each([
    ['an unsupported version', '02 0c 0100 0100 0100', 'UNSUPPORTED_VERSION'],
    ['a truncated header', '01 0c 01', 'MALFORMED'],
    ['a truncated frame', `${header(1)} 11 04 01 01`, 'MALFORMED'],
    ['a frame count larger than the data', `${header(5)} 11 04 01 01 01 00`, 'MALFORMED'],
    ['a zero-length VarUInt', '01 0c 00 0100 0100', 'MALFORMED'],
    ['a frame with missing fields', `${header(1)} 11 02 01 01`, 'MALFORMED'],
    ['an empty buffer', '', 'MALFORMED'],
  ])('rejects %s', (_name, bytes, code) => {
    expect(() => decodeStreamPacket(hex(bytes))).toThrow(StreamCodecError);
    expect(() => decodeStreamPacket(hex(bytes))).toThrow(expect.objectContaining({ code }));
  });

  it('never throws anything but StreamCodecError on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        try {
          decodeStreamPacket(Buffer.from(bytes));
        } catch (error) {
          expect(error).toBeInstanceOf(StreamCodecError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('STREAM packet codec: encoding rules', () => {
  it.each<[string, StreamPacket]>([
    ['a negative sequence', packet([], { sequence: -1n })],
    ['an amount above UInt64', packet([], { prepareAmount: MAX_UINT64 + 1n })],
    ['an ilpPacketType above 255', packet([], { ilpPacketType: 256 })],
    ['an error code above 255', packet([{ type: FrameType.ConnectionClose, errorCode: 300, errorMessage: '' }])],
    ['a stream id above UInt64', packet([{ type: FrameType.StreamMoney, streamId: MAX_UINT64 + 1n, shares: 1n }])],
  ])('refuses %s', (_name, value) => {
    expect(() => encodeStreamPacket(value)).toThrow(expect.objectContaining({ code: 'INVALID_VALUE' }));
  });

  it('round-trips random packets', () => {
    fc.assert(
      fc.property(packetArbitrary, (value) => {
        expect(decodeStreamPacket(encodeStreamPacket(value))).toEqual(value);
      }),
      { numRuns: 500 },
    );
  });
});
