import { createHmac } from 'node:crypto';
import { randomToken, secretsEqual } from '../tokens';

/**
 * The interaction session: a random cookie set when the user starts the interaction, whose SHA-256 is stored with
 * it. Finishing (and the built-in consent page) needs the same cookie, so an interaction URL opened in another
 * browser, or by the client itself, cannot be completed there.
 */
export const SESSION_COOKIE = 'sluice_interaction';

export function newSessionToken(): string {
  return randomToken();
}

/**
 * A Set-Cookie value scoped to one interaction's public path: HttpOnly, SameSite=Lax (the redirect back from an
 * identity provider is a top-level GET, which Lax still carries), Secure when served over https.
 */
export function sessionCookie(value: string, publicPath: string, options: { secure: boolean; maxAgeSeconds: number }) {
  const attributes = [`${SESSION_COOKIE}=${value}`, `Path=${publicPath}`, 'HttpOnly', 'SameSite=Lax'];
  attributes.push(`Max-Age=${options.maxAgeSeconds}`);
  if (options.secure) attributes.push('Secure');
  return attributes.join('; ');
}

export function clearedSessionCookie(publicPath: string, secure: boolean): string {
  return sessionCookie('', publicPath, { secure, maxAgeSeconds: 0 });
}

/** The session cookie's value from a Cookie header, if present. */
export function readSessionCookie(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === SESSION_COOKIE) {
      const value = rest.join('=');
      return /^[A-Za-z0-9_-]{20,100}$/.test(value) ? value : undefined;
    }
  }
  return undefined;
}

/** The consent form's anti-CSRF token, derived from the session so nothing more needs storing. */
export function csrfToken(sessionToken: string): string {
  return createHmac('sha256', sessionToken).update('sluice consent form').digest('base64url');
}

export function isValidCsrfToken(sessionToken: string, token: unknown): boolean {
  return typeof token === 'string' && secretsEqual(token, csrfToken(sessionToken));
}
