import { InvalidConfigurationError } from '@leadsync/connector-sdk';
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
} as const;

export const dataCenterSchema = z.enum(['com', 'eu', 'in', 'com.au', 'jp', 'ca', 'com.cn', 'sa']);
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
});
export type ZohoInvoiceSettings = z.infer<typeof zohoInvoiceSettingsSchema>;
export type ZohoInvoiceSettingsInput = z.input<typeof zohoInvoiceSettingsSchema>;

export interface ZohoEndpoints {
  apiUrl: string;
  accountsUrl: string;
}

function hostOf(url: string): string {
  return new URL(url).hostname.toLowerCase().replace(/^\[|\]$/g, '');
}

/**
 * The hosts to talk to. An `apiUrl`/`accountsUrl` override is accepted only for a host in `allowedHosts`, so a
 * tenant cannot point the server at internal addresses.
 */
export function resolveEndpoints(
  settings: ZohoInvoiceSettings,
  allowedHosts: readonly string[],
): ZohoEndpoints {
  const allowed = new Set(
    allowedHosts.map((h) =>
      h
        .trim()
        .toLowerCase()
        .replace(/^\[|\]$/g, ''),
    ),
  );
  const dc = DATA_CENTERS[settings.dataCenter];
  for (const field of ['apiUrl', 'accountsUrl'] as const) {
    const value = settings[field];
    if (value !== undefined && !allowed.has(hostOf(value))) {
      throw new InvalidConfigurationError(
        `settings.${field} points at host "${hostOf(value)}", which is not in the allowed hosts (${[...allowed].join(', ') || 'none'})`,
        field,
        `The ${field} host "${hostOf(value)}" is not allowed on this server. Ask the operator to add it to LEADSYNC_ALLOWED_HOSTS.`,
      );
    }
  }
  return {
    apiUrl: (settings.apiUrl ?? dc.apiUrl).replace(/\/+$/, ''),
    accountsUrl: (settings.accountsUrl ?? dc.accountsUrl).replace(/\/+$/, ''),
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
