import { createHash, timingSafeEqual } from 'node:crypto';
import { parseDictionary } from 'structured-headers';
import { HttpSignatureError } from './errors';
import { bodyBytes } from './headers';

// RFC 9530 §7.2: only these two are "Active"; md5, sha (SHA-1), crc32c and the rest are deprecated, so a digest made
// only of those proves nothing and is refused rather than skipped.
const ACCEPTED: ReadonlyMap<string, string> = new Map([
  ['sha-512', 'sha512'],
  ['sha-256', 'sha256'],
]);

/** `sha-512=:<base64>:` over the exact body bytes — what the official Open Payments client sends. */
export function createContentDigest(body: string | Buffer): string {
  return `sha-512=:${createHash('sha512').update(bodyBytes(body)).digest('base64')}:`;
}

/**
 * Checks a received Content-Digest against the raw body bytes. Every accepted algorithm present must match and at
 * least one must be present; deprecated or unknown algorithms alongside them are ignored (RFC 9530 §2 lets a
 * recipient ignore digests it does not support).
 */
export function verifyContentDigest(header: string | undefined, body: Buffer | string): void {
  if (header === undefined || header.trim() === '') {
    throw new HttpSignatureError('missing_digest', 'Content-Digest header is missing');
  }
  let digests: ReturnType<typeof parseDictionary>;
  try {
    digests = parseDictionary(header);
  } catch (cause) {
    throw new HttpSignatureError('malformed_digest', 'Content-Digest is not a structured dictionary', { cause });
  }
  const bytes = bodyBytes(body);
  let checked = 0;
  for (const [algorithm, member] of digests) {
    const hash = ACCEPTED.get(algorithm);
    if (hash === undefined) continue;
    const received = member[0];
    if (!(received instanceof ArrayBuffer)) {
      throw new HttpSignatureError('malformed_digest', `Content-Digest ${algorithm} is not a byte sequence`);
    }
    const expected = createHash(hash).update(bytes).digest();
    const actual = Buffer.from(received);
    if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) {
      throw new HttpSignatureError('digest_mismatch', `Content-Digest ${algorithm} does not match the body`);
    }
    checked++;
  }
  if (checked === 0) {
    throw new HttpSignatureError('unsupported_digest', 'Content-Digest has no sha-256 or sha-512 value');
  }
}
