import { parseDictionary } from 'structured-headers';
import { HttpSignatureError } from './errors';
import type { NormalizedHeaders } from './headers';

const ED25519_SIGNATURE_BYTES = 64;

/** The signature bytes for `label` from the Signature header (RFC 9421 §4.2: a dictionary of byte sequences). */
export function readSignatureBytes(headers: NormalizedHeaders, label: string): Buffer {
  const header = headers['signature'];
  if (header === undefined || header.trim() === '') {
    throw new HttpSignatureError('missing_signature', 'Signature header is missing');
  }
  let dictionary: ReturnType<typeof parseDictionary>;
  try {
    dictionary = parseDictionary(header);
  } catch (cause) {
    throw new HttpSignatureError('malformed_signature', 'Signature is not a structured dictionary', { cause });
  }
  const member = dictionary.get(label);
  if (member === undefined) {
    throw new HttpSignatureError('missing_signature', `Signature has no signature labelled ${label}`);
  }
  const value = member[0];
  if (!(value instanceof ArrayBuffer)) {
    throw new HttpSignatureError('malformed_signature', `Signature ${label} is not a byte sequence`);
  }
  if (value.byteLength !== ED25519_SIGNATURE_BYTES) {
    throw new HttpSignatureError('malformed_signature', `Signature ${label} is not ${ED25519_SIGNATURE_BYTES} bytes`);
  }
  return Buffer.from(value);
}
