import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * A fresh unguessable value: 32 random bytes as base64url (43 ASCII characters, safe in headers, URLs and cookies).
 * Used for access tokens, continuation tokens, session cookies and the random ids in URLs.
 */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** What the database keeps of a secret: its SHA-256, looked up by equality through a unique index. */
export function hashToken(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** Compares two secrets without leaking through timing how much of them matched. */
export function secretsEqual(a: string, b: string): boolean {
  const left = createHash('sha256').update(a, 'utf8').digest();
  const right = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(left, right);
}

/** The token of an `Authorization: GNAP <token>` header, or undefined when there is none or it is another scheme. */
export function gnapTokenFromHeader(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const match = /^GNAP ([\x21-\x7e]+)$/.exec(header.trim());
  return match ? match[1] : undefined;
}
