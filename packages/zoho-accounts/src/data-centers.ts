import { InvalidConfigurationError, isUrlAllowed } from '@leadsync/connector-sdk';
import { z } from 'zod';

/**
 * Zoho's data centers: the API host and the accounts (OAuth) server of each (sources in the Zoho connectors'
 * READMEs). The token answer's `api_domain` names the API host anyway; these are where a connection starts.
 */
export const ZOHO_DATA_CENTERS = {
  com: { apiHost: 'https://www.zohoapis.com', accountsUrl: 'https://accounts.zoho.com' },
  eu: { apiHost: 'https://www.zohoapis.eu', accountsUrl: 'https://accounts.zoho.eu' },
  in: { apiHost: 'https://www.zohoapis.in', accountsUrl: 'https://accounts.zoho.in' },
  'com.au': { apiHost: 'https://www.zohoapis.com.au', accountsUrl: 'https://accounts.zoho.com.au' },
  jp: { apiHost: 'https://www.zohoapis.jp', accountsUrl: 'https://accounts.zoho.jp' },
  // Canada's accounts server is zohocloud.ca, not zoho.ca.
  ca: { apiHost: 'https://www.zohoapis.ca', accountsUrl: 'https://accounts.zohocloud.ca' },
  'com.cn': { apiHost: 'https://www.zohoapis.com.cn', accountsUrl: 'https://accounts.zoho.com.cn' },
  sa: { apiHost: 'https://www.zohoapis.sa', accountsUrl: 'https://accounts.zoho.sa' },
  // Zoho's multi-DC page lists accounts.zoho.uk; the API host follows the pattern (and api_domain names it anyway).
  uk: { apiHost: 'https://www.zohoapis.uk', accountsUrl: 'https://accounts.zoho.uk' },
} as const;

export const dataCenterSchema = z.enum(['com', 'eu', 'in', 'com.au', 'jp', 'ca', 'com.cn', 'sa', 'uk']);
export type ZohoDataCenter = z.infer<typeof dataCenterSchema>;

/** Each data center's API base for one product (`/invoice/v3`, `/crm/v8`) and its accounts server. */
export function dataCentersFor(
  apiPath: string,
): Record<ZohoDataCenter, { apiUrl: string; accountsUrl: string }> {
  return Object.fromEntries(
    Object.entries(ZOHO_DATA_CENTERS).map(([dc, { apiHost, accountsUrl }]) => [
      dc,
      { apiUrl: `${apiHost}${apiPath}`, accountsUrl },
    ]),
  ) as Record<ZohoDataCenter, { apiUrl: string; accountsUrl: string }>;
}

export interface ZohoEndpoints {
  /** The API base, ending in the product's path. */
  apiUrl: string;
  accountsUrl: string;
  /** The settings name the API address: the token answer's `api_domain` does not move it. */
  apiUrlFixed: boolean;
}

/**
 * The hosts to talk to. An `apiUrl`/`accountsUrl` override is accepted only for a host in `allowedHosts`, so a
 * tenant cannot point the server at internal addresses.
 */
export function resolveEndpoints(
  settings: { dataCenter: ZohoDataCenter; apiUrl?: string | undefined; accountsUrl?: string | undefined },
  apiPath: string,
  allowedHosts: readonly string[],
): ZohoEndpoints {
  const dc = ZOHO_DATA_CENTERS[settings.dataCenter];
  for (const field of ['apiUrl', 'accountsUrl'] as const) {
    const value = settings[field];
    if (value !== undefined && !isUrlAllowed(value, allowedHosts)) {
      // The same sentence whether the host or only the port is refused: a tenant learns nothing about the network.
      throw new InvalidConfigurationError(
        `settings.${field} points at a host and port that are not in the allowed hosts`,
        field,
        `The ${field} is not allowed on this server: its host and port must be in LEADSYNC_ALLOWED_HOSTS (ask the operator).`,
      );
    }
  }
  return {
    apiUrl: (settings.apiUrl ?? `${dc.apiHost}${apiPath}`).replace(/\/+$/, ''),
    accountsUrl: (settings.accountsUrl ?? dc.accountsUrl).replace(/\/+$/, ''),
    apiUrlFixed: settings.apiUrl !== undefined,
  };
}

/** `value` parsed by `schema`, or an `InvalidConfigurationError` naming the first field at fault. */
export function parseOrThrow<T>(schema: z.ZodType<T>, value: unknown, what: string, sourceName: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const path = issue?.path.join('.') || what;
  throw new InvalidConfigurationError(
    `Invalid ${sourceName} ${what}: ${path}: ${issue?.message ?? 'invalid'}`,
    issue?.path.join('.') || undefined,
  );
}
