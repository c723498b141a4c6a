import { createHash } from 'node:crypto';
import {
  type HttpClient,
  type HttpPolicy,
  InvalidCredentialsError,
  type Logger,
  RateLimitedError,
  SourceUnavailableError,
} from '@leadsync/connector-sdk';
import { z } from 'zod';

/**
 * Zoho's access tokens: the process-wide cache shared by every run and every Zoho connector, and what a token answer
 * of the accounts server means (a token, `api_domain`, a refused key, too many tokens minted).
 */

/** An access token as the accounts server gave it. */
export interface AccessToken {
  token: string;
  expiresAt: number;
  lifetimeMs: number;
  /** The API host the token answer named (`api_domain`), when it named an acceptable one. */
  apiDomain?: string | undefined;
}

/** The key a token is minted for. */
export interface ZohoCredentials {
  clientId: string;
  clientSecret: string;
  /** The account key: Zoho's long-lived refresh token. */
  refreshToken: string;
}

/**
 * One access token per key, shared by every run of the process (Zoho mints only a few per key and minute). Keyed by
 * a hash of everything that makes a token valid (accounts server, client id and secret, refresh token); bounded,
 * least recently used out first, so callers cannot grow it without end.
 */
const CACHE_SIZE = 500;
const cache = new Map<string, AccessToken>();
const pending = new Map<string, Promise<AccessToken>>();

const UNREADABLE =
  'Zoho sent an unreadable answer; nothing is lost: the next run reads again from the last successful one.';

/** The start of a body, on one line, for an error message. */
export function describeBody(text: string): string {
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

/** A field of the token answer: a value of another type counts as absent. */
const loose = <T extends z.ZodType>(schema: T) => schema.optional().catch(undefined);

/** The accounts server's answer to a refresh (`POST /oauth/v2/token`); every field may be missing. */
export const tokenAnswerSchema = z.object({
  access_token: loose(z.string().min(1).max(4000)),
  expires_in: loose(z.number().positive()),
  api_domain: z.unknown().optional(),
  error: loose(z.string()),
  error_description: loose(z.string()),
});
export type TokenAnswer = z.infer<typeof tokenAnswerSchema>;

/**
 * The accounts server's answer to a refresh: the token, or the SDK's typed error a person can act on (a refused key
 * names the credential at fault: `clientId` for the client, `refreshToken` for the account key).
 */
export function readTokenAnswer(
  answer: { status: number; text: string },
  retryAfterMs: number,
  allowedHosts: readonly string[],
  logger: Logger,
  logName: string,
): AccessToken {
  const { status, text } = answer;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new SourceUnavailableError(
      `Zoho accounts server answered a token refresh with a body that is not JSON (HTTP ${status}: "${describeBody(text)}")`,
      UNREADABLE,
    );
  }
  const parsed = tokenAnswerSchema.safeParse(body);
  const json: TokenAnswer = parsed.success ? parsed.data : {};
  if (status === 400 && /too many requests/i.test(json.error_description ?? '')) {
    throw new RateLimitedError(
      'Zoho accounts server refused to mint more access tokens for now (too many requests)',
      retryAfterMs,
    );
  }
  if (json.error !== undefined || status >= 400) {
    // Zoho refuses a revoked or replaced refresh token with HTTP 200 {"error":"invalid_code"}.
    const reason = json.error ?? `HTTP ${status}`;
    const client = reason === 'invalid_client';
    throw new InvalidCredentialsError(
      `Zoho refused the refresh token (${reason.slice(0, 40)})`,
      client
        ? 'Zoho refused the client id or secret (check the data center as well).'
        : 'Zoho refused the account key: enter a new one.',
      client ? 'clientId' : 'refreshToken',
    );
  }
  if (json.access_token === undefined) {
    throw new SourceUnavailableError(
      'Zoho accounts server answered a token refresh without an access token',
      UNREADABLE,
    );
  }
  const lifetimeMs = (json.expires_in ?? 3600) * 1000;
  const apiDomain = acceptableApiDomain(json.api_domain, allowedHosts);
  if (json.api_domain !== undefined && !apiDomain)
    logger.warn({}, `${logName}: the token answer named an API host that is not allowed; ignored`);
  logger.debug({ expiresInMs: lifetimeMs }, `${logName}: access token refreshed`);
  return { token: json.access_token, expiresAt: Date.now() + lifetimeMs, lifetimeMs, apiDomain };
}

export interface TokenSourceOptions {
  accountsUrl: string;
  credentials: ZohoCredentials;
  http: HttpClient;
  /** The accounts server's policy (retries, no budget). */
  policy: HttpPolicy;
  logger: Logger;
  /** Names the connector in log lines (`zoho-crm`). */
  logName: string;
  allowedHosts: readonly string[];
  /** Refresh when less than this is left (at most half the lifetime). */
  refreshMarginMs: number;
}

/** Access tokens for one key: cached process-wide, refreshed before they expire, one refresh at a time. */
export class TokenSource {
  private readonly key: string;

  constructor(private readonly options: TokenSourceOptions) {
    const { accountsUrl, credentials: c } = options;
    this.key = createHash('sha256')
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
    const { accountsUrl, credentials: c, http, policy, logger, allowedHosts, logName } = this.options;
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
    return readTokenAnswer(response, policy.defaultRetryAfterMs ?? 60_000, allowedHosts, logger, logName);
  }
}

/** The body as a JSON object; undefined when it is not JSON or not an object. */
export function jsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
      return parsed as Record<string, unknown>;
  } catch {
    // not JSON
  }
  return undefined;
}
