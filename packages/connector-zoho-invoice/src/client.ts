import { createHash } from 'node:crypto';
import {
  BadSourceDataError,
  InvalidConfigurationError,
  InvalidCredentialsError,
  type Logger,
  RateLimitedError,
  SourceUnavailableError,
} from '@leadsync/connector-sdk';
import type { ZohoEndpoints, ZohoInvoiceCredentials } from './settings.ts';
import { sleep, TokenBucket } from './token-bucket.ts';

/** Knobs of the HTTP client; the defaults suit production, tests shrink the delays. */
export interface ZohoClientOptions {
  /** Sustained request budget per organization (Zoho allows about 100 a minute). Default 80. */
  requestsPerMinute?: number;
  /** Requests that may go at once after a quiet spell. Default 10 (so at most 90 in any minute). */
  burst?: number;
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
  /** A Retry-After longer than this ends the run with `RateLimitedError` instead of waiting. Default 120 s. */
  maxRetryAfterMs?: number;
  /** Refresh the access token when less than this is left (at most half its lifetime). Default 5 min. */
  tokenRefreshMarginMs?: number;
  /** Random source for the jitter (tests). */
  random?: () => number;
  fetch?: typeof fetch;
}

type ResolvedOptions = Required<Omit<ZohoClientOptions, 'fetch'>> & { fetch: typeof fetch };

export function resolveClientOptions(options: ZohoClientOptions = {}): ResolvedOptions {
  return {
    requestsPerMinute: options.requestsPerMinute ?? 80,
    burst: options.burst ?? 10,
    maxAttempts: options.maxAttempts ?? 5,
    maxRateLimitWaits: options.maxRateLimitWaits ?? 5,
    baseDelayMs: options.baseDelayMs ?? 500,
    maxDelayMs: options.maxDelayMs ?? 30_000,
    requestTimeoutMs: options.requestTimeoutMs ?? 30_000,
    defaultRetryAfterMs: options.defaultRetryAfterMs ?? 60_000,
    maxRetryAfterMs: options.maxRetryAfterMs ?? 120_000,
    tokenRefreshMarginMs: options.tokenRefreshMarginMs ?? 300_000,
    random: options.random ?? Math.random,
    fetch: options.fetch ?? ((input, init) => fetch(input, init)),
  };
}

/** A contact (or other resource) the API says does not exist (HTTP 404 / code 1002). */
export class ZohoNotFoundError extends Error {}

interface CachedToken {
  token: string;
  expiresAt: number;
  lifetimeMs: number;
}

// Process-wide: one access token per accounts server, client id, client secret and refresh token (all four make
// a token valid), shared by every run (Zoho mints only 10 per 10 minutes). Keyed by a hash: no secret in a key.
const tokenCache = new Map<string, CachedToken>();
const pendingRefresh = new Map<string, Promise<CachedToken>>();
// Process-wide: one request budget per API host and organization, shared by every run against it.
const budgets = new Map<string, TokenBucket>();

const ORG_HEADER = 'X-com-zoho-invoice-organizationid';

function describeBody(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 80 ? `${flat.slice(0, 80)}…` : flat;
}

function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/**
 * Redirects are never followed (a tenant's override host could send the server elsewhere): a 3xx is an error
 * naming the setting to check, without the target it pointed to.
 */
function refuseRedirect(status: number, what: string, field: 'apiUrl' | 'accountsUrl'): void {
  if (status < 300 || status >= 400) return;
  throw new InvalidConfigurationError(
    `Zoho ${what} answered HTTP ${status} (a redirect, not followed)`,
    field,
    'Zoho answered with a redirect, which is not followed: check the data center and the API URLs of the connection.',
  );
}

function isAbort(error: unknown, signal?: AbortSignal): boolean {
  return signal?.aborted === true && (error === signal.reason || (error as Error)?.name === 'AbortError');
}

/** The Zoho Invoice HTTP client: OAuth, the org header, a request budget, retries and Zoho's error bodies. */
export class ZohoClient {
  private readonly options: ResolvedOptions;

  constructor(
    private readonly endpoints: ZohoEndpoints,
    private readonly credentials: ZohoInvoiceCredentials,
    options: ZohoClientOptions,
    private readonly logger: Logger,
    private readonly signal?: AbortSignal,
  ) {
    this.options = resolveClientOptions(options);
  }

  private get tokenKey(): string {
    const c = this.credentials;
    return createHash('sha256')
      .update(JSON.stringify([this.endpoints.accountsUrl, c.clientId, c.clientSecret, c.refreshToken]))
      .digest('base64url');
  }

  private budget(organizationId: string | undefined): TokenBucket {
    const { requestsPerMinute, burst } = this.options;
    const key = `${this.endpoints.apiUrl}|${organizationId ?? ''}|${requestsPerMinute}|${burst}`;
    let bucket = budgets.get(key);
    if (!bucket) {
      bucket = new TokenBucket({ requestsPerMinute, burst });
      budgets.set(key, bucket);
    }
    return bucket;
  }

  private backoff(attempt: number): number {
    const cap = Math.min(this.options.maxDelayMs, this.options.baseDelayMs * 2 ** (attempt - 1));
    return Math.round(this.options.random() * cap);
  }

  /** A valid access token: the cached one unless it is (nearly) expired or `force` is set. */
  async accessToken(force = false): Promise<string> {
    const key = this.tokenKey;
    const cached = tokenCache.get(key);
    if (cached && !force) {
      const margin = Math.min(this.options.tokenRefreshMarginMs, cached.lifetimeMs / 2);
      if (cached.expiresAt - margin > Date.now()) return cached.token;
    }
    let pending = pendingRefresh.get(key);
    if (!pending) {
      pending = this.refresh().finally(() => pendingRefresh.delete(key));
      pendingRefresh.set(key, pending);
    }
    const fresh = await pending;
    tokenCache.set(key, fresh);
    return fresh.token;
  }

  private forgetToken(token: string): void {
    if (tokenCache.get(this.tokenKey)?.token === token) tokenCache.delete(this.tokenKey);
  }

  private async refresh(): Promise<CachedToken> {
    const url = `${this.endpoints.accountsUrl}/oauth/v2/token`;
    const body = new URLSearchParams({
      grant_type: 'refresh_token',
      client_id: this.credentials.clientId,
      client_secret: this.credentials.clientSecret,
      refresh_token: this.credentials.refreshToken,
    });
    for (let attempt = 1; ; attempt++) {
      let response: Response;
      let text: string;
      try {
        response = await this.options.fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body,
          redirect: 'manual',
          signal: this.requestSignal(),
        });
        text = await response.text();
      } catch (error) {
        if (isAbort(error, this.signal)) throw error;
        if (attempt >= this.options.maxAttempts)
          throw new SourceUnavailableError(
            `Zoho accounts server could not be reached for a token refresh after ${attempt} attempts: ${(error as Error).message}`,
            'Zoho could not be reached; nothing is lost: the next run reads again from the last successful one.',
          );
        await sleep(this.backoff(attempt), this.signal);
        continue;
      }
      refuseRedirect(response.status, 'accounts server, to a token refresh,', 'accountsUrl');
      if (response.status >= 500) {
        if (attempt >= this.options.maxAttempts)
          throw new SourceUnavailableError(
            `Zoho accounts server answered HTTP ${response.status} to a token refresh ${attempt} times`,
            'Zoho is unavailable; nothing is lost: the next run reads again from the last successful one.',
          );
        await sleep(this.backoff(attempt), this.signal);
        continue;
      }
      let json: Record<string, unknown>;
      try {
        json = JSON.parse(text) as Record<string, unknown>;
      } catch {
        throw new SourceUnavailableError(
          `Zoho accounts server answered a token refresh with a body that is not JSON (HTTP ${response.status}: "${describeBody(text)}")`,
          'Zoho sent an unreadable answer; nothing is lost: the next run reads again from the last successful one.',
        );
      }
      if (response.status === 400 && /too many requests/i.test(String(json.error_description ?? ''))) {
        throw new RateLimitedError(
          'Zoho accounts server refused to mint more access tokens for now (too many requests)',
          this.options.defaultRetryAfterMs,
        );
      }
      if (typeof json.error === 'string' || response.status >= 400) {
        // Zoho refuses a revoked or replaced refresh token with HTTP 200 {"error":"invalid_code"}.
        const reason = typeof json.error === 'string' ? json.error : `HTTP ${response.status}`;
        const client = reason === 'invalid_client';
        throw new InvalidCredentialsError(
          `Zoho refused the refresh token (${reason})`,
          client
            ? 'Zoho refused the client id or secret (check the data center as well).'
            : 'Zoho refused the account key: enter a new one.',
          client ? 'clientId' : 'refreshToken',
        );
      }
      if (typeof json.access_token !== 'string' || !json.access_token) {
        throw new SourceUnavailableError(
          `Zoho accounts server answered a token refresh without an access token: "${describeBody(text)}"`,
          'Zoho sent an unreadable answer; nothing is lost: the next run reads again from the last successful one.',
        );
      }
      const lifetimeMs =
        (typeof json.expires_in === 'number' && json.expires_in > 0 ? json.expires_in : 3600) * 1000;
      this.logger.debug({ expiresInMs: lifetimeMs }, 'zoho-invoice: access token refreshed');
      return { token: json.access_token, expiresAt: Date.now() + lifetimeMs, lifetimeMs };
    }
  }

  private requestSignal(): AbortSignal {
    const timeout = AbortSignal.timeout(this.options.requestTimeoutMs);
    return this.signal ? AbortSignal.any([this.signal, timeout]) : timeout;
  }

  /**
   * GET `path` (relative to the API base) for an organization; resolves to the parsed JSON body (with `code` 0).
   * Throws the SDK's typed errors; `ZohoNotFoundError` for a resource that does not exist.
   */
  async get(
    path: string,
    organizationId: string | undefined,
    query: Record<string, string | number> = {},
  ): Promise<Record<string, unknown>> {
    const url = new URL(`${this.endpoints.apiUrl}${path}`);
    if (organizationId) url.searchParams.set('organization_id', organizationId);
    for (const [key, value] of Object.entries(query)) url.searchParams.set(key, String(value));
    const what = `GET ${path}`;
    const budget = this.budget(organizationId);
    let attempt = 0;
    let rateLimitWaits = 0;
    let refreshedAfter401 = false;

    for (;;) {
      attempt++;
      await budget.take(this.signal);
      const token = await this.accessToken();
      const headers: Record<string, string> = {
        Authorization: `Zoho-oauthtoken ${token}`,
        Accept: 'application/json',
      };
      if (organizationId) headers[ORG_HEADER] = organizationId;
      let response: Response;
      let text: string;
      try {
        response = await this.options.fetch(url, {
          headers,
          redirect: 'manual',
          signal: this.requestSignal(),
        });
        text = await response.text();
      } catch (error) {
        if (isAbort(error, this.signal)) throw error;
        const reason = (error as Error).name === 'TimeoutError' ? 'timed out' : (error as Error).message;
        if (attempt >= this.options.maxAttempts) {
          throw new SourceUnavailableError(
            `Zoho Invoice ${what} failed ${attempt} times; last: ${reason}`,
            'Zoho Invoice could not be reached; nothing is lost: the next run reads again from the last successful one.',
          );
        }
        this.logger.warn({ attempt, reason, path }, 'zoho-invoice: request failed, retrying');
        await sleep(this.backoff(attempt), this.signal);
        continue;
      }

      refuseRedirect(response.status, `Invoice, to ${what},`, 'apiUrl');
      if (response.status === 429) {
        const wait = retryAfterMs(response.headers.get('retry-after')) ?? this.options.defaultRetryAfterMs;
        rateLimitWaits++;
        attempt--;
        if (wait > this.options.maxRetryAfterMs || rateLimitWaits > this.options.maxRateLimitWaits) {
          throw new RateLimitedError(`Zoho Invoice rate limit hit on ${what}; retry after ${wait} ms`, wait);
        }
        this.logger.info({ waitMs: wait, path }, 'zoho-invoice: rate limited, waiting');
        budget.pause(wait);
        continue;
      }
      if (response.status >= 500) {
        if (attempt >= this.options.maxAttempts) {
          throw new SourceUnavailableError(
            `Zoho Invoice answered HTTP ${response.status} to ${what} ${attempt} times`,
            'Zoho Invoice is unavailable; nothing is lost: the next run reads again from the last successful one.',
          );
        }
        this.logger.warn({ attempt, status: response.status, path }, 'zoho-invoice: server error, retrying');
        await sleep(this.backoff(attempt), this.signal);
        continue;
      }

      let json: Record<string, unknown> | undefined;
      try {
        const parsed: unknown = JSON.parse(text);
        if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
          json = parsed as Record<string, unknown>;
      } catch {
        json = undefined;
      }
      const code = typeof json?.code === 'number' ? json.code : undefined;
      const message = typeof json?.message === 'string' ? json.message : '';

      // An expired or revoked access token: 401, or (legacy) code 14 / 57 in the body. Refresh once, then give up.
      if (response.status === 401 || code === 14 || (code === 57 && response.status >= 400)) {
        if (!refreshedAfter401) {
          refreshedAfter401 = true;
          attempt--;
          this.forgetToken(token);
          await this.accessToken(true);
          continue;
        }
        throw new InvalidCredentialsError(
          `Zoho Invoice refused a freshly refreshed access token on ${what} (HTTP ${response.status}${code === undefined ? '' : `, code ${code}`}: ${message})`,
          'Zoho refused the account key (or its permissions changed): enter a new one.',
        );
      }
      if (!json) {
        throw new SourceUnavailableError(
          `Zoho Invoice answered ${what} with a body that is not JSON (HTTP ${response.status}, ${text.length} bytes: "${describeBody(text)}"). The run can resume from its last checkpoint.`,
          'Zoho Invoice sent an answer that could not be read; nothing is lost: the next run reads again from the last successful one.',
        );
      }
      if (response.status === 404 || code === 1002)
        throw new ZohoNotFoundError(`${what}: ${message || 'not found'}`);
      if (response.status >= 400 || code !== 0) {
        const detail = `HTTP ${response.status}, code ${code ?? 'none'}: ${message || describeBody(text)}`;
        if (code === 6041 || response.status === 403) {
          throw new InvalidConfigurationError(
            `Zoho Invoice refused ${what} for organization ${organizationId ?? '(none)'} (${detail})`,
            'organizationId',
            'This Zoho Invoice account has no access to that organization.',
          );
        }
        if (code === undefined) {
          throw new BadSourceDataError(
            `Zoho Invoice answered ${what} without a result code (${detail})`,
            json,
          );
        }
        throw new InvalidConfigurationError(
          `Zoho Invoice refused ${what} (${detail})`,
          undefined,
          `Zoho Invoice refused the request: ${message}`,
        );
      }
      return json;
    }
  }
}
