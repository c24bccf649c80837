// Every way untrusted bytes can be wrong must surface as InvalidIlpPacketError (F01) and nothing else.
import {
  deserializeIlpFulfill,
  deserializeIlpPacket,
  deserializeIlpPrepare,
  deserializeIlpReject,
  deserializeIlpReply,
  getIlpPacketType,
  IlpError,
  InvalidIlpPacketError,
  serializeIlpFulfill,
  serializeIlpPrepare,
  serializeIlpReject,
} from '@sluice/ilp';
import {
  FULFILL,
  PREPARE,
  REJECT,
  lengthPrefix,
  prepareWithDestination,
  rejectWithFields,
  withBody,
} from './support/packets';

type Decoder = (bytes: Buffer) => unknown;

const DECODERS: Record<string, Decoder> = {
  deserializeIlpPrepare,
  deserializeIlpFulfill,
  deserializeIlpReject,
  deserializeIlpReply,
  deserializeIlpPacket,
};

function expectInvalid(decode: Decoder, bytes: Buffer): InvalidIlpPacketError {
  let thrown: unknown;
  try {
    decode(bytes);
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(InvalidIlpPacketError);
  const error = thrown as InvalidIlpPacketError;
  expect(error).toBeInstanceOf(IlpError);
  expect(error.code).toBe('F01');
  return error;
}

const prepareBytes = serializeIlpPrepare(PREPARE);
const fulfillBytes = serializeIlpFulfill(FULFILL);
const rejectBytes = serializeIlpReject(REJECT);
const bigPrepareBytes = serializeIlpPrepare({
  ...PREPARE,
  destination: 'g.' + 'a'.repeat(300),
  data: Buffer.alloc(4000),
});

const SAMPLES: Array<[string, Buffer, Decoder[]]> = [
  ['Prepare', prepareBytes, [deserializeIlpPrepare, deserializeIlpPacket]],
  ['Prepare with long-form lengths', bigPrepareBytes, [deserializeIlpPrepare, deserializeIlpPacket]],
  ['Fulfill', fulfillBytes, [deserializeIlpFulfill, deserializeIlpReply, deserializeIlpPacket]],
  ['Reject', rejectBytes, [deserializeIlpReject, deserializeIlpReply, deserializeIlpPacket]],
];

describe.each(SAMPLES)('a %s', (_, bytes, decoders) => {
  it('decodes when whole', () => {
    for (const decode of decoders) expect(() => decode(bytes)).not.toThrow();
  });

  it('is invalid when truncated at any byte', () => {
    for (let length = 0; length < bytes.length; length++) {
      for (const decode of decoders) expectInvalid(decode, bytes.subarray(0, length));
    }
  });

  it('is invalid when the envelope declares fewer bytes than its fields need', () => {
    const bodyStart = bytes.length - (bytes[1] < 0x80 ? bytes[1] : bytes.readUIntBE(2, bytes[1] & 0x7f));
    const body = bytes.subarray(bodyStart);
    for (let length = 0; length < body.length; length++) {
      const shortened = Buffer.concat([bytes.subarray(0, 1), lengthPrefix(length), body]);
      for (const decode of decoders) expectInvalid(decode, shortened);
    }
  });
});

describe('type byte', () => {
  it.each([0, 1, 11, 15, 255])('%i is not a packet', (type) => {
    const bytes = Buffer.from(prepareBytes);
    bytes[0] = type;
    expect(getIlpPacketType(bytes)).toBeUndefined();
    for (const decode of Object.values(DECODERS)) expectInvalid(decode, bytes);
  });

  it('of another packet type is refused by the typed decoders', () => {
    expectInvalid(deserializeIlpFulfill, prepareBytes);
    expectInvalid(deserializeIlpReject, prepareBytes);
    expectInvalid(deserializeIlpReply, prepareBytes);
    expectInvalid(deserializeIlpPrepare, fulfillBytes);
    expectInvalid(deserializeIlpReject, fulfillBytes);
    expectInvalid(deserializeIlpPrepare, rejectBytes);
    expectInvalid(deserializeIlpFulfill, rejectBytes);
  });

  it('is missing in an empty buffer', () => {
    expect(getIlpPacketType(Buffer.alloc(0))).toBeUndefined();
    for (const decode of Object.values(DECODERS)) expectInvalid(decode, Buffer.alloc(0));
  });

  it('is peeked without decoding', () => {
    expect(getIlpPacketType(Buffer.from([12]))).toBe(12);
    expect(getIlpPacketType(Buffer.from([13]))).toBe(13);
    expect(getIlpPacketType(Buffer.from([14, 0xff]))).toBe(14);
  });
});

describe('length prefixes', () => {
  const body = fulfillBytes.subarray(2);
  it.each([
    ['a zero length-of-length', Buffer.from([0x80])],
    ['a long form for a length below 128', Buffer.from([0x81, body.length])],
    ['a leading zero byte', Buffer.from([0x82, 0x00, body.length])],
    ['a length-of-length beyond 6 bytes', Buffer.from([0x87, 1, 0, 0, 0, 0, 0, 0])],
    ['0xff', Buffer.from([0xff])],
    ['a length longer than the buffer', Buffer.from([body.length + 1])],
  ])('are invalid with %s', (_, prefix) => {
    expectInvalid(deserializeIlpFulfill, Buffer.concat([Buffer.from([13]), prefix, body]));
  });

  it('are invalid with a non-canonical prefix inside the body', () => {
    // The data length of the Fulfill written in long form although it is below 128.
    const fields = Buffer.concat([FULFILL.fulfillment, Buffer.from([0x81, 0x03]), Buffer.from('abc')]);
    expectInvalid(deserializeIlpFulfill, withBody(13, fields));
  });
});

describe('Prepare fields', () => {
  function withTimestamp(text: string): Buffer {
    const bytes = Buffer.from(prepareBytes);
    bytes.write(text, 2 + 8, 'latin1');
    return bytes;
  }

  it('decode with the timestamp rewritten in place (control for the cases below)', () => {
    const expiresAt = new Date('2020-02-29T23:59:59.999Z');
    expect(deserializeIlpPrepare(withTimestamp('20200229235959999')).expiresAt).toEqual(expiresAt);
  });

  it.each([
    ['a letter', '2017122301214054x'],
    ['a space', '2017 22301214054 '],
    ['month 13', '20171323012140549'],
    ['31 November', '20171131012140549'],
    ['hour 24', '20171223242140549'],
    ['second 60', '20171223012160549'],
  ])('are invalid with a timestamp containing %s', (_, text) => {
    expectInvalid(deserializeIlpPrepare, withTimestamp(text));
  });

  it('are invalid with a non-ASCII byte in the timestamp', () => {
    const bytes = Buffer.from(prepareBytes);
    bytes[2 + 8 + 3] = 0xb7; // '7' with the high bit set
    expectInvalid(deserializeIlpPrepare, bytes);
  });

  it.each([
    ['empty', ''],
    ['a scheme alone', 'g'],
    ['a trailing dot', 'example.alice.'],
    ['an unknown scheme', 'bogus.alice'],
    ['a space', 'example.al ice'],
    ['1024 characters', 'g.' + 'a'.repeat(1022)],
  ])('are invalid with a destination that is %s', (_, destination) => {
    expectInvalid(deserializeIlpPrepare, prepareWithDestination(Buffer.from(destination, 'latin1')));
  });

  it('are invalid with a non-ASCII destination, which ilp-packet would read with the high bit cleared', () => {
    const bytes = Buffer.from('example.alice', 'latin1');
    bytes[0] = 'e'.charCodeAt(0) | 0x80;
    expectInvalid(deserializeIlpPrepare, prepareWithDestination(bytes));
  });

  it('accept a destination of exactly 1023 characters', () => {
    const destination = 'g.' + 'a'.repeat(1021);
    expect(deserializeIlpPrepare(prepareWithDestination(Buffer.from(destination))).destination).toBe(destination);
  });
});

describe('Reject fields', () => {
  it.each([
    ['a high-bit byte', Buffer.from([0xc6, 0x30, 0x32])],
    ['a UTF-8 sequence', Buffer.from('é0', 'utf8')],
  ])('are invalid with a code containing %s', (_, code) => {
    expectInvalid(deserializeIlpReject, rejectWithFields(code, Buffer.from('test.x')));
  });

  it('accept any 7-bit code (IA5String), canonical or not', () => {
    const decoded = deserializeIlpReject(rejectWithFields(Buffer.from('\x00~z', 'latin1'), Buffer.alloc(0)));
    expect(decoded.code).toBe('\x00~z');
  });

  it.each(['bogus', 'test.', 'g..x'])('are invalid with triggeredBy %s', (triggeredBy) => {
    expectInvalid(deserializeIlpReject, rejectWithFields(Buffer.from('F02'), Buffer.from(triggeredBy)));
  });

  it('decode a message that is not UTF-8 leniently', () => {
    const body = Buffer.concat([Buffer.from('F99'), Buffer.from([0, 2, 0xff, 0xfe, 0])]);
    expect(deserializeIlpReject(withBody(14, body)).message).toBe('\ufffd\ufffd');
  });
});

describe('data', () => {
  const prepareHead = serializeIlpPrepare({ ...PREPARE, data: Buffer.alloc(0) }).subarray(2, -1);
  const rejectHead = Buffer.concat([Buffer.from('F99'), Buffer.from([0, 0])]);

  function packet(type: number, head: Buffer, dataLength: number): Buffer {
    const fields = Buffer.concat([head, lengthPrefix(dataLength), Buffer.alloc(dataLength, 1)]);
    return Buffer.concat([Buffer.from([type]), lengthPrefix(fields.length), fields]);
  }

  it.each([
    ['Prepare', 12, prepareHead, deserializeIlpPrepare],
    ['Fulfill', 13, FULFILL.fulfillment, deserializeIlpFulfill],
    ['Reject', 14, rejectHead, deserializeIlpReject],
  ] as const)('is valid up to 32767 bytes and invalid beyond in a %s', (_, type, head, decode) => {
    expect((decode(packet(type, head, 32_767)) as { data: Buffer }).data.length).toBe(32_767);
    expectInvalid(decode, packet(type, head, 32_768));
  });
});
