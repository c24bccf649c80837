import { createHash } from 'node:crypto';
import {
  checkIldcpRequest,
  createIldcpFulfill,
  createIldcpRequest,
  deserializeIldcpResponse,
  deserializeIlpFulfill,
  deserializeIlpPrepare,
  IlpError,
  ILDCP_CONDITION,
  ILDCP_DESTINATION,
  ILDCP_FULFILLMENT,
  InvalidIlpPacketError,
  isIldcpRequest,
  IlpEncodeError,
  serializeIldcpResponse,
  serializeIlpFulfill,
  serializeIlpPrepare,
} from '@sluice/ilp';
import { PREPARE } from './support/packets';

const hex = (text: string): Buffer => Buffer.from(text.replace(/\s+/g, ''), 'hex');

describe('IL-DCP constants (RFC 0031)', () => {
  it('has the condition that is SHA-256 of the all-zero fulfillment', () => {
    expect(ILDCP_DESTINATION).toBe('peer.config');
    expect(ILDCP_FULFILLMENT).toEqual(Buffer.alloc(32));
    expect(ILDCP_CONDITION).toEqual(createHash('sha256').update(ILDCP_FULFILLMENT).digest());
    expect(ILDCP_CONDITION.toString('base64')).toBe('Zmh6rfhivXdsj8GLjp+OIAiXFIVu4jOzkCpZHQ1fKSU=');
    expect(ILDCP_CONDITION.toString('hex')).toBe('66687aadf862bd776c8fc18b8e9f8e20089714856ee233b3902a591d0d5f2925');
  });
});

describe('IL-DCP request', () => {
  it('is a zero-amount Prepare to peer.config with the peer condition and no data', () => {
    const expiresAt = new Date('2030-01-02T03:04:05.678Z');
    const bytes = serializeIlpPrepare(createIldcpRequest(expiresAt));
    expect(bytes.toString('hex')).toBe(
      hex(`0c 46 0000000000000000`).toString('hex') +
        Buffer.from('20300102030405678').toString('hex') +
        ILDCP_CONDITION.toString('hex') +
        '0b' +
        Buffer.from('peer.config').toString('hex') +
        '00',
    );
    const decoded = deserializeIlpPrepare(bytes);
    expect(isIldcpRequest(decoded)).toBe(true);
    expect(() => checkIldcpRequest(decoded, new Date('2030-01-02T03:04:05.000Z'))).not.toThrow();
  });

  it('expires a minute from now by default', () => {
    const before = Date.now();
    const request = createIldcpRequest();
    expect(request.expiresAt.getTime()).toBeGreaterThanOrEqual(before + 60_000);
    expect(request.expiresAt.getTime()).toBeLessThanOrEqual(Date.now() + 60_000);
  });

  it('does not share the condition constant', () => {
    const request = createIldcpRequest();
    request.executionCondition[0] ^= 0xff;
    expect(ILDCP_CONDITION.toString('base64')).toBe('Zmh6rfhivXdsj8GLjp+OIAiXFIVu4jOzkCpZHQ1fKSU=');
  });

  it('is recognised by destination alone', () => {
    expect(isIldcpRequest(PREPARE)).toBe(false);
    expect(isIldcpRequest({ ...PREPARE, destination: 'peer.config' })).toBe(true);
    expect(isIldcpRequest({ ...PREPARE, destination: 'peer.config.x' })).toBe(false);
  });

  it('is refused with F00 when the condition is wrong or it has expired', () => {
    const now = new Date('2030-01-01T00:00:00.000Z');
    const wrongCondition = {
      ...createIldcpRequest(new Date('2030-01-01T00:01:00.000Z')),
      executionCondition: Buffer.alloc(32),
    };
    const expired = createIldcpRequest(new Date('2029-12-31T23:59:59.999Z'));
    for (const request of [wrongCondition, expired]) {
      let thrown: unknown;
      try {
        checkIldcpRequest(request, now);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(IlpError);
      expect((thrown as IlpError).code).toBe('F00');
    }
  });

  it('accepts a non-zero amount, which RFC 0031 reserves for paid reservations', () => {
    expect(() => checkIldcpRequest({ ...createIldcpRequest(), amount: 5n })).not.toThrow();
  });
});

describe('IL-DCP response', () => {
  const response = { clientAddress: 'test.parent.child', assetScale: 9, assetCode: 'USD' };
  const responseBytes = Buffer.concat([
    hex('11'),
    Buffer.from('test.parent.child'),
    hex('09'),
    hex('03'),
    Buffer.from('USD'),
  ]);

  it('is clientAddress, assetScale, assetCode in OER', () => {
    expect(serializeIldcpResponse(response).toString('hex')).toBe(responseBytes.toString('hex'));
    expect(deserializeIldcpResponse(responseBytes)).toEqual(response);
  });

  it('is carried in a Fulfill with the all-zero fulfillment', () => {
    const fulfill = createIldcpFulfill(response);
    expect(fulfill.fulfillment).toEqual(Buffer.alloc(32));
    const bytes = serializeIlpFulfill(fulfill);
    expect(bytes.toString('hex')).toBe('0d' + '38' + '00'.repeat(32) + '17' + responseBytes.toString('hex'));
    expect(deserializeIldcpResponse(deserializeIlpFulfill(bytes).data)).toEqual(response);
  });

  it('round-trips a UTF-8 asset code, scale 0 and 255, and a long address', () => {
    for (const value of [
      { clientAddress: 'g.a', assetScale: 0, assetCode: '' },
      { clientAddress: 'g.' + 'b'.repeat(1021), assetScale: 255, assetCode: 'Ξ€' },
    ]) {
      expect(deserializeIldcpResponse(serializeIldcpResponse(value))).toEqual(value);
    }
  });

  it('ignores trailing bytes', () => {
    expect(deserializeIldcpResponse(Buffer.concat([responseBytes, hex('ff')]))).toEqual(response);
  });

  it('is invalid when truncated at any byte', () => {
    for (let length = 0; length < responseBytes.length; length++) {
      expect(() => deserializeIldcpResponse(responseBytes.subarray(0, length))).toThrow(InvalidIlpPacketError);
    }
  });

  it.each([
    ['an invalid address', Buffer.concat([hex('05'), Buffer.from('bogus'), hex('09 03'), Buffer.from('USD')])],
    ['a non-ASCII address', Buffer.concat([hex('05 67 2e 61 e9 62 09 03'), Buffer.from('USD')])],
    ['an asset code that is not UTF-8', Buffer.concat([hex('03'), Buffer.from('g.a'), hex('09 02 ff fe')])],
    ['an address of 1024 bytes', Buffer.concat([hex('82 0400'), Buffer.from('g.' + 'a'.repeat(1022)), hex('09 00')])],
  ])('is invalid with %s', (_, bytes) => {
    expect(() => deserializeIldcpResponse(bytes)).toThrow(InvalidIlpPacketError);
  });

  it.each([
    ['an invalid address', { ...response, clientAddress: 'child' }],
    ['a negative scale', { ...response, assetScale: -1 }],
    ['a scale of 256', { ...response, assetScale: 256 }],
    ['a fractional scale', { ...response, assetScale: 2.5 }],
    ['an asset code that is not a string', { ...response, assetCode: undefined as unknown as string }],
  ])('refuses to serialize %s', (_, value) => {
    expect(() => serializeIldcpResponse(value)).toThrow(IlpEncodeError);
  });
});
