import { createPrivateKey, type KeyObject } from 'node:crypto';
import { HttpSignatureError } from './errors';
import { assertEd25519PrivateKey } from './jwk';

const PEM_HEADER = '-----BEGIN';

/**
 * Loads an Ed25519 private key from PKCS#8 PEM. Also accepts the PEM base64-encoded as a whole, the form Rafiki and
 * the Open Payments tooling use to pass a key through an environment variable.
 */
export function loadPrivateKeyPem(pem: string | Buffer): KeyObject {
  const text = typeof pem === 'string' ? pem : pem.toString('utf8');
  const decoded = text.includes(PEM_HEADER) ? text : Buffer.from(text.trim(), 'base64').toString('utf8');
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: decoded, format: 'pem' });
  } catch (cause) {
    throw new HttpSignatureError('invalid_key', 'not a PEM private key', { cause });
  }
  assertEd25519PrivateKey(key);
  return key;
}

export function exportPrivateKeyPem(key: KeyObject): string {
  assertEd25519PrivateKey(key);
  return key.export({ format: 'pem', type: 'pkcs8' }).toString();
}
