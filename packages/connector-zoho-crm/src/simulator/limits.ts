import type { CreditOptions } from './types.ts';

/** One refusal of a limit: the status, Zoho's body and headers (README, L1–L2; bodies ASSUMED). */
export interface LimitRefusal {
  status: 429;
  body: { code: string; details: Record<string, unknown>; message: string; status: 'error' };
}

/**
 * The limits of the simulated organization, whoever sends: API credits over a rolling window (one credit a call;
 * `X-RATELIMIT-*` headers on every answer) and a cap on requests in flight at once.
 */
export class OrganizationLimits {
  /** Times of the calls in the current window, oldest first (bounded by the limit when enforced). */
  private readonly calls: number[] = [];
  private head = 0;
  private used = 0;
  inFlight = 0;

  constructor(
    private readonly credits: CreditOptions | false,
    private readonly concurrency: number | false,
  ) {}

  private get periodMs(): number {
    return this.credits ? (this.credits.periodMs ?? 86_400_000) : 86_400_000;
  }

  private expire(now: number): void {
    while (this.head < this.calls.length && (this.calls[this.head] as number) <= now - this.periodMs)
      this.head++;
    if (this.head > 4096 && this.head * 2 > this.calls.length) {
      this.calls.splice(0, this.head);
      this.head = 0;
    }
  }

  /** Credits spent since the start. */
  get total(): number {
    return this.used;
  }

  /** Admits one call (counted whether refused or not, as a rolling window does), or refuses it. */
  admit(now = Date.now()): LimitRefusal | undefined {
    if (this.concurrency !== false && this.inFlight >= this.concurrency) {
      return {
        status: 429,
        body: {
          code: 'TOO_MANY_REQUESTS',
          details: {},
          message: 'The number of concurrent requests has exceeded the limit of your edition.',
          status: 'error',
        },
      };
    }
    if (!this.credits) return undefined;
    this.expire(now);
    if (this.credits.enforce && this.calls.length - this.head >= this.credits.limit) {
      return {
        status: 429,
        body: {
          code: 'TOO_MANY_REQUESTS',
          details: {},
          message: 'You have reached the API credit limit of your organization for the last 24 hours.',
          status: 'error',
        },
      };
    }
    this.calls.push(now);
    this.used++;
    return undefined;
  }

  /** The credit headers of an answer: limit, credits left, seconds until the oldest call in the window frees one. */
  headers(now = Date.now()): Record<string, string> {
    if (!this.credits) return {};
    this.expire(now);
    const inWindow = this.calls.length - this.head;
    const oldest = this.calls[this.head];
    const resetSeconds =
      oldest === undefined ? 0 : Math.max(0, Math.ceil((oldest + this.periodMs - now) / 1000));
    return {
      'X-RATELIMIT-LIMIT': String(this.credits.limit),
      'X-RATELIMIT-REMAINING': String(this.credits.limit - inWindow),
      'X-RATELIMIT-RESET': String(resetSeconds),
    };
  }
}
