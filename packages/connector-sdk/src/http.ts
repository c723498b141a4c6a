import {
  type BudgetTake,
  createMemoryBudget,
  type DailyQuota,
  type RateLimit,
  type RequestBudget,
} from './budget.ts';
import type { Logger } from './connector.ts';
import {
  InvalidConfigurationError,
  QuotaReachedError,
  RateLimitedError,
  SourceUnavailableError,
} from './errors.ts';

/**
 * The HTTP client every connector gets in its context: the request budget of the source account, retries with
 * jittered backoff on network errors, timeouts and 5xx, 429 waited out (Retry-After, or a default), the daily quota
 * read from every answer, and no redirects (a 3xx is an error: a source that moved is a configuration to fix, and a
 * redirect must not carry a credential to another host). What a 4xx body means stays the connector's business.
 */
export interface HttpPolicy {
  /** Names the source in messages ("Zoho Invoice"). */
  sourceName: string;
  /** The account's rate; unset: the request spends no budget (an OAuth token endpoint). */
  rate?: RateLimit;
  /** Reads the daily quota from an answer's headers, when the source reports one. */
  readQuota?(headers: Headers, receivedAt: number): DailyQuota | undefined;
  /** Said to a person when the quota is reached. */
  quotaMessage?: string;
  /** Attempts for one request on 5xx, timeouts and network errors. Default 5. */
  maxAttempts?: number;
  /** 429 answers waited out for one request before giving up with `RateLimitedError`. Default 5. */
  maxRateLimitWaits?: number;
  /** First backoff delay; doubles per attempt, with full jitter. Default 500 ms. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Per-request timeout. Default 30 s. */
  requestTimeoutMs?: number;
  /** Wait after a 429 without Retry-After. Default 60 s. */
  defaultRetryAfterMs?: number;
  /** A Retry-After longer than this gives up with `RateLimitedError` instead of waiting. Default 120 s. */
  maxRetryAfterMs?: number;
}

export interface HttpRequest {
  url: URL | string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string | URLSearchParams;
  /** The source account whose budget the request spends (`apiUrl|organization id`); unset: none. */
  account?: string;
  /** Names the request in messages and logs, without secrets or user data ("GET /contacts"). */
  what: string;
  /** The setting a redirect answer is blamed on (the error's `field`), e.g. `apiUrl`. */
  redirectField?: string;
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  text: string;
}

export interface HttpClient {
  /** Sends until an answer that is not a 5xx or a 429 (that one is returned whatever its status), or throws. */
  send(request: HttpRequest, policy: HttpPolicy): Promise<HttpResponse>;
  /** The daily quota of `account` as last observed; undefined when unknown. */
  quota(account: string): Promise<DailyQuota | undefined>;
}

export interface HttpClientOptions {
  budget?: RequestBudget;
  logger: Logger;
  signal?: AbortSignal | undefined;
  fetch?: typeof fetch;
  /** Random source for the jitter (tests). */
  random?: () => number;
}

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

function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function isAbort(error: unknown, signal?: AbortSignal): boolean {
  return signal?.aborted === true && (error === signal.reason || (error as Error)?.name === 'AbortError');
}

const NOTHING_LOST = 'nothing is lost: the next run reads again from the last successful one.';

/**
 * Requests booked at once when a source allows many and no daily quota is planned: `burst / 50` (1 for Zoho's 100
 * a minute, so every request is booked on its own; 2,000 for a local simulator at full speed, so a shared budget in
 * the database costs one round trip per 2,000 requests there). Unused ones lapse after LEASE_MS. With a quota, every
 * request is booked on its own, so that none is spent ahead of what the quota allows.
 */
function leaseSize(policy: HttpPolicy & { rate: RateLimit }): number {
  return policy.readQuota ? 1 : Math.max(1, Math.floor(policy.rate.burst / 50));
}
const LEASE_MS = 1_000;

export function createHttpClient(options: HttpClientOptions): HttpClient {
  const budget = options.budget ?? createMemoryBudget();
  /** Requests booked ahead for one account (see leaseSize); per client, so per run. */
  let lease: { account: string; left: number; until: number } | undefined;
  async function book(account: string, policy: HttpPolicy & { rate: RateLimit }): Promise<BudgetTake> {
    if (lease && lease.account === account && lease.left > 0 && lease.until > Date.now()) {
      lease.left--;
      return { granted: true, waitMs: 0 };
    }
    const size = leaseSize(policy);
    const booked = await budget.take(account, policy.rate, size);
    if (booked.granted && size > 1) lease = { account, left: size - 1, until: Date.now() + LEASE_MS };
    return booked;
  }
  const { logger, signal } = options;
  const doFetch = options.fetch ?? ((input, init) => fetch(input, init));
  const random = options.random ?? Math.random;

  return {
    quota: (account) => budget.quota(account),
    async send(request, policy) {
      const maxAttempts = policy.maxAttempts ?? 5;
      const maxRateLimitWaits = policy.maxRateLimitWaits ?? 5;
      const baseDelayMs = policy.baseDelayMs ?? 500;
      const maxDelayMs = policy.maxDelayMs ?? 30_000;
      const timeoutMs = policy.requestTimeoutMs ?? 30_000;
      const defaultRetryAfterMs = policy.defaultRetryAfterMs ?? 60_000;
      const maxRetryAfterMs = policy.maxRetryAfterMs ?? 120_000;
      const { sourceName } = policy;
      const { what, account } = request;
      const backoff = (attempt: number) =>
        Math.round(random() * Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1)));
      let attempt = 0;
      let rateLimitWaits = 0;
      for (;;) {
        attempt++;
        if (account && policy.rate) {
          const booked = await book(account, { ...policy, rate: policy.rate });
          if (!booked.granted) {
            throw new QuotaReachedError(
              `${sourceName}: the daily quota of the account, less its reserve, is spent until ${booked.resumeAt.toISOString()}`,
              booked.resumeAt,
              policy.quotaMessage,
            );
          }
          await sleep(booked.waitMs, signal);
        }
        const timeout = AbortSignal.timeout(timeoutMs);
        let response: Response;
        let text: string;
        try {
          response = await doFetch(request.url, {
            method: request.method ?? 'GET',
            headers: request.headers,
            body: request.body,
            redirect: 'manual',
            signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
          });
          text = await response.text();
        } catch (error) {
          if (isAbort(error, signal)) throw error;
          const reason = (error as Error).name === 'TimeoutError' ? 'timed out' : (error as Error).message;
          if (attempt >= maxAttempts) {
            throw new SourceUnavailableError(
              `${sourceName} ${what} failed ${attempt} times; last: ${reason}`,
              `${sourceName} could not be reached; ${NOTHING_LOST}`,
            );
          }
          logger.warn({ attempt, reason, what }, `${sourceName}: request failed, retrying`);
          await sleep(backoff(attempt), signal);
          continue;
        }
        const receivedAt = Date.now();
        const quota = account ? policy.readQuota?.(response.headers, receivedAt) : undefined;
        if (account && quota) await budget.observe(account, quota);

        if (response.status >= 300 && response.status < 400) {
          throw new InvalidConfigurationError(
            `${sourceName} answered ${what} with a redirect (HTTP ${response.status}), which is not followed`,
            request.redirectField,
            `${sourceName} answered with a redirect, which is not followed: check the connection's data center or API address.`,
          );
        }
        if (response.status === 429) {
          const wait = retryAfterMs(response.headers.get('retry-after')) ?? defaultRetryAfterMs;
          rateLimitWaits++;
          attempt--;
          if (wait > maxRetryAfterMs || rateLimitWaits > maxRateLimitWaits) {
            throw new RateLimitedError(
              `${sourceName} rate limit hit on ${what}; retry after ${wait} ms`,
              wait,
            );
          }
          logger.info({ waitMs: wait, what }, `${sourceName}: rate limited, waiting`);
          lease = undefined; // booked ahead before the 429: the pause applies to them as well
          if (account && policy.rate) await budget.pause(account, wait, policy.rate);
          else await sleep(wait, signal);
          continue;
        }
        if (response.status >= 500) {
          if (attempt >= maxAttempts) {
            throw new SourceUnavailableError(
              `${sourceName} answered HTTP ${response.status} to ${what} ${attempt} times`,
              `${sourceName} is unavailable; ${NOTHING_LOST}`,
            );
          }
          logger.warn({ attempt, status: response.status, what }, `${sourceName}: server error, retrying`);
          await sleep(backoff(attempt), signal);
          continue;
        }
        return { status: response.status, headers: response.headers, text };
      }
    },
  };
}
