import { createHash } from 'node:crypto';
import {
  type HttpClient,
  type HttpPolicy,
  InvalidCredentialsError,
  type Logger,
  RateLimitedError,
  SourceUnavailableError,
} from '@leadsync/connector-sdk';
import type { ZohoCrmCredentials } from './settings.ts';

/** An access token as the accounts server gave it. */
export interface AccessToken {
  token: string;
  expiresAt: number;
  lifetimeMs: number;
  /** The API host the token answer named (`api_domain`), when it named an acceptable one. */
  apiDomain?: string | undefined;
}

/**
 * One access token per key, shared by every run of the process (Zoho mints a limited number per key and minute:
 * README, C3). Keyed by a hash of what makes a token valid (accounts server, client id and secret, refresh token);
 * bounded, least recently used out first, so callers cannot grow it without end.
 */
const CACHE_SIZE = 500;
const cache = new Map<string, AccessToken>();
const pending = new Map<string, Promise<AccessToken>>();

const UNREADABLE =
  'Zoho sent an unreadable answer; nothing is lost: the next run reads again from the last successful one.';

function describeBody(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 80 ? `${flat.slice(0, 80)}…` : flat;
}

/** An `api_domain` is used only when it is a Zoho API host over https or a host the operator allowed. */
export function acceptableApiDomain(value: unknown, allowedHosts: readonly string[]): string | undefined {
  if (typeof value !== 'string' || value.length > 200) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (url.pathname !== '/' && url.pathname !== '') return undefined;
  const host = url.hostname.toLowerCase().replace(/^\[|\]$/g, '');
  const zoho =
    url.protocol === 'https:' && /^www\.zohoapis\.(com|eu|in|com\.au|jp|ca|com\.cn|sa|uk)$/.test(host);
  const allowed = allowedHosts.some(
    (h) =>
      h
        .trim()
        .toLowerCase()
        .replace(/^\[|\]$/g, '') === host,
  );
  return zoho || allowed ? url.origin : undefined;
}

export interface TokenSourceOptions {
  accountsUrl: string;
  credentials: ZohoCrmCredentials;
  http: HttpClient;
  policy: HttpPolicy;
  logger: Logger;
  allowedHosts: readonly string[];
  /** Refresh when less than this is left (at most half the lifetime). */
  refreshMarginMs: number;
}

/** Access tokens for one key: cached process-wide, refreshed before they expire, one refresh at a time. */
export class TokenSource {
  constructor(private readonly options: TokenSourceOptions) {}

  private get key(): string {
    const { accountsUrl, credentials: c } = this.options;
    return createHash('sha256')
      .update(JSON.stringify([accountsUrl, c.clientId, c.clientSecret, c.refreshToken]))
      .digest('base64url');
  }

  /** A valid access token: the cached one unless it is (nearly) expired or `force` is set. */
  async get(force = false): Promise<AccessToken> {
    const key = this.key;
    const cached = cache.get(key);
    if (cached && !force) {
      const margin = Math.min(this.options.refreshMarginMs, cached.lifetimeMs / 2);
      if (cached.expiresAt - margin > Date.now()) return cached;
    }
    let refresh = pending.get(key);
    if (!refresh) {
      refresh = this.refresh().finally(() => pending.delete(key));
      pending.set(key, refresh);
    }
    const fresh = await refresh;
    cache.delete(key);
    cache.set(key, fresh);
    if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value as string);
    return fresh;
  }

  /** Drops `token` from the cache when it is still the cached one (the API refused it). */
  forget(token: string): void {
    if (cache.get(this.key)?.token === token) cache.delete(this.key);
  }

  private async refresh(): Promise<AccessToken> {
    const { accountsUrl, credentials: c, http, policy, logger, allowedHosts } = this.options;
    const response = await http.send(
      {
        url: `${accountsUrl}/oauth/v2/token`,
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'refresh_token',
          client_id: c.clientId,
          client_secret: c.clientSecret,
          refresh_token: c.refreshToken,
        }),
        what: 'token refresh',
        redirectField: 'accountsUrl',
      },
      policy,
    );
    const { status, text } = response;
    let json: Record<string, unknown>;
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch {
      throw new SourceUnavailableError(
        `Zoho accounts server answered a token refresh with a body that is not JSON (HTTP ${status}: "${describeBody(text)}")`,
        UNREADABLE,
      );
    }
    if (status === 400 && /too many requests/i.test(String(json.error_description ?? ''))) {
      throw new RateLimitedError(
        'Zoho accounts server refused to mint more access tokens for now (too many requests)',
        policy.defaultRetryAfterMs ?? 60_000,
      );
    }
    if (typeof json.error === 'string' || status >= 400) {
      // Zoho refuses a revoked or replaced refresh token with HTTP 200 {"error":"invalid_code"}.
      const reason = typeof json.error === 'string' ? json.error : `HTTP ${status}`;
      const client = reason === 'invalid_client';
      throw new InvalidCredentialsError(
        `Zoho refused the refresh token (${reason.slice(0, 40)})`,
        client
          ? 'Zoho refused the client id or secret (check the data center as well).'
          : 'Zoho refused the account key: enter a new one.',
        client ? 'clientId' : 'refreshToken',
      );
    }
    if (typeof json.access_token !== 'string' || !json.access_token) {
      throw new SourceUnavailableError(
        'Zoho accounts server answered a token refresh without an access token',
        UNREADABLE,
      );
    }
    const seconds = typeof json.expires_in === 'number' && json.expires_in > 0 ? json.expires_in : 3600;
    const apiDomain = acceptableApiDomain(json.api_domain, allowedHosts);
    if (json.api_domain !== undefined && !apiDomain)
      logger.warn({}, 'zoho-crm: the token answer named an API host that is not allowed; ignored');
    const lifetimeMs = seconds * 1000;
    return { token: json.access_token, expiresAt: Date.now() + lifetimeMs, lifetimeMs, apiDomain };
  }
}
