// Known byte vectors: ilp-packet's README/test data as quoted in PROTOCOLS.md §1.3, plus a hand-assembled Fulfill.
import {
  deserializeIlpFulfill,
  deserializeIlpPacket,
  deserializeIlpPrepare,
  deserializeIlpReject,
  deserializeIlpReply,
  getIlpPacketType,
  IlpPacketType,
  isFulfill,
  isReject,
  serializeIlpFulfill,
  serializeIlpPrepare,
  serializeIlpReject,
  serializeIlpReply,
  type IlpFulfill,
  type IlpPrepare,
  type IlpReject,
} from '@sluice/ilp';

const hex = (text: string): Buffer => Buffer.from(text.replace(/\s+/g, ''), 'hex');

const PREPARE_BYTES = hex(`
  0c 68
  00000000 0000006b
  3230313731323233303132313430353439
  74e1136dc71c9e5f283bec83461cbf1261c4014f72d48f8dd65453a0b84e7de1
  0d 6578616d706c652e616c696365
  20 5db343fdc41898f6df4202329139dc242dd0f558a811b46b28918fdab37c6cb0`);

const PREPARE: IlpPrepare = {
  amount: 107n,
  expiresAt: new Date('2017-12-23T01:21:40.549Z'),
  executionCondition: Buffer.from('dOETbcccnl8oO+yDRhy/EmHEAU9y1I+N1lRToLhOfeE=', 'base64'),
  destination: 'example.alice',
  data: Buffer.from('XbND/cQYmPbfQgIykTncJC3Q9VioEbRrKJGP2rN8bLA=', 'base64'),
};

const REJECT_BYTES = Buffer.concat([
  hex('0e 41 463031 0e'),
  Buffer.from('example.us.bob', 'ascii'),
  hex('27'),
  Buffer.from('missing destination. ledger=example.us.', 'ascii'),
  hex('06 000000041041'),
]);

const REJECT: IlpReject = {
  code: 'F01',
  triggeredBy: 'example.us.bob',
  message: 'missing destination. ledger=example.us.',
  data: hex('000000041041'),
};

const FULFILLMENT = hex('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f');
// type 13, body length 0x24 = 32 (fulfillment) + 1 (prefix) + 3 (data)
const FULFILL_BYTES = Buffer.concat([hex('0d 24'), FULFILLMENT, hex('03 616263')]);
const FULFILL: IlpFulfill = { fulfillment: FULFILLMENT, data: Buffer.from('abc') };

describe('Prepare vector', () => {
  it('serializes to the known bytes', () => {
    expect(serializeIlpPrepare(PREPARE).toString('hex')).toBe(PREPARE_BYTES.toString('hex'));
  });

  it('deserializes the known bytes', () => {
    expect(deserializeIlpPrepare(PREPARE_BYTES)).toEqual(PREPARE);
  });

  it('is recognised by its type byte', () => {
    expect(getIlpPacketType(PREPARE_BYTES)).toBe(IlpPacketType.Prepare);
    expect(deserializeIlpPacket(PREPARE_BYTES)).toEqual({ type: IlpPacketType.Prepare, packet: PREPARE });
  });
});

describe('Reject vector', () => {
  it('serializes to the known bytes', () => {
    expect(serializeIlpReject(REJECT).toString('hex')).toBe(REJECT_BYTES.toString('hex'));
    expect(serializeIlpReply(REJECT).toString('hex')).toBe(REJECT_BYTES.toString('hex'));
  });

  it('deserializes the known bytes', () => {
    expect(deserializeIlpReject(REJECT_BYTES)).toEqual(REJECT);
    const reply = deserializeIlpReply(REJECT_BYTES);
    expect(isReject(reply)).toBe(true);
    expect(isFulfill(reply)).toBe(false);
    expect(deserializeIlpPacket(REJECT_BYTES)).toEqual({ type: IlpPacketType.Reject, packet: REJECT });
  });

  it('accepts an empty triggeredBy, as ilp-packet does', () => {
    const bytes = serializeIlpReject({ ...REJECT, triggeredBy: '' });
    expect(bytes.subarray(0, 6).toString('hex')).toBe('0e3346303100');
    expect(deserializeIlpReject(bytes).triggeredBy).toBe('');
  });

  it('writes the message as UTF-8', () => {
    const bytes = serializeIlpReject({ code: 'F99', triggeredBy: '', message: 'é€😀', data: Buffer.alloc(0) });
    // body 15 = code 3 + empty triggeredBy 1 + message 1 + 9 (2 + 3 + 4 bytes) + empty data 1
    expect(bytes.toString('hex')).toBe('0e0f4639390009c3a9e282acf09f988000');
    expect(deserializeIlpReject(bytes).message).toBe('é€😀');
  });
});

describe('Fulfill vector', () => {
  it('serializes to the hand-assembled bytes', () => {
    expect(serializeIlpFulfill(FULFILL).toString('hex')).toBe(FULFILL_BYTES.toString('hex'));
    expect(serializeIlpReply(FULFILL).toString('hex')).toBe(FULFILL_BYTES.toString('hex'));
  });

  it('deserializes them', () => {
    expect(deserializeIlpFulfill(FULFILL_BYTES)).toEqual(FULFILL);
    const reply = deserializeIlpReply(FULFILL_BYTES);
    expect(isFulfill(reply)).toBe(true);
    expect(isReject(reply)).toBe(false);
    expect(deserializeIlpPacket(FULFILL_BYTES)).toEqual({ type: IlpPacketType.Fulfill, packet: FULFILL });
  });
});

describe('length prefixes', () => {
  it('uses the long form from 128 bytes of data on', () => {
    const at127 = serializeIlpFulfill({ fulfillment: FULFILLMENT, data: Buffer.alloc(127, 1) });
    expect(at127.subarray(0, 3).toString('hex')).toBe('0d81a0'); // body 32 + 1 + 127 = 160
    expect(at127[3 + 32]).toBe(0x7f);

    const at128 = serializeIlpFulfill({ fulfillment: FULFILLMENT, data: Buffer.alloc(128, 1) });
    expect(at128.subarray(0, 3).toString('hex')).toBe('0d81a2'); // body 32 + 2 + 128 = 162
    expect(at128.subarray(35, 37).toString('hex')).toBe('8180');

    const max = serializeIlpFulfill({ fulfillment: FULFILLMENT, data: Buffer.alloc(32_767, 1) });
    expect(max.subarray(0, 4).toString('hex')).toBe('0d828022'); // body 32 + 3 + 32767 = 32802
    expect(max.subarray(36, 39).toString('hex')).toBe('827fff');
    expect(max.length).toBe(4 + 32_802);
    expect(deserializeIlpFulfill(max).data.length).toBe(32_767);
  });

  it('returns views into the input rather than copies', () => {
    const decoded = deserializeIlpPrepare(PREPARE_BYTES);
    expect(decoded.executionCondition.buffer).toBe(PREPARE_BYTES.buffer);
    expect(decoded.data.buffer).toBe(PREPARE_BYTES.buffer);
  });

  it('ignores bytes after the envelope and after the last field of the body', () => {
    const afterEnvelope = Buffer.concat([PREPARE_BYTES, hex('ff ff ff')]);
    expect(deserializeIlpPrepare(afterEnvelope)).toEqual(PREPARE);

    const body = Buffer.concat([PREPARE_BYTES.subarray(2), hex('01 02 03')]);
    const longerBody = Buffer.concat([hex('0c'), Buffer.from([body.length]), body]);
    expect(deserializeIlpPrepare(longerBody)).toEqual(PREPARE);
  });
});
