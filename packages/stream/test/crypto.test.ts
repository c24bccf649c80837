import * as RefCrypto from 'ilp-protocol-stream/dist/src/crypto';
import fc from 'fast-check';
import {
  conditionFor,
  decrypt,
  encrypt,
  encryptionKey,
  ENCRYPTION_OVERHEAD,
  fulfillmentFor,
  fulfillmentKey,
  hmacSha256,
  randomCondition,
  sha256,
  StreamCryptoError,
} from '../src';

const b64 = (value: string): Buffer => Buffer.from(value, 'base64');

describe('STREAM crypto: vectors (PROTOCOLS.md §4.1)', () => {
  const secret = Buffer.from('foo', 'ascii');

  it('derives the encryption and fulfillment keys', () => {
    expect(encryptionKey(secret)).toEqual(b64('zfOGMU/uY+EOUCE6tN3WhE77bF/N6pS0wSOmMgEAMEA='));
    expect(fulfillmentKey(secret)).toEqual(b64('lh8nGJCJosvfUePaU0uxxXK3jNvV2Y+5ivt1GH1Muhs='));
  });

  it('computes HMAC with the key first and SHA-256', () => {
    expect(hmacSha256(Buffer.alloc(32), secret)).toEqual(b64('DA2Y9+PZ1F5y6Id7wbEEMn77nAexjy/+ztdtgTB/H/8='));
    expect(sha256(Buffer.alloc(32))).toEqual(b64('Zmh6rfhivXdsj8GLjp+OIAiXFIVu4jOzkCpZHQ1fKSU='));
  });

  it('derives fulfillment = HMAC(fulfillmentKey, data) and condition = SHA-256(fulfillment)', () => {
    const data = Buffer.from('some encrypted bytes');
    const fulfillment = fulfillmentFor(fulfillmentKey(secret), data);
    expect(fulfillment).toEqual(hmacSha256(fulfillmentKey(secret), data));
    expect(conditionFor(fulfillment)).toEqual(sha256(fulfillment));
  });

  it('makes 32-byte random conditions', () => {
    const a = randomCondition();
    expect(a).toHaveLength(32);
    expect(a).not.toEqual(randomCondition());
  });
});

describe('STREAM crypto: AES-256-GCM envelope', () => {
  const key = encryptionKey(Buffer.alloc(32, 7));

  it('lays out IV ‖ tag ‖ ciphertext with 28 bytes of overhead and a fresh IV each time', () => {
    const plaintext = Buffer.from('hello');
    const a = encrypt(key, plaintext);
    const b = encrypt(key, plaintext);
    expect(a).toHaveLength(plaintext.length + ENCRYPTION_OVERHEAD);
    expect(a.subarray(0, 12)).not.toEqual(b.subarray(0, 12));
    expect(decrypt(key, a)).toEqual(plaintext);
  });

  it('never repeats an IV or a random condition, across many refills of the random pool', () => {
    const ivs = new Set<string>();
    const conditions = new Set<string>();
    for (let i = 0; i < 5_000; i++) {
      ivs.add(encrypt(key, Buffer.from('x')).subarray(0, 12).toString('hex'));
      conditions.add(randomCondition().toString('hex'));
    }
    expect(ivs.size).toBe(5_000);
    expect(conditions.size).toBe(5_000);
    // A condition handed out is the caller's: later draws do not change it.
    const kept = randomCondition();
    const copy = Buffer.from(kept);
    for (let i = 0; i < 300; i++) randomCondition();
    expect(kept).toEqual(copy);
  });

  it('fails with DECRYPTION_FAILED on a wrong key, altered or truncated data', () => {
    const sealed = encrypt(key, Buffer.from('hello'));
    const altered = Buffer.from(sealed);
    altered[altered.length - 1] ^= 1;
    const otherKey = encryptionKey(Buffer.alloc(32, 8));
    for (const [k, data] of [
      [otherKey, sealed],
      [key, altered],
      [key, sealed.subarray(0, 20)],
      [key, Buffer.alloc(0)],
    ] as const) {
      expect(() => decrypt(k, data)).toThrow(StreamCryptoError);
      expect(() => decrypt(k, data)).toThrow(expect.objectContaining({ code: 'DECRYPTION_FAILED' }));
    }
  });

  it('refuses keys that are not 32 bytes', () => {
    expect(() => encrypt(Buffer.alloc(16), Buffer.alloc(1))).toThrow(expect.objectContaining({ code: 'INVALID_KEY' }));
  });
});

describe('STREAM crypto interop with ilp-protocol-stream', () => {
  it('derives the same keys and fulfillments', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array(), async (seed, data) => {
        const secret = Buffer.from(seed);
        expect(encryptionKey(secret)).toEqual(await RefCrypto.generatePskEncryptionKey(secret));
        expect(fulfillmentKey(secret)).toEqual(await RefCrypto.generateFulfillmentKey(secret));
        const fulfillment = fulfillmentFor(fulfillmentKey(secret), Buffer.from(data));
        expect(fulfillment).toEqual(await RefCrypto.generateFulfillment(fulfillmentKey(secret), Buffer.from(data)));
        expect(conditionFor(fulfillment)).toEqual(await RefCrypto.hash(fulfillment));
      }),
      { numRuns: 100 },
    );
  });

  it('decrypts what the reference encrypts and vice versa', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array(), async (seed, bytes) => {
        const key = encryptionKey(Buffer.from(seed));
        const plaintext = Buffer.from(bytes);
        expect(await RefCrypto.decrypt(key, encrypt(key, plaintext))).toEqual(plaintext);
        expect(decrypt(key, await RefCrypto.encrypt(key, plaintext))).toEqual(plaintext);
      }),
      { numRuns: 200 },
    );
  });
});
