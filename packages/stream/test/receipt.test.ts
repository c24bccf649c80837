import { createReceipt as refCreateReceipt, verifyReceipt as refVerifyReceipt } from 'ilp-protocol-stream';
import fc from 'fast-check';
import { MAX_UINT64 } from '@sluice/ilp';
import { createReceipt, decodeReceipt, RECEIPT_LENGTH, StreamReceiptError, verifyReceipt } from '../src';

const zeroNonce = Buffer.alloc(16);
const zeroSecret = Buffer.alloc(32);

describe('STREAM receipts (RFC 0039)', () => {
  it('matches the PROTOCOLS.md §4.8 vector', () => {
    const receipt = createReceipt({ nonce: zeroNonce, secret: zeroSecret, streamId: 1, totalReceived: 1000n });
    expect(receipt.toString('hex')).toBe(
      '01' +
        '00'.repeat(16) +
        '01' +
        '00000000000003e8' +
        '780e5a3057c3f6c8bcdfa7f368393bf19dc24926c64dbdbef1b24e6547133c82',
    );
    expect(receipt).toHaveLength(RECEIPT_LENGTH);
  });

  it('verifies its own receipts, with a fixed secret or one looked up by nonce', () => {
    const nonce = Buffer.alloc(16, 9);
    const secret = Buffer.alloc(32, 3);
    const receipt = createReceipt({ nonce, secret, streamId: 255n, totalReceived: MAX_UINT64 });
    expect(verifyReceipt(receipt, secret)).toMatchObject({
      version: 1,
      nonce,
      streamId: 255,
      totalReceived: MAX_UINT64,
    });
    expect(verifyReceipt(receipt, (decoded) => (decoded.nonce.equals(nonce) ? secret : zeroSecret)).streamId).toBe(255);
  });

  it('rejects a wrong secret, a tampered total, a bad length or version with typed errors', () => {
    const receipt = createReceipt({ nonce: zeroNonce, secret: zeroSecret, streamId: 1, totalReceived: 5n });
    expect(() => verifyReceipt(receipt, Buffer.alloc(32, 1))).toThrow(
      expect.objectContaining({ code: 'INVALID_RECEIPT_HMAC' }),
    );
    const tampered = Buffer.from(receipt);
    tampered[25] = 6;
    expect(() => verifyReceipt(tampered, zeroSecret)).toThrow(StreamReceiptError);
    expect(() => decodeReceipt(receipt.subarray(1))).toThrow(expect.objectContaining({ code: 'MALFORMED_RECEIPT' }));
    const v2 = Buffer.from(receipt);
    v2[0] = 2;
    expect(() => decodeReceipt(v2)).toThrow(expect.objectContaining({ code: 'UNSUPPORTED_RECEIPT_VERSION' }));
  });

  it('refuses to create receipts with bad parameters', () => {
    expect(() =>
      createReceipt({ nonce: Buffer.alloc(15), secret: zeroSecret, streamId: 1, totalReceived: 1n }),
    ).toThrow(RangeError);
    expect(() => createReceipt({ nonce: zeroNonce, secret: Buffer.alloc(31), streamId: 1, totalReceived: 1n })).toThrow(
      RangeError,
    );
    expect(() => createReceipt({ nonce: zeroNonce, secret: zeroSecret, streamId: 256, totalReceived: 1n })).toThrow(
      RangeError,
    );
  });

  it('interoperates with ilp-protocol-stream receipts both ways', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.integer({ min: 0, max: 255 }),
        fc.bigInt({ min: 0n, max: MAX_UINT64 }),
        (nonceBytes, secretBytes, streamId, totalReceived) => {
          const nonce = Buffer.from(nonceBytes);
          const secret = Buffer.from(secretBytes);
          const ours = createReceipt({ nonce, secret, streamId, totalReceived });
          const theirs = refCreateReceipt({ nonce, secret, streamId, totalReceived: totalReceived.toString() });
          expect(ours).toEqual(theirs);
          const verified = refVerifyReceipt(ours, secret);
          expect(verified.totalReceived.toString()).toBe(totalReceived.toString());
          expect(verifyReceipt(theirs, secret).totalReceived).toBe(totalReceived);
        },
      ),
      { numRuns: 200 },
    );
  });
});
