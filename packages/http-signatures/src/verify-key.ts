import { KeyObject } from 'node:crypto';
import { HttpSignatureError } from './errors';
import { importPublicJwk, toEd25519PublicKey } from './jwk';
import type { Ed25519Jwk } from './types';

// JWKs usually come from a key cache that hands out the same object every time, so importing once per object
// spares the ASN.1 work on every request. `x` is kept alongside in case a caller reuses and edits its object.
const imported = new WeakMap<object, { x: string; publicKey: KeyObject }>();

/** The public key to verify with, after checking it is the key the signature names. */
export function resolveVerifyKey(key: Ed25519Jwk | KeyObject, keyId: string): KeyObject {
  if (key instanceof KeyObject) return toEd25519PublicKey(key);
  if (key.kid !== keyId) {
    throw new HttpSignatureError('unknown_key', `signature keyid ${keyId} is not the given key ${key.kid}`);
  }
  const cached = imported.get(key);
  if (cached !== undefined && cached.x === key.x) return cached.publicKey;
  const publicKey = importPublicJwk(key);
  imported.set(key, { x: key.x, publicKey });
  return publicKey;
}
