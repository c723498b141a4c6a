import { DateTime } from 'luxon';

/**
 * The limits of one simulated Zoho organization, whoever sends (every client, every access token):
 * - a per-minute limit (Zoho: about 100 requests a minute per organization, documented for Books and Inventory,
 *   inferred for Invoice), counted over a sliding window here (ASSUMED: whether Zoho counts a fixed or a sliding
 *   minute is not documented; sliding is the stricter). Past it: HTTP 429 code 44 (code ASSUMED, from third-party
 *   constants), with `Retry-After` unless `retryAfter` is false (Zoho's recordings carry none: ASSUMED either way);
 * - a daily quota reported on every answer by `X-Rate-Limit-Limit`, `X-Rate-Limit-Remaining` (negative past the
 *   quota: OBSERVED on real answers) and `X-Rate-Limit-Reset` (seconds until the counter resets: OBSERVED). When
 *   `enforce` is set, a request past the quota gets HTTP 429 code 45 "You have reached the maximum number of API
 *   calls for the day." (ASSUMED: only unverified fixtures show it). The day ends at midnight in the organization's
 *   zone (ASSUMED), or every `periodMs` from the start for a scaled clock.
 */
export interface DailyQuotaOptions {
  /** Calls a day (Zoho Invoice's free plan: 1,000, observed in the header). */
  limit: number;
  /** Refuse calls past the quota (429 code 45) instead of only counting below zero. Default false. */
  enforce?: boolean;
  /** A scaled clock: the quota resets every `periodMs` from the simulator's start instead of at midnight. */
  periodMs?: number;
}

export interface RateLimitWindow {
  /** Requests per window per organization. */
  limit: number;
  windowMs?: number;
  /** Send `Retry-After` with the 429 (default true). */
  retryAfter?: boolean;
}

export interface LimitRefusal {
  status: 429;
  code: number;
  message: string;
  headers: Record<string, string>;
}

export class OrganizationLimits {
  /** Times of the requests in the current window, oldest first. */
  private readonly recent: number[] = [];
  private dayEndsAt = 0;
  private dayCount = 0;

  constructor(
    private readonly zone: string,
    private readonly rate: RateLimitWindow | false,
    private readonly quota: DailyQuotaOptions,
    private readonly startedAt: number,
  ) {}

  /** Counts one request; a refusal when a limit says no (the request is counted against the day all the same). */
  admit(now = Date.now()): LimitRefusal | undefined {
    this.turnDay(now);
    this.dayCount++;
    if (this.quota.enforce && this.dayCount > this.quota.limit) {
      return {
        status: 429,
        code: 45,
        message: 'You have reached the maximum number of API calls for the day.',
        headers: this.headers(now),
      };
    }
    if (!this.rate) return undefined;
    const windowMs = this.rate.windowMs ?? 60_000;
    while (this.recent.length && (this.recent[0] as number) <= now - windowMs) this.recent.shift();
    if (this.recent.length >= this.rate.limit) {
      const retryAfter = Math.max(1, Math.ceil(((this.recent[0] as number) + windowMs - now) / 1000));
      return {
        status: 429,
        code: 44,
        message: 'You have made too many requests per minute. Please try again after some time.',
        headers: {
          ...this.headers(now),
          ...(this.rate.retryAfter === false ? {} : { 'Retry-After': String(retryAfter) }),
        },
      };
    }
    this.recent.push(now);
    return undefined;
  }

  /** The three daily-quota headers as of now. */
  headers(now = Date.now()): Record<string, string> {
    this.turnDay(now);
    return {
      'X-Rate-Limit-Limit': String(this.quota.limit),
      'X-Rate-Limit-Remaining': String(this.quota.limit - this.dayCount),
      'X-Rate-Limit-Reset': String(Math.max(1, Math.ceil((this.dayEndsAt - now) / 1000))),
    };
  }

  /** Starts a new day now (tests: "the quota has reset"). */
  resetDay(): void {
    this.dayCount = 0;
  }

  get usedToday(): number {
    return this.dayCount;
  }

  private turnDay(now: number): void {
    if (now <= this.dayEndsAt) return;
    this.dayCount = 0;
    if (this.quota.periodMs) {
      const periods = Math.floor((now - this.startedAt) / this.quota.periodMs) + 1;
      this.dayEndsAt = this.startedAt + periods * this.quota.periodMs - 1;
    } else {
      // The zone's day is worked out with luxon only when the day turns (it was a tenth of a list request's cost).
      this.dayEndsAt = DateTime.fromMillis(now, { zone: this.zone }).endOf('day').toMillis();
    }
  }
}
