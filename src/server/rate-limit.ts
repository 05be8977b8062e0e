import { LruCache } from './lru-cache';

/**
 * Token buckets per client: each holds up to `burst` tokens and refills at `ratePerSecond`. A
 * request takes one token, or is told how long to wait. Clients are kept in a bounded LRU, so a
 * flood of new addresses cannot grow memory (a forgotten client starts again with a full bucket).
 */
export class RateLimiter {
  private readonly buckets = new LruCache<string, { tokens: number; at: number }>(10_000);

  constructor(private readonly settings: () => { ratePerSecond: number; burst: number }) {}

  /** Takes a token for `key`: ok, or how many seconds until one is free. */
  take(key: string, now = Date.now()): { ok: true } | { ok: false; retryAfterSeconds: number } {
    const { ratePerSecond, burst } = this.settings();
    const b = this.buckets.get(key) ?? { tokens: burst, at: now };
    b.tokens = Math.min(burst, b.tokens + ((now - b.at) / 1000) * ratePerSecond);
    b.at = now;
    this.buckets.set(key, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - b.tokens) / ratePerSecond)) };
  }
}
