import {
  InvalidCredentialsError,
  type Logger,
  RateLimitedError,
  SourceUnavailableError,
} from '@leadsync/connector-sdk';

/**
 * Zoho's access tokens: the process-wide cache shared by every run, and what a token answer of the accounts server
 * means (a token, `api_domain`, a refused key, too many tokens minted).
 */

export interface CachedToken {
  token: string;
  expiresAt: number;
  lifetimeMs: number;
  /** The API host the token answer named (`api_domain`), when it named an acceptable one. */
  apiDomain?: string | undefined;
}

/**
 * One access token per key, shared by every run of the process (Zoho mints only 10 per 10 minutes). Keyed by a hash
 * of everything that makes a token valid (accounts server, client id and secret, refresh token); bounded, least
 * recently used out first, so callers cannot grow it without end.
 */
const TOKEN_CACHE_SIZE = 500;
export const tokenCache = new Map<string, CachedToken>();
export const pendingRefresh = new Map<string, Promise<CachedToken>>();

export function cacheToken(key: string, token: CachedToken): void {
  tokenCache.delete(key);
  tokenCache.set(key, token);
  if (tokenCache.size > TOKEN_CACHE_SIZE) tokenCache.delete(tokenCache.keys().next().value as string);
}

/** The start of a body, on one line, for an error message. */
export function describeBody(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 80 ? `${flat.slice(0, 80)}…` : flat;
}

/** An `api_domain` is used only when it is a Zoho API host or a host the operator allowed. */
function acceptableApiDomain(value: unknown, allowedHosts: readonly string[]): string | undefined {
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

/** The accounts server's answer to a refresh: the token, or the SDK's typed error a person can act on. */
export function readTokenAnswer(
  answer: { status: number; text: string },
  retryAfterMs: number,
  allowedHosts: readonly string[],
  logger: Logger,
): CachedToken {
  const { status, text } = answer;
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new SourceUnavailableError(
      `Zoho accounts server answered a token refresh with a body that is not JSON (HTTP ${status}: "${describeBody(text)}")`,
      'Zoho sent an unreadable answer; nothing is lost: the next run reads again from the last successful one.',
    );
  }
  if (status === 400 && /too many requests/i.test(String(json.error_description ?? ''))) {
    throw new RateLimitedError(
      'Zoho accounts server refused to mint more access tokens for now (too many requests)',
      retryAfterMs,
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
      'Zoho sent an unreadable answer; nothing is lost: the next run reads again from the last successful one.',
    );
  }
  const lifetimeMs =
    (typeof json.expires_in === 'number' && json.expires_in > 0 ? json.expires_in : 3600) * 1000;
  const apiDomain = acceptableApiDomain(json.api_domain, allowedHosts);
  if (json.api_domain !== undefined && !apiDomain)
    logger.warn({}, 'zoho-invoice: the token answer named an API host that is not allowed; ignored');
  logger.debug({ expiresInMs: lifetimeMs }, 'zoho-invoice: access token refreshed');
  return { token: json.access_token, expiresAt: Date.now() + lifetimeMs, lifetimeMs, apiDomain };
}
