import type { RateLimitOptions } from './deps.ts';

/** How long an idle bucket is kept before it is forgotten. */
const IDLE_MS = 10 * 60_000;
/** Most buckets kept at once: a caller choosing new keys (client addresses) evicts the least recently used. */
export const MAX_BUCKETS = 50_000;

/**
 * A token bucket per key (an API key's id, a client address), in this process: `burst` requests at once,
 * `perSecond` sustained. With several API processes each keeps its own buckets (the limit is per process), which is
 * enough to stop a runaway script. The map is bounded: idle buckets are swept, and beyond MAX_BUCKETS the least
 * recently used one goes.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private sweptAt = 0;

  constructor(
    private readonly options: RateLimitOptions,
    private readonly clock: () => number = Date.now,
    private readonly maxBuckets = MAX_BUCKETS,
  ) {}

  /** `0` when the request may go ahead (and one token is taken), else the seconds to wait. */
  take(key: string): number {
    const wait = this.wait(key);
    if (wait === 0) this.buckets.get(key)!.tokens -= 1;
    return wait;
  }

  /** `0` when a token is there (none is taken), else the seconds to wait for one. */
  wait(key: string): number {
    const now = this.clock();
    this.sweep(now);
    const bucket = this.buckets.get(key) ?? { tokens: this.options.burst, at: now };
    bucket.tokens = Math.min(
      this.options.burst,
      bucket.tokens + ((now - bucket.at) / 1000) * this.options.perSecond,
    );
    bucket.at = now;
    // Deleted and set again: the map's order is then least recently used first.
    this.buckets.delete(key);
    this.buckets.set(key, bucket);
    while (this.buckets.size > this.maxBuckets) {
      const oldest = this.buckets.keys().next().value;
      if (oldest === undefined) break;
      this.buckets.delete(oldest);
    }
    if (bucket.tokens >= 1) return 0;
    return Math.max(1, Math.ceil((1 - bucket.tokens) / this.options.perSecond));
  }

  /** Buckets held now (for tests of the bound). */
  get size(): number {
    return this.buckets.size;
  }

  private sweep(now: number) {
    if (now - this.sweptAt < IDLE_MS) return;
    this.sweptAt = now;
    for (const [key, bucket] of this.buckets) if (now - bucket.at > IDLE_MS) this.buckets.delete(key);
  }
}
