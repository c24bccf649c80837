import { HttpSignatureError } from './errors';
import { isEd25519Jwk } from './jwk';
import type { Ed25519Jwk } from './types';

export interface JwksKeyCacheDeps {
  /** GETs a JWKS document and resolves with its parsed JSON; the cache never does I/O itself. */
  fetchJwks(url: string): Promise<unknown>;
  /** How long a fetched key set is trusted. Default 5 minutes; also how long a removed key keeps verifying. */
  ttlMs?: number;
  /** Least time between two fetches of one key set caused by an unknown kid. Default 10 s. */
  refetchIntervalMs?: number;
  /** Key sets kept at most; the least recently fetched is dropped first. Default 1000. */
  maxEntries?: number;
  now?: () => number;
}

interface Entry {
  keys: Map<string, Ed25519Jwk>;
  fetchedAt: number;
  /** Last fetch attempt for an unknown kid, successful or not: the refetch rate limit counts attempts. */
  checkedAt: number;
}

/**
 * Caches each wallet address's `jwks.json`. An unknown kid triggers a refetch (a client may have just added a key),
 * but at most once per `refetchIntervalMs` per wallet address, so a stream of made-up kids cannot turn into a
 * stream of fetches. Failed fetches are not cached: the error goes to the caller and the next call tries again.
 */
export class JwksKeyCache {
  private readonly entries = new Map<string, Entry>();
  private readonly inFlight = new Map<string, Promise<Entry>>();
  private readonly fetchJwks: (url: string) => Promise<unknown>;
  private readonly ttlMs: number;
  private readonly refetchIntervalMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(deps: JwksKeyCacheDeps) {
    this.fetchJwks = deps.fetchJwks;
    this.ttlMs = deps.ttlMs ?? 5 * 60_000;
    this.refetchIntervalMs = deps.refetchIntervalMs ?? 10_000;
    this.maxEntries = deps.maxEntries ?? 1000;
    this.now = deps.now ?? Date.now;
  }

  /** The key `keyId` published by `walletAddressUrl`, or undefined when that wallet address does not publish it. */
  async getKey(walletAddressUrl: string, keyId: string): Promise<Ed25519Jwk | undefined> {
    const url = jwksUrl(walletAddressUrl);
    const cached = this.entries.get(url);
    const now = this.now();
    if (cached !== undefined && now - cached.fetchedAt < this.ttlMs) {
      const key = cached.keys.get(keyId);
      if (key !== undefined) return key;
      if (now - cached.checkedAt < this.refetchIntervalMs) return undefined;
      cached.checkedAt = now;
    }
    const entry = await this.refresh(url);
    return entry.keys.get(keyId);
  }

  /** Forgets a wallet address's keys, e.g. after it announced a key rotation. */
  invalidate(walletAddressUrl: string): void {
    const url = jwksUrl(walletAddressUrl);
    this.entries.delete(url);
  }

  private refresh(url: string): Promise<Entry> {
    // Concurrent requests from one client share a single fetch.
    const pending = this.inFlight.get(url);
    if (pending !== undefined) return pending;
    const fetching = this.load(url).finally(() => this.inFlight.delete(url));
    this.inFlight.set(url, fetching);
    return fetching;
  }

  private async load(url: string): Promise<Entry> {
    const document = await this.fetchJwks(url);
    const now = this.now();
    const entry: Entry = { keys: parseJwks(document), fetchedAt: now, checkedAt: now };
    this.entries.delete(url);
    this.entries.set(url, entry);
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
    return entry;
  }
}

export function jwksUrl(walletAddressUrl: string): string {
  return `${walletAddressUrl.replace(/\/+$/, '')}/jwks.json`;
}

/** Keeps the Ed25519 keys of the shape Open Payments specifies; other keys in the set are not ours to use. */
function parseJwks(document: unknown): Map<string, Ed25519Jwk> {
  const keys = typeof document === 'object' && document !== null ? (document as { keys?: unknown }).keys : undefined;
  if (!Array.isArray(keys)) throw new HttpSignatureError('malformed_jwks', 'JWKS document has no keys array');
  const byKid = new Map<string, Ed25519Jwk>();
  for (const key of keys) {
    // Frozen copies: verification caches the imported KeyObject per JWK object, so the object must never change.
    // A duplicate kid keeps its first occurrence.
    if (isEd25519Jwk(key) && !byKid.has(key.kid)) byKid.set(key.kid, Object.freeze({ ...key }));
  }
  return byKid;
}
