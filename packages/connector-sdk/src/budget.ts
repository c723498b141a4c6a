/**
 * A request budget per source account (an API host plus the source's organization id), shared by everybody who
 * sends to that account. The engine passes one in (`@leadsync/db` keeps it in PostgreSQL, so every worker process
 * on every machine shares it); connectors never see where it lives.
 *
 * The rate part is a token bucket with reservations: `take` always books the next free slot and says how long to
 * wait for it, so callers never poll and a bucket of `burst` tokens refilled at `requestsPerMinute` lets through at
 * most `burst + requestsPerMinute` requests in any 60 seconds. The quota part remembers what the source said about
 * its daily quota (`observe`) and refuses a request that would eat into the reserve (`QuotaReachedError`).
 */
export interface RateLimit {
  /** Sustained rate. */
  requestsPerMinute: number;
  /** Requests that may go at once after a quiet spell. */
  burst: number;
  /** Share of the daily quota left for the account's other uses (default 0.1). */
  quotaReserveShare?: number;
}

/** What the source said about the account's daily quota on its latest answer. */
export interface DailyQuota {
  limit: number;
  /** May be negative: some sources keep answering past the quota for a while. */
  remaining: number;
  /** When the daily counter starts again. */
  resetAt: Date;
}

export type BudgetTake =
  | { granted: true /** Wait this long before sending (the booked slot). */; waitMs: number }
  | { granted: false /** The quota, less its reserve, is spent until then. */; resumeAt: Date };

export interface RequestBudget {
  /**
   * Books `count` requests (default 1) to `account`; `waitMs` is the wait for the last of them, after which all may
   * go. Booked requests count against the daily quota at once.
   */
  take(account: string, limit: RateLimit, count?: number): Promise<BudgetTake>;
  /** Nobody sends to `account` for `ms` from now (the source said 429). */
  pause(account: string, ms: number, limit: RateLimit): Promise<void>;
  /** Keeps what an answer said about the daily quota. */
  observe(account: string, quota: DailyQuota): Promise<void>;
  /** The account's quota as last observed (less what was booked since); undefined when unknown or reset since. */
  quota(account: string): Promise<DailyQuota | undefined>;
}

export const DEFAULT_QUOTA_RESERVE_SHARE = 0.1;

/** The quota requests that must stay unused: `share` of the limit, rounded up. */
export function quotaReserve(limit: number, share = DEFAULT_QUOTA_RESERVE_SHARE): number {
  return Math.ceil(Math.max(0, limit) * Math.min(1, Math.max(0, share)));
}

interface MemoryAccount {
  tokens: number;
  updatedAt: number;
  quota?: DailyQuota;
}

/**
 * A budget held in this process only: for a connector used without an engine (tests, tools) and as the reference
 * the database budget is tested against. Each call of this function is a separate budget; nothing is process-wide.
 * `maxAccounts` bounds it: the least recently used account is forgotten beyond it.
 */
export function createMemoryBudget(
  options: { now?: () => number; maxAccounts?: number } = {},
): RequestBudget {
  const now = options.now ?? Date.now;
  const maxAccounts = options.maxAccounts ?? 1000;
  const accounts = new Map<string, MemoryAccount>();
  const get = (account: string, limit: RateLimit): MemoryAccount => {
    let state = accounts.get(account);
    if (state) accounts.delete(account);
    else state = { tokens: limit.burst, updatedAt: now() };
    accounts.set(account, state);
    if (accounts.size > maxAccounts) accounts.delete(accounts.keys().next().value as string);
    return state;
  };
  const refill = (state: MemoryAccount, limit: RateLimit, at: number) => {
    state.tokens = Math.min(
      limit.burst,
      state.tokens + ((at - state.updatedAt) * limit.requestsPerMinute) / 60_000,
    );
    state.updatedAt = at;
  };
  const liveQuota = (state: MemoryAccount | undefined, at: number) =>
    state?.quota && state.quota.resetAt.getTime() > at ? state.quota : undefined;
  return {
    async take(account, limit, count = 1) {
      const state = get(account, limit);
      const at = now();
      const quota = liveQuota(state, at);
      if (quota && quota.remaining - count < quotaReserve(quota.limit, limit.quotaReserveShare))
        return { granted: false, resumeAt: quota.resetAt };
      if (quota) quota.remaining -= count;
      refill(state, limit, at);
      state.tokens -= count;
      const waitMs = state.tokens >= 0 ? 0 : Math.ceil((-state.tokens * 60_000) / limit.requestsPerMinute);
      return { granted: true, waitMs };
    },
    async pause(account, ms, limit) {
      const state = get(account, limit);
      refill(state, limit, now());
      state.tokens = Math.min(state.tokens, 0) - (ms * limit.requestsPerMinute) / 60_000;
    },
    async observe(account, quota) {
      // A new account starts with a full bucket (the refill caps it at the burst).
      const state = accounts.get(account) ?? { tokens: Number.POSITIVE_INFINITY, updatedAt: now() };
      if (!accounts.has(account)) accounts.set(account, state);
      const known = liveQuota(state, now());
      const samePeriod = known && Math.abs(known.resetAt.getTime() - quota.resetAt.getTime()) < 3_000;
      state.quota = {
        limit: quota.limit,
        remaining: samePeriod ? Math.min(known.remaining, quota.remaining) : quota.remaining,
        resetAt: quota.resetAt,
      };
    },
    async quota(account) {
      const quota = liveQuota(accounts.get(account), now());
      return quota ? { ...quota } : undefined;
    },
  };
}
