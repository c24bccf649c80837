// fast-check generators for STREAM packets within the ranges both implementations can encode.
import fc from 'fast-check';
import { MAX_UINT64 } from '@sluice/ilp';
import { FrameType, type Frame, type StreamPacket } from '../../src';

export const u64 = (): fc.Arbitrary<bigint> => fc.bigInt({ min: 0n, max: MAX_UINT64 });
const u8 = (): fc.Arbitrary<number> => fc.integer({ min: 0, max: 255 });
const text = (): fc.Arbitrary<string> => fc.string({ unit: 'grapheme', maxLength: 40 });
const bytes = (): fc.Arbitrary<Buffer> => fc.uint8Array({ maxLength: 300 }).map((array) => Buffer.from(array));

export const frameArbitrary: fc.Arbitrary<Frame> = fc.oneof(
  fc.record({ type: fc.constant(FrameType.ConnectionClose), errorCode: u8(), errorMessage: text() }),
  fc.record({ type: fc.constant(FrameType.ConnectionNewAddress), sourceAccount: text() }),
  fc.record({ type: fc.constant(FrameType.ConnectionMaxData), maxOffset: u64() }),
  fc.record({ type: fc.constant(FrameType.ConnectionDataBlocked), maxOffset: u64() }),
  fc.record({ type: fc.constant(FrameType.ConnectionMaxStreamId), maxStreamId: u64() }),
  fc.record({ type: fc.constant(FrameType.ConnectionStreamIdBlocked), maxStreamId: u64() }),
  fc.record({ type: fc.constant(FrameType.ConnectionAssetDetails), sourceAssetCode: text(), sourceAssetScale: u8() }),
  fc.record({ type: fc.constant(FrameType.StreamClose), streamId: u64(), errorCode: u8(), errorMessage: text() }),
  fc.record({ type: fc.constant(FrameType.StreamMoney), streamId: u64(), shares: u64() }),
  fc.record({ type: fc.constant(FrameType.StreamMaxMoney), streamId: u64(), receiveMax: u64(), totalReceived: u64() }),
  fc.record({ type: fc.constant(FrameType.StreamMoneyBlocked), streamId: u64(), sendMax: u64(), totalSent: u64() }),
  fc.record({ type: fc.constant(FrameType.StreamData), streamId: u64(), offset: u64(), data: bytes() }),
  fc.record({ type: fc.constant(FrameType.StreamMaxData), streamId: u64(), maxOffset: u64() }),
  fc.record({ type: fc.constant(FrameType.StreamDataBlocked), streamId: u64(), maxOffset: u64() }),
  fc.record({ type: fc.constant(FrameType.StreamReceipt), streamId: u64(), receipt: bytes() }),
);

export const packetArbitrary: fc.Arbitrary<StreamPacket> = fc.record({
  sequence: u64(),
  ilpPacketType: fc.constantFrom(12, 13, 14),
  prepareAmount: u64(),
  frames: fc.array(frameArbitrary, { maxLength: 8 }),
});
