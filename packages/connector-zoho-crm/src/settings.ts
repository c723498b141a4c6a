import { InvalidConfigurationError, isUrlAllowed } from '@leadsync/connector-sdk';
import { z } from 'zod';

/** The API version this connector speaks; every API path starts with it. */
export const API_PATH = '/crm/v8';

/**
 * Zoho's data centers: the CRM API base and the accounts (OAuth) server of each (README, facts C1–C2). The token
 * answer's `api_domain` names the API host anyway; these are where a connection starts.
 */
export const DATA_CENTERS = {
  com: { apiHost: 'https://www.zohoapis.com', accountsUrl: 'https://accounts.zoho.com' },
  eu: { apiHost: 'https://www.zohoapis.eu', accountsUrl: 'https://accounts.zoho.eu' },
  in: { apiHost: 'https://www.zohoapis.in', accountsUrl: 'https://accounts.zoho.in' },
  'com.au': { apiHost: 'https://www.zohoapis.com.au', accountsUrl: 'https://accounts.zoho.com.au' },
  jp: { apiHost: 'https://www.zohoapis.jp', accountsUrl: 'https://accounts.zoho.jp' },
  // Canada's accounts server is zohocloud.ca, not zoho.ca.
  ca: { apiHost: 'https://www.zohoapis.ca', accountsUrl: 'https://accounts.zohocloud.ca' },
  'com.cn': { apiHost: 'https://www.zohoapis.com.cn', accountsUrl: 'https://accounts.zoho.com.cn' },
  sa: { apiHost: 'https://www.zohoapis.sa', accountsUrl: 'https://accounts.zoho.sa' },
  uk: { apiHost: 'https://www.zohoapis.uk', accountsUrl: 'https://accounts.zoho.uk' },
} as const;

export const dataCenterSchema = z.enum(['com', 'eu', 'in', 'com.au', 'jp', 'ca', 'com.cn', 'sa', 'uk']);
export type ZohoCrmDataCenter = z.infer<typeof dataCenterSchema>;

/** The modules a sync may read: the connector's source "organizations" (one sync reads one module). */
export const CRM_MODULES = ['Leads', 'Contacts'] as const;
export type CrmModule = (typeof CRM_MODULES)[number];
export const crmModuleSchema = z.enum(CRM_MODULES);

/** The scopes a key needs: records of both modules, their field metadata, and the current user (README, C4). */
export const REQUIRED_SCOPES = [
  'ZohoCRM.modules.leads.READ',
  'ZohoCRM.modules.contacts.READ',
  'ZohoCRM.settings.fields.READ',
  'ZohoCRM.users.READ',
] as const;

const httpUrl = z.url({ protocol: /^https?$/ });
const secret = z.string().trim().min(1).max(1000);

export const zohoCrmCredentialsSchema = z.object({
  clientId: secret,
  clientSecret: secret,
  /** The account key: Zoho's long-lived refresh token. */
  refreshToken: secret,
});
export type ZohoCrmCredentials = z.infer<typeof zohoCrmCredentialsSchema>;

export const zohoCrmSettingsSchema = z.object({
  dataCenter: dataCenterSchema.default('com'),
  /** Overrides the data center's API base (the simulator, a proxy); must end with `/crm/v8`. */
  apiUrl: httpUrl
    .max(500)
    .refine((url) => new URL(url).pathname.replace(/\/+$/, '').endsWith(API_PATH), {
      message: `apiUrl must end with ${API_PATH}`,
    })
    .optional(),
  /** Overrides the data center's accounts server (where `/oauth/v2/token` lives). */
  accountsUrl: httpUrl.max(500).optional(),
});
export type ZohoCrmSettings = z.infer<typeof zohoCrmSettingsSchema>;
export type ZohoCrmSettingsInput = z.input<typeof zohoCrmSettingsSchema>;

export interface CrmEndpoints {
  /** The API base, ending in `/crm/v8`. */
  apiUrl: string;
  accountsUrl: string;
  /** The settings name the API address: the token answer's `api_domain` does not move it. */
  apiUrlFixed: boolean;
}

/**
 * The hosts to talk to. An `apiUrl`/`accountsUrl` override is accepted only for a host in `allowedHosts`, so a
 * tenant cannot point the server at internal addresses.
 */
export function resolveEndpoints(settings: ZohoCrmSettings, allowedHosts: readonly string[]): CrmEndpoints {
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
    apiUrl: (settings.apiUrl ?? `${dc.apiHost}${API_PATH}`).replace(/\/+$/, ''),
    accountsUrl: (settings.accountsUrl ?? dc.accountsUrl).replace(/\/+$/, ''),
    apiUrlFixed: settings.apiUrl !== undefined,
  };
}

export function parseOrThrow<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const path = issue?.path.join('.') || what;
  throw new InvalidConfigurationError(
    `Invalid Zoho CRM ${what}: ${path}: ${issue?.message ?? 'invalid'}`,
    issue?.path.join('.') || undefined,
  );
}

/** The module a source organization id names; anything else is refused before a request. */
export function moduleOf(organizationId: string): CrmModule {
  const parsed = crmModuleSchema.safeParse(organizationId);
  if (parsed.success) return parsed.data;
  throw new InvalidConfigurationError(
    'The source organization is not a Zoho CRM module this connector reads',
    'organizationId',
    `Zoho CRM syncs read one of the modules ${CRM_MODULES.join(' or ')}.`,
  );
}
