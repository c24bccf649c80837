// Encoders refuse values they cannot put on the wire with IlpEncodeError (a RangeError naming the field).
import {
  IlpEncodeError,
  MAX_UINT64,
  serializeIlpFulfill,
  serializeIlpPrepare,
  serializeIlpReject,
  serializeIlpReply,
  type IlpFulfill,
  type IlpPrepare,
  type IlpReject,
} from '@sluice/ilp';
import { FULFILL, PREPARE, REJECT } from './support/packets';

function expectEncodeError(encode: () => unknown, field: string): void {
  let thrown: unknown;
  try {
    encode();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(IlpEncodeError);
  expect(thrown).toBeInstanceOf(RangeError);
  expect((thrown as IlpEncodeError).code).toBe('ILP_ENCODE_ERROR');
  expect((thrown as IlpEncodeError).field).toBe(field);
}

const invalid = <T>(value: unknown): T => value as T;

describe('serializeIlpPrepare', () => {
  it('encodes the extremes of the amount', () => {
    expect(serializeIlpPrepare({ ...PREPARE, amount: 0n }).readBigUInt64BE(2)).toBe(0n);
    expect(serializeIlpPrepare({ ...PREPARE, amount: MAX_UINT64 }).readBigUInt64BE(2)).toBe(MAX_UINT64);
  });

  it.each<[string, Partial<IlpPrepare>, string]>([
    ['a negative amount', { amount: -1n }, 'amount'],
    ['an amount of 2^64', { amount: MAX_UINT64 + 1n }, 'amount'],
    ['an amount that is a number', { amount: invalid(5) }, 'amount'],
    ['an amount that is a string', { amount: invalid('5') }, 'amount'],
    ['an invalid date', { expiresAt: new Date(NaN) }, 'expiresAt'],
    ['a year beyond 9999', { expiresAt: new Date('+010000-01-01T00:00:00Z') }, 'expiresAt'],
    ['a timestamp that is a string', { expiresAt: invalid('2020-01-01') }, 'expiresAt'],
    ['a 31-byte condition', { executionCondition: Buffer.alloc(31) }, 'executionCondition'],
    ['a 33-byte condition', { executionCondition: Buffer.alloc(33) }, 'executionCondition'],
    ['a condition that is not a Buffer', { executionCondition: invalid(new Array(32).fill(0)) }, 'executionCondition'],
    ['an empty destination', { destination: '' }, 'destination'],
    ['an invalid destination', { destination: 'bogus.alice' }, 'destination'],
    ['a non-ASCII destination', { destination: 'g.alicé' }, 'destination'],
    ['a destination of 1024 characters', { destination: 'g.' + 'a'.repeat(1022) }, 'destination'],
    ['data of 32768 bytes', { data: Buffer.alloc(32_768) }, 'data'],
    ['data that is a string', { data: invalid('hello') }, 'data'],
    ['missing data', { data: invalid(undefined) }, 'data'],
  ])('refuses %s', (_, change, field) => {
    expectEncodeError(() => serializeIlpPrepare({ ...PREPARE, ...change }), field);
  });
});

describe('serializeIlpFulfill', () => {
  it.each<[string, Partial<IlpFulfill>, string]>([
    ['a 31-byte fulfillment', { fulfillment: Buffer.alloc(31) }, 'fulfillment'],
    ['a fulfillment that is not a Buffer', { fulfillment: invalid('x'.repeat(32)) }, 'fulfillment'],
    ['data of 32768 bytes', { data: Buffer.alloc(32_768) }, 'data'],
  ])('refuses %s', (_, change, field) => {
    expectEncodeError(() => serializeIlpFulfill({ ...FULFILL, ...change }), field);
    expectEncodeError(() => serializeIlpReply({ ...FULFILL, ...change }), field);
  });
});

describe('serializeIlpReject', () => {
  it.each<[string, Partial<IlpReject>, string]>([
    ['a two-character code', { code: 'F0' }, 'code'],
    ['a four-character code', { code: 'F000' }, 'code'],
    ['a non-ASCII code', { code: 'F0é' }, 'code'],
    ['a code that is not a string', { code: invalid(2) }, 'code'],
    ['an invalid triggeredBy', { triggeredBy: 'bogus' }, 'triggeredBy'],
    ['a message that is not a string', { message: invalid(undefined) }, 'message'],
    ['data of 32768 bytes', { data: Buffer.alloc(32_768) }, 'data'],
  ])('refuses %s', (_, change, field) => {
    expectEncodeError(() => serializeIlpReject({ ...REJECT, ...change }), field);
    expectEncodeError(() => serializeIlpReply({ ...REJECT, ...change }), field);
  });

  it('writes a long or non-ASCII message with the right length prefix', () => {
    const message = 'é'.repeat(100) + '😀';
    const bytes = serializeIlpReject({ ...REJECT, message });
    const messageStart = 1 + 2 + 3 + 1 + REJECT.triggeredBy.length; // 0e | 81 e4 | code | prefix | triggeredBy
    expect(bytes.subarray(messageStart, messageStart + 2).toString('hex')).toBe('81cc'); // 204 bytes
    expect(bytes.toString('utf8', messageStart + 2, messageStart + 2 + 204)).toBe(message);
  });
});
