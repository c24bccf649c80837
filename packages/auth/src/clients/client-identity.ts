import { isEd25519Jwk, type Ed25519Jwk } from '@sluice/http-signatures';
import { GnapError } from '../errors';
import { isHttpUrl } from '../access/shape';

/**
 * Who a grant belongs to: a wallet address (keys at `<walletAddress>/jwks.json`, display data in its document) or,
 * for directed identity, a bare public key (non-interactive grants only).
 */
export type ClientIdentity = { walletAddress: string } | { jwk: Ed25519Jwk };

export function isWalletAddressClient(client: ClientIdentity): client is { walletAddress: string } {
  return 'walletAddress' in client;
}

const invalidClient = (message: string) => new GnapError(400, 'invalid_client', message);

/**
 * Reads the grant request's `client`: the deprecated wallet address string, `{ walletAddress }` or `{ jwk }`
 * (auth-server.yaml `client` schema; the object forms allow no other properties).
 */
export function parseClient(value: unknown): ClientIdentity {
  if (value === undefined) throw invalidClient('client is required');
  if (typeof value === 'string') return { walletAddress: readWalletAddress(value) };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalidClient('client must be a wallet address URL, { walletAddress } or { jwk }');
  }
  const keys = Object.keys(value);
  const record = value as Record<string, unknown>;
  if (keys.length === 1 && keys[0] === 'walletAddress')
    return { walletAddress: readWalletAddress(record.walletAddress) };
  if (keys.length === 1 && keys[0] === 'jwk') {
    if (!isEd25519Jwk(record.jwk) || !hasOnlyJwkFields(record.jwk)) {
      throw invalidClient('client.jwk must be an Ed25519 public JWK (kid, alg EdDSA, kty OKP, crv Ed25519, x)');
    }
    const { kid, alg, kty, crv, x, use } = record.jwk;
    return { jwk: use === undefined ? { kid, alg, kty, crv, x } : { kid, alg, kty, crv, x, use } };
  }
  throw invalidClient('client must have exactly one of walletAddress or jwk');
}

function hasOnlyJwkFields(jwk: object): boolean {
  return Object.keys(jwk).every((key) => ['kid', 'alg', 'kty', 'crv', 'x', 'use'].includes(key));
}

function readWalletAddress(value: unknown): string {
  if (typeof value !== 'string' || value.length > 2048 || !isHttpUrl(value)) {
    throw invalidClient('client wallet address must be an absolute http(s) URL');
  }
  return value;
}
