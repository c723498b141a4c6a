import {
  BadSourceDataError,
  type DailyQuota,
  InvalidConfigurationError,
  MissingPermissionError,
} from '@leadsync/connector-sdk';
import {
  describeBody,
  jsonObject,
  ZohoApiClient,
  type ZohoEndpoints,
  type ZohoHttpOptions,
  type ZohoIo,
  type ZohoProduct,
} from '@leadsync/zoho-accounts';
import { API_PATH, type ZohoInvoiceCredentials } from './settings.ts';

/** Knobs of the HTTP client; the defaults suit production, tests shrink the delays. */
export interface ZohoClientOptions extends ZohoHttpOptions {
  /**
   * Sustained request budget per Zoho organization, shared by every process (Zoho allows 100 a minute per
   * organization, whoever sends). Default 94.
   */
  requestsPerMinute?: number;
  /** Requests that may go at once after a quiet spell. Default 5 (so at most 99 in any minute). */
  burst?: number;
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

const PRODUCT: ZohoProduct = {
  sourceName: 'Zoho Invoice',
  logName: 'zoho-invoice',
  apiPath: API_PATH,
  defaultRequestsPerMinute: 94,
  quotaMessage: QUOTA_MESSAGE,
  readQuota: readZohoQuota,
};

/**
 * The Zoho Invoice client: OAuth (the access token, `api_domain`), the organization header, Zoho's error bodies and
 * quota headers, over the SDK's HTTP client (budget, retries, backoff, Retry-After, no redirects).
 */
export class ZohoClient extends ZohoApiClient {
  constructor(
    endpoints: ZohoEndpoints,
    credentials: ZohoInvoiceCredentials,
    options: ZohoClientOptions,
    io: ZohoIo,
  ) {
    super(PRODUCT, endpoints, credentials, options, io);
  }

  /** The budget account of an organization: Zoho limits each organization, whoever sends. */
  account(organizationId: string | undefined): string {
    return `${this.apiUrl}|${organizationId ?? ''}`;
  }

  /** The daily quota of the organization as last seen by any process; undefined when not known. */
  quota(organizationId: string): Promise<DailyQuota | undefined> {
    return this.http.quota(this.account(organizationId));
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
    const what = this.describeGet(path);
    const account = () => this.account(organizationId);
    const organization: Record<string, string> = organizationId ? { organization_id: organizationId } : {};
    const headers: Record<string, string> = organizationId ? { [ORG_HEADER]: organizationId } : {};
    let refreshedAfter401 = false;

    for (;;) {
      const { status, text, token } = await this.sendGet(
        path,
        { ...organization, ...query },
        headers,
        account,
        what,
      );

      const json = jsonObject(text);
      const code = typeof json?.code === 'number' ? json.code : undefined;
      const message = typeof json?.message === 'string' ? json.message.slice(0, 200) : '';

      // An expired or revoked access token: 401, or code 14 / 57 in the body. Refresh once: a refused refresh is a
      // refused key (InvalidCredentialsError). A fresh token that is still refused means the key is good but lacks
      // a scope or a permission (Zoho answers 401 or 403 with code 57 for both).
      const refused = status === 401 || status === 403 || code === 14 || (code === 57 && status >= 400);
      if (refused) {
        if (!refreshedAfter401 && status !== 403) {
          refreshedAfter401 = true;
          await this.refreshAfterRefusal(token);
          continue;
        }
        if (code !== 6041) {
          throw new MissingPermissionError(
            `Zoho Invoice refused ${what} with a freshly refreshed access token (HTTP ${status}${code === undefined ? '' : `, code ${code}`})`,
            MISSING_PERMISSION_MESSAGE,
          );
        }
      }
      if (!json) throw this.unreadableAnswer(what, status, `${text.length} bytes: "${describeBody(text)}"`);
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
