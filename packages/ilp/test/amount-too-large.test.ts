import { deserializeAmountTooLargeData, IlpEncodeError, MAX_UINT64, serializeAmountTooLargeData } from '@sluice/ilp';
import fc from 'fast-check';

describe('F08 data', () => {
  it('is receivedAmount then maximumAmount, 8 bytes each, big-endian', () => {
    const data = serializeAmountTooLargeData({ receivedAmount: 1000n, maximumAmount: 256n });
    expect(data.toString('hex')).toBe('00000000000003e8' + '0000000000000100');
    expect(deserializeAmountTooLargeData(data)).toEqual({ receivedAmount: 1000n, maximumAmount: 256n });
  });

  it('round-trips any pair of UInt64', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: MAX_UINT64 }),
        fc.bigInt({ min: 0n, max: MAX_UINT64 }),
        (received, maximum) => {
          const data = serializeAmountTooLargeData({ receivedAmount: received, maximumAmount: maximum });
          expect(data.readBigUInt64BE(0)).toBe(received);
          expect(data.readBigUInt64BE(8)).toBe(maximum);
          expect(deserializeAmountTooLargeData(data)).toEqual({ receivedAmount: received, maximumAmount: maximum });
        },
      ),
    );
  });

  it('is undefined when data is too short, and ignores trailing bytes', () => {
    expect(deserializeAmountTooLargeData(Buffer.alloc(0))).toBeUndefined();
    expect(deserializeAmountTooLargeData(Buffer.alloc(15))).toBeUndefined();
    const longer = Buffer.concat([
      serializeAmountTooLargeData({ receivedAmount: 5n, maximumAmount: 4n }),
      Buffer.from([1]),
    ]);
    expect(deserializeAmountTooLargeData(longer)).toEqual({ receivedAmount: 5n, maximumAmount: 4n });
  });

  it('refuses amounts outside UInt64', () => {
    expect(() => serializeAmountTooLargeData({ receivedAmount: -1n, maximumAmount: 0n })).toThrow(IlpEncodeError);
    expect(() => serializeAmountTooLargeData({ receivedAmount: 0n, maximumAmount: MAX_UINT64 + 1n })).toThrow(
      IlpEncodeError,
    );
  });
});
