import {
  createHttpClient,
  type DailyQuota,
  type HttpClient,
  type HttpPolicy,
  type Logger,
  SourceUnavailableError,
} from '@leadsync/connector-sdk';
import type { ZohoEndpoints } from './data-centers.ts';
import { TokenSource, type ZohoCredentials } from './tokens.ts';

/** Knobs of a Zoho client's HTTP; the defaults suit production, tests shrink the delays. */
export interface ZohoHttpOptions
  extends Pick<
    HttpPolicy,
    | 'maxAttempts'
    | 'maxRateLimitWaits'
    | 'baseDelayMs'
    | 'maxDelayMs'
    | 'requestTimeoutMs'
    | 'defaultRetryAfterMs'
    | 'maxRetryAfterMs'
  > {
  /** Sustained request budget per Zoho organization, shared by every process. Default: the product's. */
  requestsPerMinute?: number;
  /** Requests that may go at once after a quiet spell. Default 5. */
  burst?: number;
  /**
   * Plan the daily quota that Zoho reports in its rate-limit headers: a run stops (waiting) rather than eat into the
   * reserve. Default true; off for a local simulator driven at full speed.
   */
  planDailyQuota?: boolean;
  /** Share of the daily quota left for the account's other uses. Default 0.1. */
  quotaReserveShare?: number;
  /** Refresh the access token when less than this is left (at most half its lifetime). Default 5 min. */
  tokenRefreshMarginMs?: number;
  /** Random source for the jitter (tests). */
  random?: () => number;
  /** A fetch of its own (tests that alter answers); the connector then uses an HTTP client of its own. */
  fetch?: typeof fetch;
}

/** What a Zoho product adds to the common transport. */
export interface ZohoProduct {
  /** Names the source in messages ("Zoho CRM"). */
  sourceName: string;
  /** Names the connector in log lines ("zoho-crm"). */
  logName: string;
  /** The API's path after the host (`/crm/v8`): where an `api_domain` from the token answer points. */
  apiPath: string;
  defaultRequestsPerMinute: number;
  quotaMessage: string;
  readQuota(headers: Headers, receivedAt: number): DailyQuota | undefined;
}

export interface ZohoTransport {
  http: HttpClient;
  /** The API's policy: the organization's budget, retries, the daily quota. */
  policy: HttpPolicy;
  tokens: TokenSource;
}

/** The HTTP client, the API's policy and the token source of one Zoho connection. */
export function createZohoTransport(args: {
  product: ZohoProduct;
  options: ZohoHttpOptions;
  accountsUrl: string;
  credentials: ZohoCredentials;
  logger: Logger;
  signal: AbortSignal | undefined;
  http: HttpClient | undefined;
  allowedHosts: readonly string[];
}): ZohoTransport {
  const { product, options, logger, signal } = args;
  const http =
    args.http && !options.fetch
      ? args.http
      : createHttpClient({ logger, signal, fetch: options.fetch, random: options.random });
  const retry = {
    maxAttempts: options.maxAttempts,
    maxRateLimitWaits: options.maxRateLimitWaits,
    baseDelayMs: options.baseDelayMs,
    maxDelayMs: options.maxDelayMs,
    requestTimeoutMs: options.requestTimeoutMs,
    defaultRetryAfterMs: options.defaultRetryAfterMs,
    maxRetryAfterMs: options.maxRetryAfterMs,
  };
  const policy: HttpPolicy = {
    sourceName: product.sourceName,
    ...retry,
    rate: {
      requestsPerMinute: options.requestsPerMinute ?? product.defaultRequestsPerMinute,
      burst: options.burst ?? 5,
      quotaReserveShare: options.quotaReserveShare,
    },
    quotaMessage: product.quotaMessage,
    ...(options.planDailyQuota === false ? {} : { readQuota: product.readQuota }),
  };
  const tokens = new TokenSource({
    accountsUrl: args.accountsUrl,
    credentials: args.credentials,
    http,
    policy: { sourceName: 'Zoho accounts server', ...retry },
    logger,
    logName: product.logName,
    allowedHosts: args.allowedHosts,
    refreshMarginMs: options.tokenRefreshMarginMs ?? 300_000,
  });
  return { http, policy, tokens };
}

/** The daily quota as an estimate gives it (`dailyQuota`), when it is known. */
export function estimateQuota(quota: DailyQuota | undefined): {
  dailyQuota?: { limit: number; remaining: number; resetAt: string };
} {
  return quota
    ? { dailyQuota: { limit: quota.limit, remaining: quota.remaining, resetAt: quota.resetAt.toISOString() } }
    : {};
}

/** What a client takes from the connector's context: the logger, the run's signal and HTTP client, allowed hosts. */
export interface ZohoIo {
  logger: Logger;
  signal?: AbortSignal | undefined;
  /** The engine's HTTP client (a budget shared by every process); unset: one of the client's own. */
  http?: HttpClient | undefined;
  allowedHosts: readonly string[];
}

/**
 * The base of a Zoho API client: the transport of one connection, and the API base that follows the token answer's
 * `api_domain` unless the connection's settings fix the API address.
 */
export abstract class ZohoApiClient {
  protected readonly http: HttpClient;
  protected readonly policy: HttpPolicy;
  protected readonly tokens: TokenSource;
  protected apiUrl: string;

  constructor(
    private readonly product: ZohoProduct,
    private readonly endpoints: ZohoEndpoints,
    credentials: ZohoCredentials,
    options: ZohoHttpOptions,
    io: ZohoIo,
  ) {
    const { logger, signal, http, allowedHosts } = io;
    this.apiUrl = endpoints.apiUrl;
    const transport = createZohoTransport({
      product,
      options,
      accountsUrl: endpoints.accountsUrl,
      credentials,
      logger,
      signal,
      http,
      allowedHosts,
    });
    this.http = transport.http;
    this.policy = transport.policy;
    this.tokens = transport.tokens;
  }

  /** A valid access token: the cached one unless it is (nearly) expired or `force` is set. */
  async accessToken(force = false): Promise<string> {
    const token = await this.tokens.get(force);
    if (token.apiDomain && !this.endpoints.apiUrlFixed)
      this.apiUrl = `${token.apiDomain}${this.product.apiPath}`;
    return token.token;
  }

  /** How a GET of `path` is named in logs and messages: `GET /contacts/{id}` (ids left out). */
  protected describeGet(path: string): string {
    return `GET ${path.replace(/\/\d+(?=\/|$)/g, '/{id}')}`;
  }

  /**
   * GET `path` (after the API path) with `query`, the access token and `headers`, booked to the budget account
   * `account()` names once the token is had (the API host may come from its answer): the answer's status and text,
   * and the token it went with (to forget when Zoho refuses it).
   */
  protected async sendGet(
    path: string,
    query: Record<string, string | number>,
    headers: Record<string, string>,
    account: () => string,
    what: string,
  ): Promise<{ status: number; text: string; token: string }> {
    const token = await this.accessToken();
    const url = new URL(`${this.apiUrl}${path}`);
    for (const [key, value] of Object.entries(query)) url.searchParams.set(key, String(value));
    const { status, text } = await this.http.send(
      {
        url,
        headers: { Authorization: `Zoho-oauthtoken ${token}`, Accept: 'application/json', ...headers },
        account: account(),
        what,
        redirectField: 'apiUrl',
      },
      this.policy,
    );
    return { status, text, token };
  }

  /** Forgets an access token Zoho refused and gets a fresh one (a refused refresh: InvalidCredentialsError). */
  protected async refreshAfterRefusal(token: string): Promise<void> {
    this.tokens.forget(token);
    await this.accessToken(true);
  }

  /** The error for an answer whose body is not JSON (`detail`: its size, perhaps its start); the run can resume. */
  protected unreadableAnswer(what: string, status: number, detail: string): SourceUnavailableError {
    const source = this.product.sourceName;
    return new SourceUnavailableError(
      `${source} answered ${what} with a body that is not JSON (HTTP ${status}, ${detail}). The run can resume from its last checkpoint.`,
      `${source} sent an answer that could not be read; nothing is lost: the next run reads again from the last successful one.`,
    );
  }
}
