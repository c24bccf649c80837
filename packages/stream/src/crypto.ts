// STREAM cryptography (RFC 0029 §5.1–5.2, PROTOCOLS.md §4.1–4.2). All HMACs are HMAC-SHA256 with the key first.
// Synchronous node:crypto throughout: every call is a few microseconds and the receiver is CPU-bound anyway.
import { createCipheriv, createDecipheriv, createHash, createHmac, randomFillSync } from 'node:crypto';
import { StreamCryptoError } from './errors';

const ENCRYPTION_KEY_STRING = Buffer.from('ilp_stream_encryption', 'utf8');
const FULFILLMENT_KEY_STRING = Buffer.from('ilp_stream_fulfillment', 'utf8');

const IV_LENGTH = 12;
const AUTH_TAG_LENGTH = 16;
/** Bytes the envelope adds to the plaintext: IV ‖ tag. */
export const ENCRYPTION_OVERHEAD = IV_LENGTH + AUTH_TAG_LENGTH;

export function hmacSha256(key: Uint8Array, message: Uint8Array): Buffer {
  return createHmac('sha256', key).update(message).digest();
}

export function sha256(data: Uint8Array): Buffer {
  return createHash('sha256').update(data).digest();
}

export function encryptionKey(sharedSecret: Uint8Array): Buffer {
  return hmacSha256(sharedSecret, ENCRYPTION_KEY_STRING);
}

export function fulfillmentKey(sharedSecret: Uint8Array): Buffer {
  return hmacSha256(sharedSecret, FULFILLMENT_KEY_STRING);
}

/** Fulfillment of a Prepare whose `data` is exactly these (encrypted) bytes. */
export function fulfillmentFor(fulfillmentKeyBytes: Uint8Array, prepareData: Uint8Array): Buffer {
  return hmacSha256(fulfillmentKeyBytes, prepareData);
}

export function conditionFor(fulfillment: Uint8Array): Buffer {
  return sha256(fulfillment);
}

// Random bytes are taken from a pool refilled 4 KiB at a time: each packet needs a fresh IV (and a probe a random
// condition), and asking the system's CSPRNG for 12 bytes at a time cost ~5 µs a call here, a tenth of the packet's
// whole cryptography. (Node's randomUUID pools the same way.) Every byte is handed out once.
const randomPool = Buffer.alloc(4096);
let randomPoolOffset = randomPool.length;

function randomBytesFromPool(length: number): Buffer {
  if (randomPoolOffset + length > randomPool.length) {
    randomFillSync(randomPool);
    randomPoolOffset = 0;
  }
  const bytes = Buffer.from(randomPool.subarray(randomPoolOffset, randomPoolOffset + length));
  randomPoolOffset += length;
  return bytes;
}

/** A condition nobody can fulfill: probes and quotes use it so no money can move. */
export function randomCondition(): Buffer {
  return randomBytesFromPool(32);
}

/** AES-256-GCM envelope: IV (12) ‖ auth tag (16) ‖ ciphertext; no AAD, fresh random IV per call. */
export function encrypt(key: Uint8Array, plaintext: Uint8Array): Buffer {
  checkKey(key);
  const iv = randomBytesFromPool(IV_LENGTH);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const first = cipher.update(plaintext);
  const last = cipher.final();
  return Buffer.concat([iv, cipher.getAuthTag(), first, last]);
}

/** Opens the envelope; throws StreamCryptoError('DECRYPTION_FAILED') for anything not sealed with this key. */
export function decrypt(key: Uint8Array, data: Uint8Array): Buffer {
  checkKey(key);
  if (data.length < ENCRYPTION_OVERHEAD) {
    throw new StreamCryptoError('DECRYPTION_FAILED', 'data too short for the encryption envelope');
  }
  const bytes = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, IV_LENGTH), {
      authTagLength: AUTH_TAG_LENGTH,
    });
    decipher.setAuthTag(bytes.subarray(IV_LENGTH, ENCRYPTION_OVERHEAD));
    const first = decipher.update(bytes.subarray(ENCRYPTION_OVERHEAD));
    return Buffer.concat([first, decipher.final()]);
  } catch {
    throw new StreamCryptoError('DECRYPTION_FAILED', 'unable to decrypt: wrong key or corrupted data');
  }
}

function checkKey(key: Uint8Array): void {
  if (key.length !== 32) throw new StreamCryptoError('INVALID_KEY', `AES-256 key must be 32 bytes, got ${key.length}`);
}
