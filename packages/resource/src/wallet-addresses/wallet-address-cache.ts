// Nearly every Open Payments request, quote and payment packet looks up a wallet address, and wallet addresses almost
// never change, so lookups are kept for a short time instead of costing a database round trip each.
//
// Changes made through this process are seen at once (the entry is dropped); a change made by another instance
// sharing the database is seen within `ttlMs`. Concurrent misses for one key share a single query.
import type { WalletAddress } from './wallet-address-service';

export interface WalletAddressCacheOptions {
  /** How long a looked-up wallet address (or its absence) is reused; 0 turns the cache off. */
  ttlMs: number;
  /** Entries kept at most (oldest dropped first). */
  maxEntries?: number;
}

interface Entry {
  expiresAt: number;
  value: Promise<WalletAddress | undefined>;
}

export class WalletAddressCache {
  private readonly entries = new Map<string, Entry>();
  private readonly maxEntries: number;

  constructor(private readonly options: WalletAddressCacheOptions) {
    this.maxEntries = options.maxEntries ?? 10_000;
  }

  /** The cached lookup for `key` (e.g. `url:https://…`), or `load()`'s result, kept for ttlMs. */
  get(key: string, load: () => Promise<WalletAddress | undefined>): Promise<WalletAddress | undefined> {
    if (this.options.ttlMs <= 0) return load();
    const now = Date.now();
    const cached = this.entries.get(key);
    if (cached && cached.expiresAt > now) return cached.value;
    const value = load();
    const entry = { expiresAt: now + this.options.ttlMs, value };
    this.entries.delete(key);
    this.entries.set(key, entry);
    // A failed lookup is not remembered.
    value.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    return value;
  }

  /** Forgets everything: called after any change this process makes to a wallet address. */
  clear(): void {
    this.entries.clear();
  }
}
