// A token bucket per key: `ratePerSecond` tokens added continuously up to `burst`; each event takes one.

export interface TokenBucketOptions {
  ratePerSecond: number;
  burst: number;
  now?: () => number;
}

export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly now: () => number;

  constructor(private readonly options: TokenBucketOptions) {
    if (!(options.ratePerSecond > 0) || !(options.burst >= 1)) {
      throw new RangeError('a rate limit needs ratePerSecond > 0 and burst >= 1');
    }
    this.now = options.now ?? Date.now;
  }

  /** Takes one token for `key`; false when its bucket is empty. */
  take(key: string): boolean {
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: this.options.burst, at: now };
    const refilled = Math.min(
      this.options.burst,
      bucket.tokens + ((now - bucket.at) * this.options.ratePerSecond) / 1000,
    );
    const allowed = refilled >= 1;
    this.buckets.set(key, { tokens: allowed ? refilled - 1 : refilled, at: now });
    return allowed;
  }
}
