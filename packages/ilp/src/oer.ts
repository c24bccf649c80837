// Canonical OER primitives (Interledger RFC 0030) shared by the ILP, IL-DCP and STREAM codecs.
// Readers throw only OerDecodeError so that callers can map any malformed input to one reject code.

const MAX_UINT64 = 0xffff_ffff_ffff_ffffn;
const TWO_POW_32 = 0x1_0000_0000;
// Largest high word for which hi * 2^32 + lo is still an exact JS number (2^53 - 1 >> 32).
const MAX_SAFE_HIGH_WORD = 0x1f_ffff;

export class OerDecodeError extends Error {
  readonly code = 'OER_DECODE_ERROR';
  constructor(message: string) {
    super(message);
    this.name = 'OerDecodeError';
  }
}

/** Bytes a length determinant takes for a content of `length` bytes. */
export function lengthPrefixSize(length: number): number {
  if (length < 0x80) return 1;
  let size = 2;
  for (let rest = Math.floor(length / 256); rest > 0; rest = Math.floor(rest / 256)) size++;
  return size;
}

/** Minimal big-endian byte count of a VarUInt value; zero still takes one byte. */
export function varUIntContentSize(value: bigint): number {
  let size = 1;
  let rest = value >> 8n;
  while (rest > 0n) {
    size++;
    rest >>= 8n;
  }
  return size;
}

export function varUIntSize(value: bigint): number {
  const content = varUIntContentSize(value);
  return lengthPrefixSize(content) + content;
}

export function varOctetStringSize(length: number): number {
  return lengthPrefixSize(length) + length;
}

/**
 * Writes a canonical length determinant at `offset` of a buffer the caller sized with lengthPrefixSize;
 * returns the offset after it. For encoders that compute the exact packet size up front.
 */
export function writeLengthPrefixAt(buffer: Buffer, offset: number, length: number): number {
  if (length < 0x80) {
    buffer[offset] = length;
    return offset + 1;
  }
  const bytes = lengthPrefixSize(length) - 1;
  buffer[offset++] = 0x80 | bytes;
  for (let i = bytes - 1; i >= 0; i--) buffer[offset++] = Math.floor(length / 2 ** (8 * i)) & 0xff;
  return offset;
}

/** Writes a UInt64 the caller already range-checked; avoids bigint shifts for amounts below 2^53. */
export function writeUInt64At(buffer: Buffer, offset: number, value: bigint): number {
  if (value <= 0x1f_ffff_ffff_ffffn) {
    const number = Number(value);
    const high = Math.floor(number / TWO_POW_32);
    writeUInt32At(buffer, offset, high);
    writeUInt32At(buffer, offset + 4, number - high * TWO_POW_32);
  } else {
    writeUInt32At(buffer, offset, Number(value >> 32n));
    writeUInt32At(buffer, offset + 4, Number(value & 0xffff_ffffn));
  }
  return offset + 8;
}

function writeUInt32At(buffer: Buffer, offset: number, value: number): void {
  buffer[offset] = value >>> 24;
  buffer[offset + 1] = (value >>> 16) & 0xff;
  buffer[offset + 2] = (value >>> 8) & 0xff;
  buffer[offset + 3] = value & 0xff;
}

/** Reads a big-endian UInt64 at `offset` (bounds already checked by the caller). */
export function readUInt64At(buffer: Buffer, offset: number): bigint {
  const high =
    ((buffer[offset] << 24) | (buffer[offset + 1] << 16) | (buffer[offset + 2] << 8) | buffer[offset + 3]) >>> 0;
  const low =
    ((buffer[offset + 4] << 24) | (buffer[offset + 5] << 16) | (buffer[offset + 6] << 8) | buffer[offset + 7]) >>> 0;
  if (high === 0) return BigInt(low);
  if (high <= MAX_SAFE_HIGH_WORD) return BigInt(high * TWO_POW_32 + low);
  return (BigInt(high) << 32n) | BigInt(low);
}

export class OerWriter {
  private buffer: Buffer;
  private offset = 0;

  constructor(initialCapacity = 256) {
    this.buffer = Buffer.allocUnsafe(initialCapacity);
  }

  get length(): number {
    return this.offset;
  }

  private ensure(bytes: number): void {
    if (this.offset + bytes <= this.buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.offset + bytes));
    this.buffer.copy(grown, 0, 0, this.offset);
    this.buffer = grown;
  }

  writeUInt8(value: number): this {
    if (!Number.isInteger(value) || value < 0 || value > 0xff) throw new RangeError(`UInt8 out of range: ${value}`);
    this.ensure(1);
    this.buffer[this.offset++] = value;
    return this;
  }

  writeUInt64(value: bigint): this {
    if (value < 0n || value > MAX_UINT64) throw new RangeError(`UInt64 out of range: ${value}`);
    this.ensure(8);
    this.offset = writeUInt64At(this.buffer, this.offset, value);
    return this;
  }

  writeLengthPrefix(length: number): this {
    if (!Number.isSafeInteger(length) || length < 0) throw new RangeError(`invalid length: ${length}`);
    this.ensure(lengthPrefixSize(length));
    this.offset = writeLengthPrefixAt(this.buffer, this.offset, length);
    return this;
  }

  /** Raw bytes with no length prefix (fixed-size fields: conditions, timestamps, codes). */
  writeOctets(bytes: Uint8Array): this {
    this.ensure(bytes.length);
    this.buffer.set(bytes, this.offset);
    this.offset += bytes.length;
    return this;
  }

  writeVarOctetString(bytes: Uint8Array): this {
    this.writeLengthPrefix(bytes.length);
    return this.writeOctets(bytes);
  }

  writeVarUInt(value: bigint): this {
    if (value < 0n) throw new RangeError(`VarUInt cannot be negative: ${value}`);
    const size = varUIntContentSize(value);
    this.writeLengthPrefix(size);
    this.ensure(size);
    for (let i = size - 1; i >= 0; i--) this.buffer[this.offset++] = Number((value >> BigInt(8 * i)) & 0xffn);
    return this;
  }

  /** A copy of the written bytes. */
  toBuffer(): Buffer {
    return Buffer.from(this.buffer.subarray(0, this.offset));
  }
}

/**
 * Cursor over `buffer[offset, end)`. Reads past `end` fail exactly as reads past the end of the buffer would, which
 * lets a decoder read the body of an enclosing var-octet string in place (see limitTo).
 */
export class OerReader {
  offset: number;
  private limit: number;

  constructor(
    readonly buffer: Buffer,
    offset = 0,
    end = buffer.length,
  ) {
    if (!(Number.isInteger(offset) && Number.isInteger(end) && offset >= 0 && offset <= end && end <= buffer.length)) {
      throw new RangeError(`invalid reader bounds [${offset}, ${end}) for ${buffer.length} byte(s)`);
    }
    this.offset = offset;
    this.limit = end;
  }

  /** Offset reads may not go past. */
  get end(): number {
    return this.limit;
  }

  get remaining(): number {
    return this.limit - this.offset;
  }

  /** Restricts further reads to the next `length` bytes, which must be there: e.g. the content of a var-octet string. */
  limitTo(length: number): void {
    this.need(length, 'octet string');
    this.limit = this.offset + length;
  }

  private need(bytes: number, what: string): void {
    if (this.offset + bytes > this.limit) {
      throw new OerDecodeError(
        `unexpected end of data reading ${what}: need ${bytes} byte(s) at offset ${this.offset}`,
      );
    }
  }

  readUInt8(): number {
    this.need(1, 'UInt8');
    return this.buffer[this.offset++];
  }

  peekUInt8(): number {
    this.need(1, 'UInt8');
    return this.buffer[this.offset];
  }

  readUInt64(): bigint {
    this.need(8, 'UInt64');
    const value = readUInt64At(this.buffer, this.offset);
    this.offset += 8;
    return value;
  }

  /** Reads a canonical length determinant (RFC 0030): long form only for lengths ≥ 128, no leading zeros. */
  readLengthPrefix(): number {
    const first = this.readUInt8();
    if (first < 0x80) return first;
    const bytes = first & 0x7f;
    if (bytes === 0) throw new OerDecodeError('length prefix of length zero');
    if (bytes > 6) throw new OerDecodeError(`length prefix too long: ${bytes} bytes`);
    this.need(bytes, 'length prefix');
    if (this.buffer[this.offset] === 0) throw new OerDecodeError('length prefix has a leading zero byte');
    let length = 0;
    for (let i = 0; i < bytes; i++) length = length * 256 + this.buffer[this.offset++];
    if (length < 0x80) throw new OerDecodeError('length below 128 encoded in long form');
    return length;
  }

  /** A view (not a copy) of the next `length` bytes. */
  readOctets(length: number): Buffer {
    this.need(length, 'octet string');
    const bytes = this.buffer.subarray(this.offset, this.offset + length);
    this.offset += length;
    return bytes;
  }

  /** Skips `length` bytes the caller reads in place from `buffer`; returns the offset they start at. */
  skipOctets(length: number): number {
    this.need(length, 'octet string');
    const start = this.offset;
    this.offset += length;
    return start;
  }

  readVarOctetString(): Buffer {
    return this.readOctets(this.readLengthPrefix());
  }

  /** VarUInt of any size; callers bound it (e.g. saturate to UInt64 where the protocol says so). */
  readVarUInt(): bigint {
    const length = this.readLengthPrefix();
    if (length === 0) throw new OerDecodeError('VarUInt of length zero');
    const bytes = this.readOctets(length);
    let value = 0n;
    for (const byte of bytes) value = (value << 8n) | BigInt(byte);
    return value;
  }

  skipVarOctetString(): void {
    this.skipOctets(this.readLengthPrefix());
  }
}

export { MAX_UINT64 };
