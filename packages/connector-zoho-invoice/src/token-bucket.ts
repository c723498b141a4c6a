/** Waits `ms`, or rejects as soon as `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0 && !signal?.aborted) return Promise.resolve();
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export interface TokenBucketOptions {
  /** Sustained rate. */
  requestsPerMinute: number;
  /** Bucket size: requests that may go at once after a quiet spell. */
  burst: number;
  now?: () => number;
}

/**
 * A request budget: at most `burst + requestsPerMinute` requests in any 60 seconds. Callers queue in order;
 * `pause` holds every caller back (a 429's Retry-After).
 */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;
  private pausedUntil = 0;
  private queue: Promise<void> = Promise.resolve();
  private readonly ratePerMs: number;
  private readonly now: () => number;

  constructor(private readonly options: TokenBucketOptions) {
    if (!(options.requestsPerMinute > 0) || !(options.burst >= 1))
      throw new Error('A token bucket needs a rate > 0 and a burst >= 1');
    this.now = options.now ?? Date.now;
    this.ratePerMs = options.requestsPerMinute / 60_000;
    this.tokens = options.burst;
    this.updatedAt = this.now();
  }

  /** Resolves when the caller may send one request. */
  take(signal?: AbortSignal): Promise<void> {
    const turn = this.queue.then(() => this.acquire(signal));
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  /** No request before `ms` from now, and the bucket starts empty again after that. */
  pause(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.now() + ms);
    this.tokens = 0;
    this.updatedAt = this.pausedUntil;
  }

  private refill(): void {
    const now = this.now();
    if (now > this.updatedAt) {
      this.tokens = Math.min(this.options.burst, this.tokens + (now - this.updatedAt) * this.ratePerMs);
      this.updatedAt = now;
    }
  }

  private async acquire(signal?: AbortSignal): Promise<void> {
    for (;;) {
      const pause = this.pausedUntil - this.now();
      if (pause > 0) {
        await sleep(pause, signal);
        continue;
      }
      this.refill();
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      await sleep(Math.ceil((1 - this.tokens) / this.ratePerMs), signal);
    }
  }
}
