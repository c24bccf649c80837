// Field-level checks and readers shared by the packet codecs. Limits come from asn1/InterledgerProtocol.asn.
import { ILP_ADDRESS_MAX_LENGTH, isValidIlpAddress } from './address';
import { IlpEncodeError, InvalidIlpPacketError } from './errors';
import { MAX_UINT64, OerReader } from './oer';
import { decodeLatin1 } from './text';

export const CONDITION_LENGTH = 32;
export const MAX_DATA_LENGTH = 32_767;
export const EMPTY_BUFFER = Buffer.alloc(0);

export function checkUInt64(value: bigint, field: string): void {
  if (typeof value !== 'bigint' || value < 0n || value > MAX_UINT64) {
    throw new IlpEncodeError(field, 'must be a bigint in 0..2^64-1');
  }
}

export function checkFixedBytes(value: Buffer, length: number, field: string): void {
  if (!Buffer.isBuffer(value) || value.length !== length) {
    throw new IlpEncodeError(field, `must be a ${length}-byte Buffer`);
  }
}

export function checkData(data: Buffer): void {
  if (!Buffer.isBuffer(data) || data.length > MAX_DATA_LENGTH) {
    throw new IlpEncodeError('data', `must be a Buffer of at most ${MAX_DATA_LENGTH} bytes`);
  }
}

export function checkAddress(address: string, field: string): void {
  if (!isValidIlpAddress(address)) throw new IlpEncodeError(field, 'must be a valid ILP address');
}

/** A var-octet ILP address; `allowEmpty` for Reject.triggeredBy, which ilp-packet also accepts empty. */
export function readAddress(reader: OerReader, field: string, allowEmpty: boolean): string {
  const length = reader.readLengthPrefix();
  if (length === 0 && allowEmpty) return '';
  if (length > ILP_ADDRESS_MAX_LENGTH) throw new InvalidIlpPacketError(`${field} is longer than 1023 bytes`);
  const start = reader.skipOctets(length);
  // latin1 maps each byte to one character, so a non-ASCII byte becomes a character the address grammar rejects.
  const address = decodeLatin1(reader.buffer, start, start + length);
  if (!isValidIlpAddress(address)) throw new InvalidIlpPacketError(`${field} is not a valid ILP address`);
  return address;
}

export function readData(reader: OerReader): Buffer {
  const length = reader.readLengthPrefix();
  if (length === 0) return EMPTY_BUFFER;
  if (length > MAX_DATA_LENGTH) throw new InvalidIlpPacketError(`data is longer than ${MAX_DATA_LENGTH} bytes`);
  return reader.readOctets(length);
}
