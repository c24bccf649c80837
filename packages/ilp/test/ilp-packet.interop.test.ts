// Interop with the reference codec, ilp-packet 3.1.3 (what Rafiki and the interledgerjs stack use): byte-identical
// encoding, cross-decoding to the same values, and differential fuzzing of the decoders. ilp-packet carries amounts
// as decimal strings; ours are bigint.
import fc from 'fast-check';
import * as reference from 'ilp-packet';
import {
  createIldcpFulfill,
  createIldcpRequest,
  deserializeAmountTooLargeData,
  deserializeIldcpResponse,
  deserializeIlpFulfill,
  deserializeIlpPacket,
  deserializeIlpPrepare,
  deserializeIlpReject,
  deserializeIlpReply,
  ILDCP_CONDITION,
  IlpErrorCode,
  IlpPacketType,
  InvalidIlpPacketError,
  isValidIlpAddress,
  parseIlpTimestamp,
  serializeAmountTooLargeData,
  serializeIlpFulfill,
  serializeIlpPrepare,
  serializeIlpReject,
  serializeIlpReply,
  type IlpPrepare,
} from '@sluice/ilp';
import * as arbitrary from './support/arbitraries';
import { lengthPrefix } from './support/packets';

const RUNS = 2000;

const toReferencePrepare = (prepare: IlpPrepare): reference.IlpPrepare => ({
  ...prepare,
  amount: prepare.amount.toString(),
});

describe('encoding matches ilp-packet byte for byte', () => {
  it('for Prepares', () => {
    fc.assert(
      fc.property(arbitrary.prepare, (prepare) => {
        const ours = serializeIlpPrepare(prepare);
        expect(ours.equals(reference.serializeIlpPrepare(toReferencePrepare(prepare)))).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  it('for Fulfills', () => {
    fc.assert(
      fc.property(arbitrary.fulfill, (fulfill) => {
        expect(serializeIlpFulfill(fulfill).equals(reference.serializeIlpFulfill(fulfill))).toBe(true);
        expect(serializeIlpReply(fulfill).equals(reference.serializeIlpReply(fulfill))).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  it('for Rejects', () => {
    fc.assert(
      fc.property(arbitrary.reject, (reject) => {
        expect(serializeIlpReject(reject).equals(reference.serializeIlpReject(reject))).toBe(true);
        expect(serializeIlpReply(reject).equals(reference.serializeIlpReply(reject))).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });
});

/** Buffers as hex and Dates as ISO strings: jest compares large Buffers element by element, which is slow. */
function plain(packet: object): Record<string, unknown> {
  const value: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(packet)) {
    value[key] = Buffer.isBuffer(field)
      ? `hex:${field.toString('hex')}`
      : field instanceof Date
        ? field.toISOString()
        : field;
  }
  return value;
}

describe('each side decodes the other to the same values', () => {
  it('for Prepares', () => {
    fc.assert(
      fc.property(arbitrary.prepare, (prepare) => {
        const referencePrepare = toReferencePrepare(prepare);
        const referenceBytes = reference.serializeIlpPrepare(referencePrepare);
        expect(plain(reference.deserializeIlpPrepare(serializeIlpPrepare(prepare)))).toEqual(plain(referencePrepare));
        expect(plain(deserializeIlpPrepare(referenceBytes))).toEqual(plain(prepare));
        const packet = deserializeIlpPacket(referenceBytes);
        expect(packet.type).toBe(IlpPacketType.Prepare);
        expect(plain(packet.packet)).toEqual(plain(prepare));
      }),
      { numRuns: RUNS },
    );
  });

  it('for Fulfills', () => {
    fc.assert(
      fc.property(arbitrary.fulfill, (fulfill) => {
        const referenceBytes = reference.serializeIlpFulfill(fulfill);
        expect(plain(reference.deserializeIlpFulfill(serializeIlpFulfill(fulfill)))).toEqual(plain(fulfill));
        expect(plain(deserializeIlpFulfill(referenceBytes))).toEqual(plain(fulfill));
        expect(plain(deserializeIlpReply(referenceBytes))).toEqual(plain(fulfill));
      }),
      { numRuns: RUNS },
    );
  });

  it('for Rejects', () => {
    fc.assert(
      fc.property(arbitrary.reject, (reject) => {
        const referenceBytes = reference.serializeIlpReject(reject);
        expect(plain(reference.deserializeIlpReject(serializeIlpReject(reject)))).toEqual(plain(reject));
        expect(plain(deserializeIlpReject(referenceBytes))).toEqual(plain(reject));
        expect(plain(deserializeIlpReply(referenceBytes))).toEqual(plain(reject));
      }),
      { numRuns: RUNS },
    );
  });
});

describe('shared definitions agree with ilp-packet', () => {
  it('has the same reject codes', () => {
    expect({ ...IlpErrorCode }).toEqual({ ...reference.IlpError });
    expect({ ...IlpErrorCode }).toEqual(reference.Errors.codes);
  });

  it('writes F08 data as AmountTooLargeError does', () => {
    fc.assert(
      fc.property(arbitrary.uint64, arbitrary.uint64, (receivedAmount, maximumAmount) => {
        const theirs = new reference.Errors.AmountTooLargeError('too large', {
          receivedAmount: receivedAmount.toString(),
          maximumAmount: maximumAmount.toString(),
        }).ilpErrorData as Buffer;
        expect(serializeAmountTooLargeData({ receivedAmount, maximumAmount }).equals(theirs)).toBe(true);
        expect(deserializeAmountTooLargeData(theirs)).toEqual({ receivedAmount, maximumAmount });
      }),
      { numRuns: 500 },
    );
  });

  it('validates addresses the same way', () => {
    // Strings built from address-like pieces, so that both valid and nearly valid addresses come up often.
    const piece = fc.constantFrom(
      'g',
      'test',
      'test1',
      'test4',
      'peer',
      'private',
      'x',
      '.',
      '..',
      'a',
      'Z9',
      '_~-',
      ' ',
      'é',
      '/',
      '',
    );
    const address = fc.oneof(
      fc.array(piece, { maxLength: 8 }).map((pieces) => pieces.join('')),
      fc.string({ maxLength: 20 }),
      fc.constantFrom('g.' + 'a'.repeat(1021), 'g.' + 'a'.repeat(1022)),
    );
    fc.assert(
      fc.property(address, (text) => {
        expect(isValidIlpAddress(text)).toBe(reference.isValidIlpAddress(text));
      }),
      { numRuns: 5000 },
    );
  });
});

describe('IL-DCP', () => {
  // ilp-protocol-ildcp is not installed; these are its checks and RFC 0031's layout, applied by hand.
  it('sends a request that ilp-packet decodes as ilp-protocol-ildcp expects', () => {
    const expiresAt = new Date(Date.now() + 60_000);
    const decoded = reference.deserializeIlpPrepare(serializeIlpPrepare(createIldcpRequest(expiresAt)));
    expect(decoded).toEqual({
      amount: '0',
      expiresAt,
      executionCondition: Buffer.from('Zmh6rfhivXdsj8GLjp+OIAiXFIVu4jOzkCpZHQ1fKSU=', 'base64'),
      destination: 'peer.config',
      data: Buffer.alloc(0),
    });
    expect(decoded.executionCondition.equals(ILDCP_CONDITION)).toBe(true);
  });

  it('answers with a Fulfill whose data is the RFC 0031 sequence', () => {
    fc.assert(
      fc.property(
        arbitrary.ilpAddress,
        fc.integer({ min: 0, max: 255 }),
        arbitrary.utf8Text(10),
        (clientAddress, assetScale, assetCode) => {
          const bytes = serializeIlpFulfill(createIldcpFulfill({ clientAddress, assetScale, assetCode }));
          const { fulfillment, data } = reference.deserializeIlpFulfill(bytes);
          expect(fulfillment.equals(Buffer.alloc(32))).toBe(true);
          const assetCodeBytes = Buffer.from(assetCode, 'utf8');
          const expected = Buffer.concat([
            lengthPrefix(clientAddress.length),
            Buffer.from(clientAddress, 'ascii'),
            Buffer.from([assetScale]),
            lengthPrefix(assetCodeBytes.length),
            assetCodeBytes,
          ]);
          expect(data.equals(expected)).toBe(true);
          expect(deserializeIldcpResponse(expected)).toEqual({ clientAddress, assetScale, assetCode });
        },
      ),
      { numRuns: 500 },
    );
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Fuzzing: untrusted bytes only ever produce InvalidIlpPacketError, and our decoder accepts what ilp-packet accepts
// except where it is knowingly stricter (see README, "Differences from ilp-packet").

type Outcome = { accepted: true; value: Record<string, unknown> } | { accepted: false };

function decodeOurs(bytes: Buffer): Outcome {
  try {
    const { type, packet } = deserializeIlpPacket(bytes);
    return { accepted: true, value: normalize(type, packet as unknown as Record<string, unknown>) };
  } catch (error) {
    if (!(error instanceof InvalidIlpPacketError)) throw error;
    return { accepted: false };
  }
}

function decodeTheirs(bytes: Buffer): Outcome {
  try {
    const { type, data } = reference.deserializeIlpPacket(bytes);
    return { accepted: true, value: normalize(type, data as unknown as Record<string, unknown>) };
  } catch {
    return { accepted: false };
  }
}

function normalize(type: number, packet: Record<string, unknown>): Record<string, unknown> {
  const value: Record<string, unknown> = { type };
  for (const [key, field] of Object.entries(packet)) {
    if (Buffer.isBuffer(field)) value[key] = field.toString('hex');
    else if (field instanceof Date) value[key] = field.getTime();
    else if (key === 'amount') value[key] = BigInt(field as string | bigint);
    else value[key] = field;
  }
  return value;
}

/** Whether ilp-packet, re-encoding what it decoded, reproduces the input: false when it normalized something. */
function referenceReadsCanonically(bytes: Buffer): boolean {
  try {
    const { contents } = reference.deserializeEnvelope(bytes);
    const reencoded = reference.serializeIlpPacket(reference.deserializeIlpPacket(bytes));
    const header = Buffer.concat([bytes.subarray(0, 1), lengthPrefix(contents.length)]);
    const { contents: reencodedContents } = reference.deserializeEnvelope(reencoded);
    return (
      bytes.subarray(0, header.length).equals(header) &&
      contents.subarray(0, reencodedContents.length).equals(reencodedContents)
    );
  } catch {
    return false;
  }
}

/**
 * ilp-packet reads a Prepare's 17-character timestamp with parseInt, so a sign passes ("-100" is a year) and can even
 * re-encode to the same bytes; the format is digits only (RFC 0027), and we refuse anything else.
 */
function timestampHasNonDigit(bytes: Buffer): boolean {
  try {
    const { type, contents } = reference.deserializeEnvelope(bytes);
    if (type !== 12) return false;
    return !/^[0-9]{17}$/.test(contents.subarray(8, 25).toString('latin1'));
  } catch {
    return false;
  }
}

function dataLength(value: Record<string, unknown>): number {
  return (value.data as string).length / 2;
}

function compareWithReference(bytes: Buffer): void {
  const ours = decodeOurs(bytes);
  const theirs = decodeTheirs(bytes);
  if (ours.accepted && theirs.accepted) {
    // ilp-packet reads years 0000–0099 as 1900–1999 (Date.UTC); every other field must agree.
    if (typeof ours.value.expiresAt === 'number' && new Date(ours.value.expiresAt).getUTCFullYear() < 100) {
      expect({ ...ours.value, expiresAt: 0 }).toEqual({ ...theirs.value, expiresAt: 0 });
    } else {
      expect(ours.value).toEqual(theirs.value);
    }
  } else if (theirs.accepted) {
    // We reject only what ilp-packet reads non-canonically (high bit stripped from ASCII, out-of-range timestamp
    // fields normalized by Date.UTC, a non-canonical 5-byte length prefix), a timestamp that is not all digits, or data
    // over 32767 bytes.
    expect(!referenceReadsCanonically(bytes) || timestampHasNonDigit(bytes) || dataLength(theirs.value) > 32_767).toBe(
      true,
    );
  } else if (ours.accepted) {
    // ilp-packet's date check (`!date.valueOf()`) refuses exactly 1970-01-01T00:00:00.000Z.
    expect(ours.value.expiresAt).toBe(0);
  }
}

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({
    kind: fc.constant('set' as const),
    at: fc.nat(),
    byte: fc.constantFrom(0x00, 0x2e, 0x30, 0x39, 0x67, 0x7f, 0x80, 0x81, 0x82, 0xe7, 0xff),
  }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), byte: fc.constant(0) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat(), byte: fc.constant(0) }),
);

function mutate(original: Buffer, mutations: Array<{ kind: string; at: number; byte: number }>): Buffer {
  let bytes = Buffer.from(original);
  for (const { kind, at, byte } of mutations) {
    const index = bytes.length === 0 ? 0 : at % bytes.length;
    if (kind === 'set' && bytes.length > 0) bytes[index] = byte;
    if (kind === 'insert')
      bytes = Buffer.concat([bytes.subarray(0, index), Buffer.from([byte]), bytes.subarray(index)]);
    if (kind === 'delete') bytes = Buffer.concat([bytes.subarray(0, index), bytes.subarray(index + 1)]);
    if (kind === 'truncate') bytes = bytes.subarray(0, index);
  }
  return bytes;
}

const validPacketBytes = fc.oneof(
  arbitrary.prepare.map(serializeIlpPrepare),
  arbitrary.fulfill.map(serializeIlpFulfill),
  arbitrary.reject.map(serializeIlpReject),
);

const mutatedPacketBytes = fc
  .tuple(validPacketBytes, fc.array(mutation, { minLength: 1, maxLength: 3 }))
  .map(([bytes, mutations]) => mutate(bytes, mutations));

const randomBytes = fc.oneof(
  fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes)),
  fc
    .tuple(fc.constantFrom(12, 13, 14), fc.uint8Array({ maxLength: 200 }))
    .map(([type, bytes]) => Buffer.concat([Buffer.from([type]), lengthPrefix(bytes.length), bytes])),
);

const ALL_DECODERS: Array<(bytes: Buffer) => unknown> = [
  deserializeIlpPrepare,
  deserializeIlpFulfill,
  deserializeIlpReject,
  deserializeIlpReply,
  deserializeIlpPacket,
  deserializeIldcpResponse,
  (bytes) => parseIlpTimestamp(bytes.toString('latin1')),
];

function expectOnlyInvalidPacketErrors(bytes: Buffer): void {
  for (const decode of ALL_DECODERS) {
    try {
      decode(bytes);
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidIlpPacketError);
    }
  }
}

describe('fuzzing', () => {
  it('random bytes make the decoders throw nothing but InvalidIlpPacketError', () => {
    fc.assert(fc.property(randomBytes, expectOnlyInvalidPacketErrors), { numRuns: 5000 });
  });

  it('mutated packets make the decoders throw nothing but InvalidIlpPacketError', () => {
    fc.assert(fc.property(mutatedPacketBytes, expectOnlyInvalidPacketErrors), { numRuns: 5000 });
  });

  it('mutated packets are accepted as ilp-packet accepts them, with the same values', () => {
    fc.assert(fc.property(mutatedPacketBytes, compareWithReference), { numRuns: 5000 });
  });

  it('a Prepare whose timestamp carries a sign is refused, though ilp-packet reads "-100" as a year (found by fuzzing)', () => {
    const timestamp = Buffer.from('-1000101000000000', 'latin1');
    const contents = Buffer.concat([Buffer.alloc(8), timestamp, Buffer.alloc(32), Buffer.from([3, 103, 46, 97, 0])]);
    const bytes = Buffer.concat([Buffer.from([12]), lengthPrefix(contents.length), contents]);
    expect(decodeTheirs(bytes).accepted).toBe(true);
    expect(decodeOurs(bytes).accepted).toBe(false);
    compareWithReference(bytes);
  });

  it('random bytes are accepted as ilp-packet accepts them', () => {
    fc.assert(fc.property(randomBytes, compareWithReference), { numRuns: 5000 });
  });

  it('the known differences are real and one-sided', () => {
    // A destination with the high bit set on its first letter: ilp-packet reads "example.alice"; we refuse it.
    const prepare = serializeIlpPrepare({
      amount: 1n,
      expiresAt: new Date('2030-01-01T00:00:00.000Z'),
      executionCondition: Buffer.alloc(32),
      destination: 'example.alice',
      data: Buffer.alloc(0),
    });
    const highBit = Buffer.from(prepare);
    highBit[2 + 57 + 1] |= 0x80;
    expect(reference.deserializeIlpPrepare(highBit).destination).toBe('example.alice');
    expect(() => deserializeIlpPrepare(highBit)).toThrow(InvalidIlpPacketError);

    // Month 13: ilp-packet rolls over into the next year; we refuse it.
    const month13 = Buffer.from(prepare);
    month13.write('20301301000000000', 2 + 8, 'latin1');
    expect(reference.deserializeIlpPrepare(month13).expiresAt.toISOString()).toBe('2031-01-01T00:00:00.000Z');
    expect(() => deserializeIlpPrepare(month13)).toThrow(InvalidIlpPacketError);

    // A 5-byte length prefix with leading zeros: ilp-packet's canonical check shifts past 32 bits and lets it through.
    const fields = Buffer.concat([Buffer.alloc(32, 1), Buffer.from([0x85, 0, 0, 0, 0, 0x80]), Buffer.alloc(128, 2)]);
    const longPrefix = Buffer.concat([Buffer.from([13]), lengthPrefix(fields.length), fields]);
    expect(reference.deserializeIlpFulfill(longPrefix).data.length).toBe(128);
    expect(() => deserializeIlpFulfill(longPrefix)).toThrow(InvalidIlpPacketError);

    // The Unix epoch itself: ilp-packet refuses it; it is a valid (if long expired) timestamp to us.
    const epoch = Buffer.from(prepare);
    epoch.write('19700101000000000', 2 + 8, 'latin1');
    expect(() => reference.deserializeIlpPrepare(epoch)).toThrow();
    expect(deserializeIlpPrepare(epoch).expiresAt.getTime()).toBe(0);
  });
});
