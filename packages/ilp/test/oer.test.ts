// The OER helpers added for the packet codecs, and the reader/writer behaviour STREAM relies on.
import fc from 'fast-check';
import {
  lengthPrefixSize,
  MAX_UINT64,
  OerDecodeError,
  OerReader,
  OerWriter,
  readUInt64At,
  varOctetStringSize,
  varUIntSize,
  writeLengthPrefixAt,
  writeUInt64At,
} from '@sluice/ilp';

describe('length prefixes', () => {
  it.each([
    [0, '00'],
    [7, '07'],
    [127, '7f'],
    [128, '8180'],
    [130, '8182'],
    [255, '81ff'],
    [256, '820100'],
    [4660, '821234'],
    [65_535, '82ffff'],
    [65_536, '83010000'],
    [2 ** 32, '850100000000'],
  ])('%i is written as %s', (length, expected) => {
    const buffer = Buffer.alloc(lengthPrefixSize(length));
    expect(writeLengthPrefixAt(buffer, 0, length)).toBe(buffer.length);
    expect(buffer.toString('hex')).toBe(expected);
    expect(new OerWriter().writeLengthPrefix(length).toBuffer().toString('hex')).toBe(expected);
    expect(varOctetStringSize(length)).toBe(buffer.length + length);
  });

  it('round-trip through the reader', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 48 - 1 }), (length) => {
        const buffer = Buffer.alloc(lengthPrefixSize(length));
        writeLengthPrefixAt(buffer, 0, length);
        const reader = new OerReader(buffer);
        expect(reader.readLengthPrefix()).toBe(length);
        expect(reader.remaining).toBe(0);
      }),
    );
  });
});

describe('UInt64', () => {
  it('is written and read big-endian across the 2^32 and 2^53 boundaries', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.bigInt({ min: 0n, max: MAX_UINT64 }),
          fc.constantFrom(0n, 2n ** 32n - 1n, 2n ** 32n, 2n ** 53n - 1n, 2n ** 53n, 2n ** 53n + 1n, MAX_UINT64),
        ),
        (value) => {
          const buffer = Buffer.alloc(10);
          expect(writeUInt64At(buffer, 1, value)).toBe(9);
          expect(buffer.readBigUInt64BE(1)).toBe(value);
          expect(readUInt64At(buffer, 1)).toBe(value);
          expect(new OerReader(buffer, 1).readUInt64()).toBe(value);
          expect(new OerWriter().writeUInt64(value).toBuffer()).toEqual(buffer.subarray(1, 9));
        },
      ),
    );
  });

  it('refuses values outside the range in the writer', () => {
    expect(() => new OerWriter().writeUInt64(-1n)).toThrow(RangeError);
    expect(() => new OerWriter().writeUInt64(MAX_UINT64 + 1n)).toThrow(RangeError);
  });
});

describe('OerReader bounds', () => {
  it('reads only up to its end', () => {
    const reader = new OerReader(Buffer.from([1, 2, 3, 4]), 1, 3);
    expect(reader.remaining).toBe(2);
    expect(reader.end).toBe(3);
    expect(reader.readOctets(2)).toEqual(Buffer.from([2, 3]));
    expect(() => reader.readUInt8()).toThrow(OerDecodeError);
  });

  it('narrows to a nested octet string with limitTo', () => {
    const reader = new OerReader(Buffer.from([2, 0xaa, 0xbb, 0xcc]));
    reader.limitTo(reader.readLengthPrefix());
    expect(reader.remaining).toBe(2);
    reader.skipOctets(2);
    expect(() => reader.readUInt8()).toThrow(OerDecodeError);
    expect(() => new OerReader(Buffer.from([5, 1])).limitTo(5)).toThrow(OerDecodeError);
  });

  it('refuses bounds outside the buffer', () => {
    expect(() => new OerReader(Buffer.alloc(2), 3)).toThrow(RangeError);
    expect(() => new OerReader(Buffer.alloc(2), 0, 3)).toThrow(RangeError);
    expect(() => new OerReader(Buffer.alloc(2), 2, 1)).toThrow(RangeError);
  });

  it('skips a var-octet string', () => {
    const reader = new OerReader(Buffer.from([2, 9, 9, 7]));
    reader.skipVarOctetString();
    expect(reader.readUInt8()).toBe(7);
  });
});

describe('VarUInt (used by STREAM)', () => {
  it('round-trips, with zero as one zero byte', () => {
    expect(new OerWriter().writeVarUInt(0n).toBuffer().toString('hex')).toBe('0100');
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 200n }), (value) => {
        const bytes = new OerWriter(1).writeVarUInt(value).toBuffer();
        expect(bytes.length).toBe(varUIntSize(value));
        expect(new OerReader(bytes).readVarUInt()).toBe(value);
      }),
    );
  });
});
