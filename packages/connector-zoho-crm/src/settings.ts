import { InvalidConfigurationError } from '@leadsync/connector-sdk';
import {
  dataCenterSchema,
  dataCentersFor,
  parseOrThrow as parseZoho,
  resolveEndpoints as resolveZohoEndpoints,
  type ZohoDataCenter,
  type ZohoEndpoints,
} from '@leadsync/zoho-accounts';
import { z } from 'zod';

/** The API version this connector speaks; every API path starts with it. */
export const API_PATH = '/crm/v8';

/**
 * Zoho's data centers: the CRM API base and the accounts (OAuth) server of each (README, facts C1–C2). The token
 * answer's `api_domain` names the API host anyway; these are where a connection starts.
 */
export const DATA_CENTERS = dataCentersFor(API_PATH);
export type ZohoCrmDataCenter = ZohoDataCenter;

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

export type CrmEndpoints = ZohoEndpoints;

/**
 * The hosts to talk to. An `apiUrl`/`accountsUrl` override is accepted only for a host in `allowedHosts`, so a
 * tenant cannot point the server at internal addresses.
 */
export function resolveEndpoints(settings: ZohoCrmSettings, allowedHosts: readonly string[]): CrmEndpoints {
  return resolveZohoEndpoints(settings, API_PATH, allowedHosts);
}

export function parseOrThrow<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  return parseZoho(schema, value, what, 'Zoho CRM');
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
