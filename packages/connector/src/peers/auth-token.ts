// Incoming bearer tokens are looked up by their SHA-256 digest, so the database holds nothing a thief could replay.
// Tokens are long random secrets chosen by operators, so a fast unsalted hash is enough (no dictionary to attack).
import { createHash } from 'node:crypto';

export const MAX_AUTH_TOKEN_LENGTH = 1024;

export function hashAuthToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

export function isValidAuthToken(token: unknown): token is string {
  // Visible ASCII only: the token travels in an HTTP header.
  return (
    typeof token === 'string' &&
    token.length > 0 &&
    token.length <= MAX_AUTH_TOKEN_LENGTH &&
    /^[\x21-\x7e]+$/.test(token)
  );
}
