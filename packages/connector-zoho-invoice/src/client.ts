import { createHash } from 'node:crypto';
import {
  BadSourceDataError,
  createHttpClient,
  type DailyQuota,
  type HttpClient,
  type HttpPolicy,
  InvalidConfigurationError,
  type Logger,
  MissingPermissionError,
  SourceUnavailableError,
} from '@leadsync/connector-sdk';
import type { ZohoEndpoints, ZohoInvoiceCredentials } from './settings.ts';
import {
  type CachedToken,
  cacheToken,
  describeBody,
  pendingRefresh,
  readTokenAnswer,
  tokenCache,
} from './token.ts';

/** Knobs of the HTTP client; the defaults suit production, tests shrink the delays. */
export interface ZohoClientOptions {
  /**
   * Sustained request budget per Zoho organization, shared by every process (Zoho allows 100 a minute per
   * organization, whoever sends). Default 94.
   */
  requestsPerMinute?: number;
  /** Requests that may go at once after a quiet spell. Default 5 (so at most 99 in any minute). */
  burst?: number;
  /**
   * Plan the daily quota that Zoho reports in `X-Rate-Limit-*` on every answer: a run stops (waiting) rather than
   * eat into the reserve. Default true; off for a local simulator driven at full speed.
   */
  planDailyQuota?: boolean;
  /** Share of the daily quota left for the account's other uses. Default 0.1. */
  quotaReserveShare?: number;
  /** Attempts for one request on 5xx, timeouts and network errors. Default 5. */
  maxAttempts?: number;
  /** 429 answers waited out for one request before giving up with `RateLimitedError`. Default 5. */
  maxRateLimitWaits?: number;
  /** First backoff delay; doubles per attempt, with full jitter. Default 500 ms. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Per-request timeout. Default 30 s. */
  requestTimeoutMs?: number;
  /** Wait after a 429 without Retry-After (Zoho sends none in any recording). Default 60 s. */
  defaultRetryAfterMs?: number;
  /** A Retry-After longer than this ends the run with `RateLimitedError` instead of waiting. Default 120 s. */
  maxRetryAfterMs?: number;
  /** Refresh the access token when less than this is left (at most half its lifetime). Default 5 min. */
  tokenRefreshMarginMs?: number;
  /** Random source for the jitter (tests). */
  random?: () => number;
  /** A fetch of its own (tests that alter answers); the connector then uses an HTTP client of its own. */
  fetch?: typeof fetch;
}

/** A contact (or other resource) the API says does not exist (HTTP 404 / code 1002). */
export class ZohoNotFoundError extends Error {}

export const MISSING_PERMISSION_MESSAGE =
  'The key lacks a permission: ZohoInvoice.contacts.READ and ZohoInvoice.settings.READ are needed. Grant them to the Self Client (or the app) and generate the key again with those scopes.';

export const QUOTA_MESSAGE = 'daily API quota of the Zoho account reached';

const ORG_HEADER = 'X-com-zoho-invoice-organizationid';

/**
 * The daily quota from Zoho's headers (observed on real Invoice answers): `X-Rate-Limit-Limit`,
 * `X-Rate-Limit-Remaining` (may be negative) and `X-Rate-Limit-Reset`, the seconds until the daily counter resets.
 */
export function readZohoQuota(headers: Headers, receivedAt: number): DailyQuota | undefined {
  const limit = Number(headers.get('x-rate-limit-limit'));
  const remaining = Number(headers.get('x-rate-limit-remaining'));
  const reset = Number(headers.get('x-rate-limit-reset'));
  if (!headers.has('x-rate-limit-limit') || !headers.has('x-rate-limit-remaining')) return undefined;
  if (!Number.isInteger(limit) || limit <= 0 || !Number.isInteger(remaining) || !(reset >= 0))
    return undefined;
  return { limit, remaining, resetAt: new Date(receivedAt + reset * 1000) };
}

/**
 * The Zoho Invoice client: OAuth (the access token, `api_domain`), the organization header, Zoho's error bodies and
 * quota headers, over the SDK's HTTP client (budget, retries, backoff, Retry-After, no redirects).
 */
export class ZohoClient {
  private readonly http: HttpClient;
  private apiUrl: string;
  private readonly policy: HttpPolicy;
  private readonly tokenPolicy: HttpPolicy;
  private readonly refreshMarginMs: number;

  constructor(
    private readonly endpoints: ZohoEndpoints & { apiUrlFixed?: boolean },
    private readonly credentials: ZohoInvoiceCredentials,
    options: ZohoClientOptions,
    private readonly logger: Logger,
    signal: AbortSignal | undefined,
    http: HttpClient | undefined,
    private readonly allowedHosts: readonly string[] = [],
  ) {
    this.http =
      http && !options.fetch
        ? http
        : createHttpClient({ logger, signal, fetch: options.fetch, random: options.random });
    this.apiUrl = endpoints.apiUrl;
    const retry = {
      maxAttempts: options.maxAttempts,
      maxRateLimitWaits: options.maxRateLimitWaits,
      baseDelayMs: options.baseDelayMs,
      maxDelayMs: options.maxDelayMs,
      requestTimeoutMs: options.requestTimeoutMs,
      defaultRetryAfterMs: options.defaultRetryAfterMs,
      maxRetryAfterMs: options.maxRetryAfterMs,
    };
    this.policy = {
      sourceName: 'Zoho Invoice',
      ...retry,
      rate: {
        requestsPerMinute: options.requestsPerMinute ?? 94,
        burst: options.burst ?? 5,
        quotaReserveShare: options.quotaReserveShare,
      },
      quotaMessage: QUOTA_MESSAGE,
      ...(options.planDailyQuota === false ? {} : { readQuota: readZohoQuota }),
    };
    this.tokenPolicy = { sourceName: 'Zoho accounts server', ...retry };
    this.refreshMarginMs = options.tokenRefreshMarginMs ?? 300_000;
  }

  private get tokenKey(): string {
    const c = this.credentials;
    return createHash('sha256')
      .update(JSON.stringify([this.endpoints.accountsUrl, c.clientId, c.clientSecret, c.refreshToken]))
      .digest('base64url');
  }

  /** The budget account of an organization: Zoho limits each organization, whoever sends. */
  account(organizationId: string | undefined): string {
    return `${this.apiUrl}|${organizationId ?? ''}`;
  }

  /** The daily quota of the organization as last seen by any process; undefined when not known. */
  quota(organizationId: string): Promise<DailyQuota | undefined> {
    return this.http.quota(this.account(organizationId));
  }

  /** A valid access token: the cached one unless it is (nearly) expired or `force` is set. */
  async accessToken(force = false): Promise<string> {
    const key = this.tokenKey;
    const cached = tokenCache.get(key);
    if (cached && !force) {
      const margin = Math.min(this.refreshMarginMs, cached.lifetimeMs / 2);
      if (cached.expiresAt - margin > Date.now()) {
        this.useApiDomain(cached);
        return cached.token;
      }
    }
    let pending = pendingRefresh.get(key);
    if (!pending) {
      pending = this.refresh().finally(() => pendingRefresh.delete(key));
      pendingRefresh.set(key, pending);
    }
    const fresh = await pending;
    cacheToken(key, fresh);
    this.useApiDomain(fresh);
    return fresh.token;
  }

  /** API calls go to the host the token answer named, unless the connection's settings fix the API address. */
  private useApiDomain(token: CachedToken): void {
    if (token.apiDomain && !this.endpoints.apiUrlFixed) this.apiUrl = `${token.apiDomain}/invoice/v3`;
  }

  private forgetToken(token: string): void {
    if (tokenCache.get(this.tokenKey)?.token === token) tokenCache.delete(this.tokenKey);
  }

  private async refresh(): Promise<CachedToken> {
    const body = new URLSearchParams({
      grant_type: 'refresh_token',
      client_id: this.credentials.clientId,
      client_secret: this.credentials.clientSecret,
      refresh_token: this.credentials.refreshToken,
    });
    const response = await this.http.send(
      {
        url: `${this.endpoints.accountsUrl}/oauth/v2/token`,
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body,
        what: 'token refresh',
        redirectField: 'accountsUrl',
      },
      this.tokenPolicy,
    );
    return readTokenAnswer(
      response,
      this.policy.defaultRetryAfterMs ?? 60_000,
      this.allowedHosts,
      this.logger,
    );
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
    const what = `GET ${path.replace(/\/\d+(?=\/|$)/g, '/{id}')}`;
    let refreshedAfter401 = false;

    for (;;) {
      const token = await this.accessToken();
      const url = new URL(`${this.apiUrl}${path}`);
      if (organizationId) url.searchParams.set('organization_id', organizationId);
      for (const [key, value] of Object.entries(query)) url.searchParams.set(key, String(value));
      const headers: Record<string, string> = {
        Authorization: `Zoho-oauthtoken ${token}`,
        Accept: 'application/json',
      };
      if (organizationId) headers[ORG_HEADER] = organizationId;
      const response = await this.http.send(
        { url, headers, account: this.account(organizationId), what, redirectField: 'apiUrl' },
        this.policy,
      );
      const { status, text } = response;

      let json: Record<string, unknown> | undefined;
      try {
        const parsed: unknown = JSON.parse(text);
        if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
          json = parsed as Record<string, unknown>;
      } catch {
        json = undefined;
      }
      const code = typeof json?.code === 'number' ? json.code : undefined;
      const message = typeof json?.message === 'string' ? json.message.slice(0, 200) : '';

      // An expired or revoked access token: 401, or code 14 / 57 in the body. Refresh once: a refused refresh is a
      // refused key (InvalidCredentialsError). A fresh token that is still refused means the key is good but lacks
      // a scope or a permission (Zoho answers 401 or 403 with code 57 for both).
      const refused = status === 401 || status === 403 || code === 14 || (code === 57 && status >= 400);
      if (refused) {
        if (!refreshedAfter401 && status !== 403) {
          refreshedAfter401 = true;
          this.forgetToken(token);
          await this.accessToken(true);
          continue;
        }
        if (code !== 6041) {
          throw new MissingPermissionError(
            `Zoho Invoice refused ${what} with a freshly refreshed access token (HTTP ${status}${code === undefined ? '' : `, code ${code}`})`,
            MISSING_PERMISSION_MESSAGE,
          );
        }
      }
      if (!json) {
        throw new SourceUnavailableError(
          `Zoho Invoice answered ${what} with a body that is not JSON (HTTP ${status}, ${text.length} bytes: "${describeBody(text)}"). The run can resume from its last checkpoint.`,
          'Zoho Invoice sent an answer that could not be read; nothing is lost: the next run reads again from the last successful one.',
        );
      }
      if (status === 404 || code === 1002) throw new ZohoNotFoundError(`${what}: ${message || 'not found'}`);
      if (status >= 400 || code !== 0) {
        const detail = `HTTP ${status}, code ${code ?? 'none'}: ${message || describeBody(text)}`;
        if (code === 6041) {
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
        throw new ZohoRequestRefusedError(`Zoho Invoice refused ${what} (${detail})`, status, code, message);
      }
      return json;
    }
  }
}

/**
 * Zoho refused a request as malformed (HTTP 4xx with a non-zero code, e.g. 2 "Invalid value passed for …"). The
 * connector decides what that means (a refused list filter is remembered and worked around); otherwise it is a
 * configuration error a person has to look at.
 */
export class ZohoRequestRefusedError extends InvalidConfigurationError {
  constructor(
    message: string,
    readonly status: number,
    readonly zohoCode: number,
    readonly zohoMessage: string,
  ) {
    super(message, undefined, `Zoho Invoice refused the request: ${zohoMessage}`);
  }
}
