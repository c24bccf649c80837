import { allocatePacket, openEnvelope } from './envelope';
import { toInvalidPacketError } from './errors';
import {
  CONDITION_LENGTH,
  checkAddress,
  checkData,
  checkFixedBytes,
  checkUInt64,
  readAddress,
  readData,
} from './fields';
import { lengthPrefixSize, writeLengthPrefixAt, writeUInt64At } from './oer';
import { IlpPacketType, type IlpPrepare } from './packet-types';
import { writeAsciiAt } from './text';
import { ILP_TIMESTAMP_LENGTH, checkIlpTimestamp, readIlpTimestampAt, writeIlpTimestampAt } from './timestamp';

// amount, expiresAt and executionCondition: the fixed-width head of every Prepare.
const FIXED_LENGTH = 8 + ILP_TIMESTAMP_LENGTH + CONDITION_LENGTH;

/** Throws IlpEncodeError for a field that cannot be encoded (see README). */
export function serializeIlpPrepare(prepare: IlpPrepare): Buffer {
  const { amount, expiresAt, executionCondition, destination, data } = prepare;
  checkUInt64(amount, 'amount');
  checkIlpTimestamp(expiresAt, 'expiresAt');
  checkFixedBytes(executionCondition, CONDITION_LENGTH, 'executionCondition');
  checkAddress(destination, 'destination');
  checkData(data);

  const bodyLength =
    FIXED_LENGTH +
    lengthPrefixSize(destination.length) +
    destination.length +
    lengthPrefixSize(data.length) +
    data.length;
  const buffer = allocatePacket(IlpPacketType.Prepare, bodyLength);
  let offset = writeUInt64At(buffer, buffer.length - bodyLength, amount);
  offset = writeIlpTimestampAt(buffer, offset, expiresAt);
  buffer.set(executionCondition, offset);
  offset = writeLengthPrefixAt(buffer, offset + CONDITION_LENGTH, destination.length);
  offset = writeAsciiAt(buffer, offset, destination);
  offset = writeLengthPrefixAt(buffer, offset, data.length);
  buffer.set(data, offset);
  return buffer;
}

/** Throws only InvalidIlpPacketError. Buffers in the result are views into `buffer`. */
export function deserializeIlpPrepare(buffer: Buffer): IlpPrepare {
  try {
    const reader = openEnvelope(buffer, IlpPacketType.Prepare);
    const amount = reader.readUInt64();
    const expiresAt = readIlpTimestampAt(buffer, reader.skipOctets(ILP_TIMESTAMP_LENGTH));
    const executionCondition = reader.readOctets(CONDITION_LENGTH);
    const destination = readAddress(reader, 'destination', false);
    const data = readData(reader);
    return { amount, expiresAt, executionCondition, destination, data };
  } catch (error) {
    throw toInvalidPacketError(error, 'ILP Prepare');
  }
}
