// fast-check generators of valid packets, shared by the unit and interop tests.
import fc from 'fast-check';
import { IlpErrorCode, MAX_UINT64, type IlpFulfill, type IlpPrepare, type IlpReject } from '@sluice/ilp';

const SCHEMES = ['g', 'private', 'example', 'peer', 'self', 'test', 'test1', 'test2', 'test3', 'local'];
const SEGMENT_CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_~-'.split('');

const segment = fc.string({ unit: fc.constantFrom(...SEGMENT_CHARS), minLength: 1, maxLength: 24 });

const shortAddress = fc
  .tuple(fc.constantFrom(...SCHEMES), fc.array(segment, { minLength: 1, maxLength: 6 }))
  .map(([scheme, segments]) => [scheme, ...segments].join('.'));

// Long addresses exercise two-byte length prefixes and the 1023 limit.
const longAddress = fc
  .tuple(
    fc.constantFrom(...SCHEMES),
    fc.array(fc.string({ unit: fc.constantFrom(...SEGMENT_CHARS), minLength: 1, maxLength: 200 }), {
      minLength: 1,
      maxLength: 8,
    }),
  )
  .map(([scheme, segments]) => [scheme, ...segments].join('.').slice(0, 1023))
  .map((address) => (address.endsWith('.') ? address.slice(0, -1) : address))
  .filter((address) => address.includes('.'));

export const ilpAddress = fc.oneof({ arbitrary: shortAddress, weight: 4 }, { arbitrary: longAddress, weight: 1 });

export const uint64 = fc.oneof(
  fc.bigInt({ min: 0n, max: MAX_UINT64 }),
  fc.bigInt({ min: 0n, max: 2n ** 53n + 10n }),
  fc.constantFrom(0n, 1n, 2n ** 32n - 1n, 2n ** 32n, 2n ** 53n - 1n, 2n ** 53n, MAX_UINT64 - 1n, MAX_UINT64),
);

const toBuffer = (bytes: Uint8Array): Buffer => Buffer.from(bytes);

export const ilpData = fc.oneof(
  { arbitrary: fc.uint8Array({ maxLength: 300 }).map(toBuffer), weight: 8 },
  { arbitrary: fc.uint8Array({ minLength: 120, maxLength: 4000 }).map(toBuffer), weight: 2 },
  {
    arbitrary: fc.constantFrom(32_767, 32_766, 256, 255, 128, 127).map((length) => Buffer.alloc(length, 7)),
    weight: 1,
  },
);

export const bytes32 = fc.uint8Array({ minLength: 32, maxLength: 32 }).map(toBuffer);

/**
 * Years 1000–9999 (ilp-packet writes fewer than four year digits below 1000), except the Unix epoch itself, which
 * ilp-packet's decoder refuses.
 */
export const expiry = fc
  .date({ min: new Date('1000-01-01T00:00:00.000Z'), max: new Date('9999-12-31T23:59:59.999Z'), noInvalidDate: true })
  .filter((date) => date.getTime() !== 0);

export const prepare: fc.Arbitrary<IlpPrepare> = fc.record({
  amount: uint64,
  expiresAt: expiry,
  executionCondition: bytes32,
  destination: ilpAddress,
  data: ilpData,
});

export const fulfill: fc.Arbitrary<IlpFulfill> = fc.record({ fulfillment: bytes32, data: ilpData });

/** Strings that survive a UTF-8 round trip (no lone surrogates). */
export const utf8Text = (maxLength: number): fc.Arbitrary<string> =>
  fc
    .oneof(fc.string({ maxLength }), fc.string({ unit: 'binary', maxLength }))
    .filter((text) => Buffer.from(text, 'utf8').toString('utf8') === text);

export const rejectCode = fc.oneof(
  fc.constantFrom(...Object.values(IlpErrorCode)),
  fc.string({ unit: 'binary-ascii', minLength: 3, maxLength: 3 }),
);

export const reject: fc.Arbitrary<IlpReject> = fc.record({
  code: rejectCode,
  triggeredBy: fc.oneof(fc.constant(''), ilpAddress),
  message: fc.oneof({ arbitrary: utf8Text(60), weight: 5 }, { arbitrary: utf8Text(400), weight: 1 }),
  data: ilpData,
});
