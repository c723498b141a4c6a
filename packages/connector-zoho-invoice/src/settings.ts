import { InvalidConfigurationError, isUrlAllowed } from '@leadsync/connector-sdk';
import { z } from 'zod';

/** Zoho's data centers: API base and accounts (OAuth) server of each. Sources in the package README. */
export const DATA_CENTERS = {
  com: { apiUrl: 'https://www.zohoapis.com/invoice/v3', accountsUrl: 'https://accounts.zoho.com' },
  eu: { apiUrl: 'https://www.zohoapis.eu/invoice/v3', accountsUrl: 'https://accounts.zoho.eu' },
  in: { apiUrl: 'https://www.zohoapis.in/invoice/v3', accountsUrl: 'https://accounts.zoho.in' },
  'com.au': { apiUrl: 'https://www.zohoapis.com.au/invoice/v3', accountsUrl: 'https://accounts.zoho.com.au' },
  jp: { apiUrl: 'https://www.zohoapis.jp/invoice/v3', accountsUrl: 'https://accounts.zoho.jp' },
  // Canada's accounts server is zohocloud.ca, not zoho.ca.
  ca: { apiUrl: 'https://www.zohoapis.ca/invoice/v3', accountsUrl: 'https://accounts.zohocloud.ca' },
  'com.cn': { apiUrl: 'https://www.zohoapis.com.cn/invoice/v3', accountsUrl: 'https://accounts.zoho.com.cn' },
  sa: { apiUrl: 'https://www.zohoapis.sa/invoice/v3', accountsUrl: 'https://accounts.zoho.sa' },
  // Zoho's multi-DC page lists accounts.zoho.uk; the API host follows the pattern (and api_domain names it anyway).
  uk: { apiUrl: 'https://www.zohoapis.uk/invoice/v3', accountsUrl: 'https://accounts.zoho.uk' },
} as const;

export const dataCenterSchema = z.enum(['com', 'eu', 'in', 'com.au', 'jp', 'ca', 'com.cn', 'sa', 'uk']);
export type ZohoDataCenter = z.infer<typeof dataCenterSchema>;

const httpUrl = z.url({ protocol: /^https?$/ });

export const zohoInvoiceCredentialsSchema = z.object({
  clientId: z.string().trim().min(1),
  clientSecret: z.string().trim().min(1),
  /** The account key: Zoho's long-lived refresh token. */
  refreshToken: z.string().trim().min(1),
});
export type ZohoInvoiceCredentials = z.infer<typeof zohoInvoiceCredentialsSchema>;

export const zohoInvoiceSettingsSchema = z.object({
  dataCenter: dataCenterSchema.default('com'),
  /** Overrides the data center's API base (the simulator, a proxy); must end with `/invoice/v3`. */
  apiUrl: httpUrl
    .refine((url) => new URL(url).pathname.replace(/\/+$/, '').endsWith('/invoice/v3'), {
      message: 'apiUrl must end with /invoice/v3',
    })
    .optional(),
  /** Overrides the data center's accounts server (where `/oauth/v2/token` lives). */
  accountsUrl: httpUrl.optional(),
  /** One more source record per further contact person with an email. */
  includeContactPersons: z.boolean().default(false),
  /**
   * Before it was a sync's choice (`Sync.activeRecordsOnly`, `ReadRequest.activeOnly`): only active contacts.
   * Read only when a request does not say; migration 0019 moved it onto each sync of the connection.
   */
  activeContactsOnly: z.boolean().default(false),
});
export type ZohoInvoiceSettings = z.infer<typeof zohoInvoiceSettingsSchema>;
export type ZohoInvoiceSettingsInput = z.input<typeof zohoInvoiceSettingsSchema>;

export interface ZohoEndpoints {
  apiUrl: string;
  accountsUrl: string;
  /** The settings name the API address: the token answer's `api_domain` does not move it. */
  apiUrlFixed?: boolean;
}

/**
 * The hosts to talk to. An `apiUrl`/`accountsUrl` override is accepted only for a host in `allowedHosts`, so a
 * tenant cannot point the server at internal addresses.
 */
export function resolveEndpoints(
  settings: ZohoInvoiceSettings,
  allowedHosts: readonly string[],
): ZohoEndpoints {
  const dc = DATA_CENTERS[settings.dataCenter];
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
    apiUrl: (settings.apiUrl ?? dc.apiUrl).replace(/\/+$/, ''),
    accountsUrl: (settings.accountsUrl ?? dc.accountsUrl).replace(/\/+$/, ''),
    apiUrlFixed: settings.apiUrl !== undefined,
  };
}

export function parseOrThrow<T>(schema: z.ZodType<T>, value: unknown, what: 'credentials' | 'settings'): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const path = issue?.path.join('.') || what;
  throw new InvalidConfigurationError(
    `Invalid Zoho Invoice ${what}: ${path}: ${issue?.message ?? 'invalid'}`,
    issue?.path.join('.') || undefined,
  );
}
