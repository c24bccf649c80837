import { allocatePacket, openEnvelope } from './envelope';
import { IlpEncodeError, InvalidIlpPacketError, toInvalidPacketError } from './errors';
import { checkAddress, checkData, readAddress, readData } from './fields';
import { lengthPrefixSize, writeLengthPrefixAt } from './oer';
import { IlpPacketType, type IlpReject } from './packet-types';
import { decodeUtf8, isAsciiText, writeAsciiAt } from './text';

const CODE_LENGTH = 3;

/**
 * Throws IlpEncodeError for a field that cannot be encoded (see README). `message` is written as UTF-8 with no
 * length limit, so that a relayed Reject re-encodes exactly as received.
 */
export function serializeIlpReject(reject: IlpReject): Buffer {
  const { code, triggeredBy, message, data } = reject;
  checkCode(code);
  if (triggeredBy !== '') checkAddress(triggeredBy, 'triggeredBy');
  if (typeof message !== 'string') throw new IlpEncodeError('message', 'must be a string');
  checkData(data);

  // Reject messages are nearly always ASCII; writing those one byte per character skips Buffer's UTF-8 encoder.
  const asciiMessage = isAsciiText(message);
  const messageLength = asciiMessage ? message.length : Buffer.byteLength(message, 'utf8');
  const bodyLength =
    CODE_LENGTH +
    lengthPrefixSize(triggeredBy.length) +
    triggeredBy.length +
    lengthPrefixSize(messageLength) +
    messageLength +
    lengthPrefixSize(data.length) +
    data.length;
  const buffer = allocatePacket(IlpPacketType.Reject, bodyLength);
  let offset = writeAsciiAt(buffer, buffer.length - bodyLength, code);
  offset = writeLengthPrefixAt(buffer, offset, triggeredBy.length);
  offset = writeAsciiAt(buffer, offset, triggeredBy);
  offset = writeLengthPrefixAt(buffer, offset, messageLength);
  offset = asciiMessage ? writeAsciiAt(buffer, offset, message) : offset + buffer.write(message, offset, 'utf8');
  offset = writeLengthPrefixAt(buffer, offset, data.length);
  buffer.set(data, offset);
  return buffer;
}

function checkCode(code: string): void {
  if (
    typeof code !== 'string' ||
    code.length !== CODE_LENGTH ||
    !isAscii(code.charCodeAt(0), code.charCodeAt(1), code.charCodeAt(2))
  ) {
    throw new IlpEncodeError('code', 'must be 3 ASCII characters');
  }
}

function isAscii(a: number, b: number, c: number): boolean {
  return (a | b | c) < 0x80;
}

/**
 * Throws only InvalidIlpPacketError. `message` is decoded leniently (invalid UTF-8 becomes U+FFFD) because it is
 * only for humans; `data` is a view into `buffer`.
 */
export function deserializeIlpReject(buffer: Buffer): IlpReject {
  try {
    const reader = openEnvelope(buffer, IlpPacketType.Reject);
    const codeStart = reader.skipOctets(CODE_LENGTH);
    const a = buffer[codeStart];
    const b = buffer[codeStart + 1];
    const c = buffer[codeStart + 2];
    // The code is an IA5String (7-bit); ilp-packet would strip the high bit instead and accept it.
    if (!isAscii(a, b, c)) throw new InvalidIlpPacketError('code must be 3 ASCII characters');
    const code = String.fromCharCode(a, b, c);
    const triggeredBy = readAddress(reader, 'triggeredBy', true);
    const messageLength = reader.readLengthPrefix();
    const messageStart = reader.skipOctets(messageLength);
    const message = decodeUtf8(buffer, messageStart, messageStart + messageLength);
    const data = readData(reader);
    return { code, triggeredBy, message, data };
  } catch (error) {
    throw toInvalidPacketError(error, 'ILP Reject');
  }
}
