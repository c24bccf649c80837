// The ILPv4 envelope: `type` UInt8 then the packet body as a var-length octet string (RFC 0027).
// As in ilp-packet, bytes after the envelope and bytes after the last body field are ignored (RFC 0030 extensibility),
// but the length prefix must be canonical and the buffer must hold the whole body.
import { InvalidIlpPacketError } from './errors';
import { lengthPrefixSize, OerReader, writeLengthPrefixAt } from './oer';
import { IlpPacketType } from './packet-types';

/** Allocates a packet of exactly the right size with type and length written; the body fills its last bytes. */
export function allocatePacket(type: IlpPacketType, bodyLength: number): Buffer {
  const buffer = Buffer.allocUnsafe(1 + lengthPrefixSize(bodyLength) + bodyLength);
  buffer[0] = type;
  writeLengthPrefixAt(buffer, 1, bodyLength);
  return buffer;
}

/** Checks the type byte and returns a reader bounded to the body. */
export function openEnvelope(buffer: Buffer, type: IlpPacketType): OerReader {
  if (!Buffer.isBuffer(buffer) || buffer.length === 0) throw new InvalidIlpPacketError('empty packet');
  if (buffer[0] !== type) throw new InvalidIlpPacketError(`expected packet type ${type}, got ${buffer[0]}`);
  const reader = new OerReader(buffer, 1);
  reader.limitTo(reader.readLengthPrefix());
  return reader;
}

/** Type of a packet from its first byte without decoding it; undefined when it is not 12, 13 or 14. */
export function getIlpPacketType(buffer: Buffer): IlpPacketType | undefined {
  const type = buffer[0];
  return type === IlpPacketType.Prepare || type === IlpPacketType.Fulfill || type === IlpPacketType.Reject
    ? type
    : undefined;
}
