import { createPublicKey, generateKeyPairSync, type JsonWebKey, type KeyObject } from 'node:crypto';
import { HttpSignatureError } from './errors';
import type { Ed25519Jwk, SigningKey } from './types';

// An Ed25519 public key is 32 bytes: 43 base64url characters without padding.
const ED25519_X = /^[A-Za-z0-9_-]{43}$/;
// keyid travels as an RFC 8941 string, which allows printable ASCII only.
const PRINTABLE_ASCII = /^[\x20-\x7e]+$/;

export function assertUsableKeyId(keyId: unknown): asserts keyId is string {
  if (typeof keyId !== 'string' || keyId.trim() === '' || !PRINTABLE_ASCII.test(keyId)) {
    throw new HttpSignatureError('invalid_key', 'key id must be non-empty printable ASCII');
  }
}

/** True for a public JWK of the exact shape Open Payments specifies (kid, alg EdDSA, kty OKP, crv Ed25519, x). */
export function isEd25519Jwk(value: unknown): value is Ed25519Jwk {
  if (typeof value !== 'object' || value === null) return false;
  const jwk = value as Record<string, unknown>;
  return (
    typeof jwk.kid === 'string' &&
    jwk.kid !== '' &&
    jwk.alg === 'EdDSA' &&
    jwk.kty === 'OKP' &&
    jwk.crv === 'Ed25519' &&
    typeof jwk.x === 'string' &&
    ED25519_X.test(jwk.x) &&
    (jwk.use === undefined || jwk.use === 'sig') &&
    // A published key with its private part is a leak, not a public key.
    jwk.d === undefined
  );
}

/**
 * Imports an Ed25519 public JWK. Looser than isEd25519Jwk on two points only: `kid` may be absent (the caller already
 * knows which key it asked for) and `alg` may be the fully-specified "Ed25519" of RFC 9864 as well as "EdDSA".
 */
export function importPublicJwk(jwk: unknown): KeyObject {
  if (typeof jwk !== 'object' || jwk === null) throw new HttpSignatureError('invalid_key', 'JWK is not an object');
  const fields = jwk as Record<string, unknown>;
  if (fields.kty !== 'OKP' || fields.crv !== 'Ed25519') {
    throw new HttpSignatureError('invalid_key', 'JWK is not an Ed25519 key (kty OKP, crv Ed25519)');
  }
  if (fields.alg !== undefined && fields.alg !== 'EdDSA' && fields.alg !== 'Ed25519') {
    throw new HttpSignatureError('invalid_key', 'JWK alg is not EdDSA');
  }
  if (fields.use !== undefined && fields.use !== 'sig')
    throw new HttpSignatureError('invalid_key', 'JWK use is not sig');
  if (fields.d !== undefined) throw new HttpSignatureError('invalid_key', 'JWK contains a private key');
  if (typeof fields.x !== 'string' || !ED25519_X.test(fields.x)) {
    throw new HttpSignatureError('invalid_key', 'JWK x is not a base64url Ed25519 public key');
  }
  try {
    return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: fields.x }, format: 'jwk' });
  } catch (cause) {
    throw new HttpSignatureError('invalid_key', 'JWK x is not a valid Ed25519 public key', { cause });
  }
}

export function exportPublicJwk(key: KeyObject, keyId: string): Ed25519Jwk {
  assertUsableKeyId(keyId);
  const { x } = toEd25519PublicKey(key).export({ format: 'jwk' }) as JsonWebKey;
  if (typeof x !== 'string') throw new HttpSignatureError('invalid_key', 'could not export the public key');
  return { kid: keyId, alg: 'EdDSA', kty: 'OKP', crv: 'Ed25519', x };
}

export function generateEd25519Key(keyId: string): { signingKey: SigningKey; publicJwk: Ed25519Jwk } {
  assertUsableKeyId(keyId);
  const { privateKey } = generateKeyPairSync('ed25519');
  return { signingKey: { keyId, privateKey }, publicJwk: exportPublicJwk(privateKey, keyId) };
}

export function assertEd25519(key: KeyObject): void {
  if (key.type === 'secret' || key.asymmetricKeyType !== 'ed25519') {
    throw new HttpSignatureError('invalid_key', 'key is not an Ed25519 key');
  }
}

/** The public half of an Ed25519 KeyObject, public or private. */
export function toEd25519PublicKey(key: KeyObject): KeyObject {
  assertEd25519(key);
  return key.type === 'private' ? createPublicKey(key) : key;
}

/** Signing with a public key would only fail later inside node:crypto with an untyped error. */
export function assertEd25519PrivateKey(key: KeyObject): void {
  assertEd25519(key);
  if (key.type !== 'private') throw new HttpSignatureError('invalid_key', 'signing needs a private key');
}
