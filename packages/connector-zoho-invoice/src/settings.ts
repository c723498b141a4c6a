import {
  dataCenterSchema,
  dataCentersFor,
  parseOrThrow as parseZoho,
  resolveEndpoints as resolveZohoEndpoints,
  type ZohoEndpoints,
} from '@leadsync/zoho-accounts';
import { z } from 'zod';

export type { ZohoDataCenter, ZohoEndpoints } from '@leadsync/zoho-accounts';

/** The API version this connector speaks; every API path starts with it. */
export const API_PATH = '/invoice/v3';

/** Zoho's data centers: API base and accounts (OAuth) server of each. Sources in the package README. */
export const DATA_CENTERS = dataCentersFor(API_PATH);

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
    .refine((url) => new URL(url).pathname.replace(/\/+$/, '').endsWith(API_PATH), {
      message: `apiUrl must end with ${API_PATH}`,
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

/**
 * The hosts to talk to. An `apiUrl`/`accountsUrl` override is accepted only for a host in `allowedHosts`, so a
 * tenant cannot point the server at internal addresses.
 */
export function resolveEndpoints(
  settings: ZohoInvoiceSettings,
  allowedHosts: readonly string[],
): ZohoEndpoints {
  return resolveZohoEndpoints(settings, API_PATH, allowedHosts);
}

export function parseOrThrow<T>(schema: z.ZodType<T>, value: unknown, what: 'credentials' | 'settings'): T {
  return parseZoho(schema, value, what, 'Zoho Invoice');
}
