import { allocatePacket, openEnvelope } from './envelope';
import { toInvalidPacketError } from './errors';
import { CONDITION_LENGTH, checkData, checkFixedBytes, readData } from './fields';
import { lengthPrefixSize, writeLengthPrefixAt } from './oer';
import { IlpPacketType, type IlpFulfill } from './packet-types';

/** Throws IlpEncodeError for a field that cannot be encoded (see README). */
export function serializeIlpFulfill(fulfill: IlpFulfill): Buffer {
  const { fulfillment, data } = fulfill;
  checkFixedBytes(fulfillment, CONDITION_LENGTH, 'fulfillment');
  checkData(data);

  const bodyLength = CONDITION_LENGTH + lengthPrefixSize(data.length) + data.length;
  const buffer = allocatePacket(IlpPacketType.Fulfill, bodyLength);
  const offset = buffer.length - bodyLength;
  buffer.set(fulfillment, offset);
  buffer.set(data, writeLengthPrefixAt(buffer, offset + CONDITION_LENGTH, data.length));
  return buffer;
}

/** Throws only InvalidIlpPacketError. Buffers in the result are views into `buffer`. */
export function deserializeIlpFulfill(buffer: Buffer): IlpFulfill {
  try {
    const reader = openEnvelope(buffer, IlpPacketType.Fulfill);
    const fulfillment = reader.readOctets(CONDITION_LENGTH);
    const data = readData(reader);
    return { fulfillment, data };
  } catch (error) {
    throw toInvalidPacketError(error, 'ILP Fulfill');
  }
}
