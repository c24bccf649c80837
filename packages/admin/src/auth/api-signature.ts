// Rafiki's admin API request signature: header `signature: t=<unix seconds>, v1=<hex digest>` where the digest is
// HMAC-SHA256(ADMIN_API_SECRET, "<t>.<canonical JSON of the request body>") and the canonical JSON is RFC 8785
// (JCS, what Rafiki's json-canonicalize produces). A signature is accepted while its timestamp is fresh, and once.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { canonicalJson } from '@sluice/resource';

/** Rafiki's ADMIN_API_SIGNATURE_VERSION; the only version there is. */
export const SIGNATURE_VERSION = '1';

export interface ParsedSignature {
  timestampSeconds: number;
  version: string;
  digest: string;
}

const HEADER = /^\s*t=(\d{1,16})\s*,\s*v(\d+)=([0-9a-fA-F]{64})\s*$/;

export function parseSignatureHeader(header: string): ParsedSignature | undefined {
  const match = HEADER.exec(header);
  if (!match) return undefined;
  return { timestampSeconds: Number(match[1]), version: match[2], digest: match[3].toLowerCase() };
}

export function signatureDigest(secret: string, timestampSeconds: number, body: unknown): string {
  return createHmac('sha256', secret)
    .update(`${timestampSeconds}.${canonicalJson(body)}`)
    .digest('hex');
}

/** The `signature` header for `body`, as a Rafiki client computes it. */
export function signAdminRequest(
  secret: string,
  body: unknown,
  timestampSeconds = Math.floor(Date.now() / 1000),
): string {
  return `t=${timestampSeconds}, v${SIGNATURE_VERSION}=${signatureDigest(secret, timestampSeconds, body)}`;
}

export type SignatureVerdict = { ok: true } | { ok: false; reason: string };

export interface SignatureVerifierOptions {
  secret: string;
  /** How far a signature's timestamp may be from now, either way (Rafiki's ADMIN_API_SIGNATURE_TTL_SECONDS). */
  ttlSeconds: number;
  /** Records a digest until `expiresAt`; false when it was already recorded (a replay). */
  remember(digest: string, expiresAt: Date): Promise<boolean>;
  now?: () => number;
}

export function createSignatureVerifier(options: SignatureVerifierOptions) {
  const now = options.now ?? Date.now;
  const ttlMs = options.ttlSeconds * 1000;
  return {
    async verify(header: string | undefined, body: unknown): Promise<SignatureVerdict> {
      if (!header) return { ok: false, reason: 'missing signature header' };
      const parsed = parseSignatureHeader(header);
      if (!parsed) return { ok: false, reason: 'malformed signature header' };
      if (parsed.version !== SIGNATURE_VERSION) return { ok: false, reason: 'unsupported signature version' };
      const signedAt = parsed.timestampSeconds * 1000;
      const age = now() - signedAt;
      if (age > ttlMs) return { ok: false, reason: 'signature expired' };
      if (-age > ttlMs) {
        // A millisecond timestamp reads as a date thousands of years ahead: say what the unit is.
        const hint = parsed.timestampSeconds > 1e11 ? ' (t is in unix seconds)' : '';
        return { ok: false, reason: `signature timestamp in the future${hint}` };
      }
      const expected = Buffer.from(signatureDigest(options.secret, parsed.timestampSeconds, body), 'hex');
      if (!timingSafeEqual(expected, Buffer.from(parsed.digest, 'hex'))) {
        return { ok: false, reason: 'invalid signature' };
      }
      // Verified before it is recorded, so that nobody can burn a valid signature by sending it with another body.
      // Kept a minute past its last acceptable moment, so that clock differences between processes cannot reopen it.
      if (!(await options.remember(parsed.digest, new Date(signedAt + ttlMs + 60_000)))) {
        return { ok: false, reason: 'signature already used' };
      }
      return { ok: true };
    },
  };
}

export type SignatureVerifier = ReturnType<typeof createSignatureVerifier>;
