import { createHash } from 'node:crypto';
import {
  BadSourceDataError,
  type DailyQuota,
  InvalidConfigurationError,
  MissingPermissionError,
} from '@leadsync/connector-sdk';
import {
  jsonObject,
  ZohoApiClient,
  type ZohoHttpOptions,
  type ZohoIo,
  type ZohoProduct,
} from '@leadsync/zoho-accounts';
import { API_PATH, type CrmEndpoints, REQUIRED_SCOPES, type ZohoCrmCredentials } from './settings.ts';

/** Knobs of the HTTP client; the defaults suit production, tests shrink the delays. */
export interface ZohoCrmClientOptions extends ZohoHttpOptions {
  /**
   * Sustained request budget per Zoho CRM organization, shared by every process. Zoho limits CRM by concurrent
   * requests (5 on the free edition) rather than by a rate: at about half a second a request, 600 a minute keeps at
   * most about 5 in flight (README, "limits"). Default 600.
   */
  requestsPerMinute?: number;
  /** Requests that may go at once after a quiet spell. Default 5 (the free edition's concurrency). */
  burst?: number;
}

export const MISSING_SCOPE_MESSAGE = `The key lacks a scope: ${REQUIRED_SCOPES.join(', ')} are needed. Generate a new code for the Self Client with those scopes and enter the new refresh token.`;
export const NO_PERMISSION_MESSAGE =
  "The Zoho CRM user of this key may not read this module through the API: give the user's profile the module's read permission and API access in Zoho CRM (Setup › Users and Control › Profiles).";
export const QUOTA_MESSAGE = 'daily API credits of the Zoho CRM organization reached';

/** A Zoho CRM error body (README, E1): `{ code, details, message, status: "error" }`. */
export interface CrmErrorBody {
  code: string;
  message: string;
  details: Record<string, unknown>;
}

/** Zoho refused a request (4xx) for a reason the caller may handle (an expired page token, the paging limit). */
export class CrmRequestRefusedError extends InvalidConfigurationError {
  constructor(
    message: string,
    readonly status: number,
    readonly body: CrmErrorBody,
  ) {
    super(message, undefined, `Zoho CRM refused the request: ${body.message.slice(0, 200) || body.code}`);
  }
}

/** The module is not available to this account (not enabled, not in the edition, hidden): a person must look. */
export class ModuleUnavailableError extends InvalidConfigurationError {}

/**
 * The daily credits from `X-RATELIMIT-LIMIT`, `X-RATELIMIT-REMAINING`, `X-RATELIMIT-RESET` (ASSUMED names, README L3;
 * a reset given as seconds to wait, or as an epoch in seconds or milliseconds).
 */
export function readCrmQuota(headers: Headers, receivedAt: number): DailyQuota | undefined {
  if (!headers.has('x-ratelimit-limit') || !headers.has('x-ratelimit-remaining')) return undefined;
  const limit = Number(headers.get('x-ratelimit-limit'));
  const remaining = Number(headers.get('x-ratelimit-remaining'));
  const reset = Number(headers.get('x-ratelimit-reset') ?? Number.NaN);
  if (!Number.isInteger(limit) || limit <= 0 || !Number.isInteger(remaining) || !(reset >= 0))
    return undefined;
  const resetAt = reset > 1e12 ? reset : reset > 1e9 ? reset * 1000 : receivedAt + reset * 1000;
  return { limit, remaining, resetAt: new Date(resetAt) };
}

function errorBody(json: unknown): CrmErrorBody | undefined {
  if (!json || typeof json !== 'object' || Array.isArray(json)) return undefined;
  let o = json as Record<string, unknown>;
  // Some endpoints wrap the error in `data` (GET /{module}/deleted: README, E1).
  if (typeof o.code !== 'string' && Array.isArray(o.data) && o.data[0] && typeof o.data[0] === 'object')
    o = o.data[0] as Record<string, unknown>;
  if (typeof o.code !== 'string') return undefined;
  return {
    code: o.code.slice(0, 60),
    message: typeof o.message === 'string' ? o.message.slice(0, 300) : '',
    details: o.details && typeof o.details === 'object' ? (o.details as Record<string, unknown>) : {},
  };
}

export interface CrmAnswer {
  status: number;
  /** Undefined for 204 (no content) and 304 (not modified). */
  json: Record<string, unknown> | undefined;
}

const PRODUCT: ZohoProduct = {
  sourceName: 'Zoho CRM',
  logName: 'zoho-crm',
  apiPath: API_PATH,
  defaultRequestsPerMinute: 600,
  quotaMessage: QUOTA_MESSAGE,
  readQuota: readCrmQuota,
};

/**
 * The Zoho CRM client: OAuth (the access token, `api_domain`), Zoho CRM's error bodies and credit headers, over the
 * SDK's HTTP client (budget, retries, backoff, Retry-After, no redirects).
 */
export class ZohoCrmClient extends ZohoApiClient {
  private readonly keyHash: string;

  constructor(
    endpoints: CrmEndpoints,
    credentials: ZohoCrmCredentials,
    options: ZohoCrmClientOptions,
    io: ZohoIo,
  ) {
    super(PRODUCT, endpoints, credentials, options, io);
    this.keyHash = createHash('sha256')
      .update(JSON.stringify([credentials.clientId, credentials.refreshToken]))
      .digest('base64url')
      .slice(0, 22);
  }

  /**
   * The budget account: Zoho CRM counts credits and concurrency per organization. Nothing in a records answer names
   * the organization (its id needs one more scope, ZohoCRM.org.READ), so the key stands for it: the API host and a
   * hash of the client id and refresh token (a key belongs to one user of one organization). Two connections of one
   * organization with two keys book apart; both see the organization's credits in Zoho's answers.
   */
  get account(): string {
    return `${this.apiUrl}|crm|${this.keyHash}`;
  }

  /** The daily credits as last seen by any process; undefined when not known. */
  async quota(): Promise<DailyQuota | undefined> {
    await this.accessToken(); // the API host may come from the token answer (api_domain)
    return this.http.quota(this.account);
  }

  /**
   * GET `path` (after `/crm/v8`). Resolves to the parsed body, or no body for 204/304. Throws the SDK's typed
   * errors; `CrmRequestRefusedError` for other refusals, which the caller may handle.
   */
  async get(
    path: string,
    query: Record<string, string | number> = {},
    headers: Record<string, string> = {},
  ): Promise<CrmAnswer> {
    const what = this.describeGet(path);
    let refreshed = false;
    for (;;) {
      const { status, text, token } = await this.sendGet(path, query, headers, () => this.account, what);
      if (status === 204 || status === 304) return { status, json: undefined };
      const json = jsonObject(text);
      const body = status >= 400 ? errorBody(json) : undefined;
      if (status === 401 && body?.code === 'OAUTH_SCOPE_MISMATCH')
        throw new MissingPermissionError(
          `Zoho CRM refused ${what}: OAUTH_SCOPE_MISMATCH`,
          MISSING_SCOPE_MESSAGE,
        );
      if (status === 401) {
        // An expired or revoked access token (INVALID_TOKEN, AUTHENTICATION_FAILURE): refresh once. A refused refresh
        // is a refused key (InvalidCredentialsError); a fresh token still refused is a permission a person must give.
        if (!refreshed) {
          refreshed = true;
          await this.refreshAfterRefusal(token);
          continue;
        }
        throw new MissingPermissionError(
          `Zoho CRM refused ${what} with a freshly refreshed access token (HTTP 401${body ? `, ${body.code}` : ''})`,
          MISSING_SCOPE_MESSAGE,
        );
      }
      if (status === 403 || body?.code === 'NO_PERMISSION')
        throw new MissingPermissionError(
          `Zoho CRM refused ${what} (HTTP ${status}, no permission)`,
          NO_PERMISSION_MESSAGE,
        );
      if (!json) throw this.unreadableAnswer(what, status, `${text.length} bytes`);
      if (status < 400) return { status, json };
      if (!body)
        throw new BadSourceDataError(
          `Zoho CRM answered ${what} with HTTP ${status} without an error code`,
          json,
        );
      if (['INVALID_MODULE', 'NOT_SUPPORTED', 'FEATURE_NOT_SUPPORTED'].includes(body.code)) {
        throw new ModuleUnavailableError(
          `Zoho CRM refused ${what}: ${body.code}`,
          'organizationId',
          'This module is not available in the Zoho CRM account (not enabled, hidden, or not part of its edition): enable it in Zoho CRM (Setup › Modules and Fields) or choose another module.',
        );
      }
      throw new CrmRequestRefusedError(
        `Zoho CRM refused ${what} (HTTP ${status}, ${body.code})`,
        status,
        body,
      );
    }
  }
}
