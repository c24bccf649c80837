// Converts between our typed frames and ilp-protocol-stream's frame classes (interop tests only).
import * as Ref from 'ilp-protocol-stream/dist/src/packet';
import Long from 'long';
import { FrameType, type Frame, type StreamPacket } from '../../src';

const s = (value: bigint): string => value.toString();

export function toReferenceFrame(frame: Frame): Ref.Frame {
  switch (frame.type) {
    case FrameType.ConnectionClose:
      return new Ref.ConnectionCloseFrame(frame.errorCode, frame.errorMessage);
    case FrameType.ConnectionNewAddress:
      return new Ref.ConnectionNewAddressFrame(frame.sourceAccount);
    case FrameType.ConnectionMaxData:
      return new Ref.ConnectionMaxDataFrame(s(frame.maxOffset));
    case FrameType.ConnectionDataBlocked:
      return new Ref.ConnectionDataBlockedFrame(s(frame.maxOffset));
    case FrameType.ConnectionMaxStreamId:
      return new Ref.ConnectionMaxStreamIdFrame(s(frame.maxStreamId));
    case FrameType.ConnectionStreamIdBlocked:
      return new Ref.ConnectionStreamIdBlockedFrame(s(frame.maxStreamId));
    case FrameType.ConnectionAssetDetails:
      return new Ref.ConnectionAssetDetailsFrame(frame.sourceAssetCode, frame.sourceAssetScale);
    case FrameType.StreamClose:
      return new Ref.StreamCloseFrame(s(frame.streamId), frame.errorCode, frame.errorMessage);
    case FrameType.StreamMoney:
      return new Ref.StreamMoneyFrame(s(frame.streamId), s(frame.shares));
    case FrameType.StreamMaxMoney:
      return new Ref.StreamMaxMoneyFrame(s(frame.streamId), s(frame.receiveMax), s(frame.totalReceived));
    case FrameType.StreamMoneyBlocked:
      return new Ref.StreamMoneyBlockedFrame(s(frame.streamId), s(frame.sendMax), s(frame.totalSent));
    case FrameType.StreamData:
      return new Ref.StreamDataFrame(s(frame.streamId), s(frame.offset), frame.data);
    case FrameType.StreamMaxData:
      return new Ref.StreamMaxDataFrame(s(frame.streamId), s(frame.maxOffset));
    case FrameType.StreamDataBlocked:
      return new Ref.StreamDataBlockedFrame(s(frame.streamId), s(frame.maxOffset));
    case FrameType.StreamReceipt:
      return new Ref.StreamReceiptFrame(s(frame.streamId), frame.receipt);
  }
}

/** A reference frame as one of ours: Long → bigint, drop the `name` property. */
export function fromReferenceFrame(frame: Ref.Frame): Frame {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(frame)) {
    if (key === 'name') continue;
    out[key] = Long.isLong(value) ? BigInt((value as Long).toString()) : value;
  }
  return out as unknown as Frame;
}

export function toReferencePacket(packet: StreamPacket): Ref.Packet {
  return new Ref.Packet(
    s(packet.sequence),
    packet.ilpPacketType,
    s(packet.prepareAmount),
    packet.frames.map(toReferenceFrame),
  );
}

export function fromReferencePacket(packet: Ref.Packet): StreamPacket {
  return {
    sequence: BigInt(packet.sequence.toString()),
    ilpPacketType: packet.ilpPacketType,
    prepareAmount: BigInt(packet.prepareAmount.toString()),
    frames: packet.frames.map(fromReferenceFrame),
  };
}
