// Decoding by type byte, for transports that carry any packet (Prepare in, Fulfill or Reject back).
import { InvalidIlpPacketError } from './errors';
import { deserializeIlpFulfill, serializeIlpFulfill } from './fulfill';
import {
  IlpPacketType,
  isFulfill,
  type IlpFulfill,
  type IlpPrepare,
  type IlpReject,
  type IlpReply,
} from './packet-types';
import { deserializeIlpPrepare } from './prepare';
import { deserializeIlpReject, serializeIlpReject } from './reject';

export type IlpPacket =
  | { type: IlpPacketType.Prepare; packet: IlpPrepare }
  | { type: IlpPacketType.Fulfill; packet: IlpFulfill }
  | { type: IlpPacketType.Reject; packet: IlpReject };

/** Throws only InvalidIlpPacketError. */
export function deserializeIlpPacket(buffer: Buffer): IlpPacket {
  switch (firstByte(buffer)) {
    case IlpPacketType.Prepare:
      return { type: IlpPacketType.Prepare, packet: deserializeIlpPrepare(buffer) };
    case IlpPacketType.Fulfill:
      return { type: IlpPacketType.Fulfill, packet: deserializeIlpFulfill(buffer) };
    case IlpPacketType.Reject:
      return { type: IlpPacketType.Reject, packet: deserializeIlpReject(buffer) };
    default:
      throw new InvalidIlpPacketError(`not an ILP packet type: ${firstByte(buffer)}`);
  }
}

/** A Fulfill or a Reject; throws only InvalidIlpPacketError (also for a Prepare). */
export function deserializeIlpReply(buffer: Buffer): IlpReply {
  switch (firstByte(buffer)) {
    case IlpPacketType.Fulfill:
      return deserializeIlpFulfill(buffer);
    case IlpPacketType.Reject:
      return deserializeIlpReject(buffer);
    default:
      throw new InvalidIlpPacketError(`not an ILP reply type: ${firstByte(buffer)}`);
  }
}

export function serializeIlpReply(reply: IlpReply): Buffer {
  return isFulfill(reply) ? serializeIlpFulfill(reply) : serializeIlpReject(reply);
}

function firstByte(buffer: Buffer): number | undefined {
  return Buffer.isBuffer(buffer) ? buffer[0] : undefined;
}
