// Introspection runs on every resource server request, and the token it reads changes only when it is revoked or
// rotated, or its grant is revoked. So tokens are kept in memory for a short time and dropped on any such change:
// at once in this process (after the change commits), and in other processes when the NOTIFY that the change's
// transaction sends arrives (sub-millisecond on one database). The time limit only bounds how stale an entry can get
// while a process is cut off from those notifications.
import type { TokenWithGrant } from '../store/access-tokens';

export interface IntrospectionTokenCache {
  /** The cached token for this value hash, or the loader's answer (cached when it is a token). */
  lookup(valueHash: Buffer, load: () => Promise<TokenWithGrant | undefined>): Promise<TokenWithGrant | undefined>;
  /** Forgets every token. Call after a revocation or rotation has committed, and on every change notification. */
  invalidate(): void;
}

export interface IntrospectionTokenCacheOptions {
  ttlMs: number;
  maxEntries?: number;
  /** Monotonic milliseconds; tests pass their own. */
  clock?: () => number;
}

interface Entry {
  token: TokenWithGrant;
  cachedAt: number;
}

export function createIntrospectionTokenCache(options: IntrospectionTokenCacheOptions): IntrospectionTokenCache {
  const clock = options.clock ?? (() => performance.now());
  const maxEntries = options.maxEntries ?? 10_000;
  const entries = new Map<string, Entry>();
  // Bumped by every invalidation: a read that started before one may have seen the old row and must not be kept.
  let generation = 0;
  return {
    async lookup(valueHash, load) {
      const key = valueHash.toString('base64');
      const entry = entries.get(key);
      if (entry && clock() - entry.cachedAt < options.ttlMs) return entry.token;
      const started = generation;
      const startedAt = clock();
      const token = await load();
      if (token === undefined || started !== generation) return token;
      // Oldest first out: a Map iterates in insertion order, and a refreshed entry is re-inserted at the end.
      entries.delete(key);
      if (entries.size >= maxEntries) entries.delete(entries.keys().next().value as string);
      entries.set(key, { token, cachedAt: startedAt });
      return token;
    },
    invalidate() {
      generation++;
      entries.clear();
    },
  };
}

/** No caching: every lookup loads (a process that cannot hear about changes made by other processes). */
export const NO_TOKEN_CACHE: IntrospectionTokenCache = {
  lookup: (_valueHash, load) => load(),
  invalidate: () => undefined,
};
