// Canonical OER primitives (Interledger RFC 0030) shared by the ILP, IL-DCP and STREAM codecs.
// Readers throw only OerDecodeError so that callers can map any malformed input to one reject code.

const MAX_UINT64 = 0xffff_ffff_ffff_ffffn;

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
  if (length <= 0xff) return 2;
  if (length <= 0xffff) return 3;
  if (length <= 0xffffff) return 4;
  return 5;
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
    this.buffer.writeBigUInt64BE(value, this.offset);
    this.offset += 8;
    return this;
  }

  writeLengthPrefix(length: number): this {
    if (!Number.isInteger(length) || length < 0) throw new RangeError(`invalid length: ${length}`);
    const size = lengthPrefixSize(length);
    this.ensure(size);
    if (size === 1) {
      this.buffer[this.offset++] = length;
      return this;
    }
    const bytes = size - 1;
    this.buffer[this.offset++] = 0x80 | bytes;
    for (let i = bytes - 1; i >= 0; i--) this.buffer[this.offset++] = (length / 2 ** (8 * i)) & 0xff;
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

export class OerReader {
  offset = 0;

  constructor(readonly buffer: Buffer) {}

  get remaining(): number {
    return this.buffer.length - this.offset;
  }

  private need(bytes: number, what: string): void {
    if (this.offset + bytes > this.buffer.length) {
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
    const value = this.buffer.readBigUInt64BE(this.offset);
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

  readOctets(length: number): Buffer {
    this.need(length, 'octet string');
    const bytes = this.buffer.subarray(this.offset, this.offset + length);
    this.offset += length;
    return bytes;
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
    this.readVarOctetString();
  }
}

export { MAX_UINT64 };
