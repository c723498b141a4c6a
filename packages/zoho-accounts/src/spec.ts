import { type ConnectionSpec, connectionSpec, type FieldHints } from '@leadsync/connector-sdk';
import type { z } from 'zod';

/**
 * The parts of a Zoho connection form every Zoho connector shares: how to get a key from a Self Client, the key's
 * fields, the data center and the address overrides. A connector adds its scopes and its own settings.
 */

/** The steps at Zoho, with the scopes the key needs; `last` is the connector's closing step. */
export function zohoSelfClientHelp(scopes: readonly string[], last: string): string {
  return [
    '1. Sign in to the Zoho API console of your data center (api-console.zoho.com; .eu, .in, .com.au, .jp, .ca, .com.cn, .sa or .uk for the others) and add a Self Client: it gives the client ID and client secret.',
    `2. In the Self Client, choose "Generate Code" with the scopes ${scopes.join(',')} and the longest time offered.`,
    "3. Within that time, exchange the code for a refresh token: POST https://accounts.zoho.com/oauth/v2/token (your data center's accounts host) with grant_type=authorization_code, client_id, client_secret and code. The answer's refresh_token is the account key.",
    `4. ${last}`,
  ].join('\n');
}

export const ZOHO_API_CONSOLE_LINK = { title: 'Zoho API console', url: 'https://api-console.zoho.com/' };

/** The key: client id and secret of the Self Client, and the refresh token (the account key, `accountKey`). */
export const ZOHO_CREDENTIAL_FIELDS: Record<'clientId' | 'clientSecret' | 'refreshToken', FieldHints> = {
  clientId: { title: 'Client ID', description: 'From the Self Client in the Zoho API console.' },
  clientSecret: { title: 'Client secret', secret: true },
  refreshToken: {
    title: 'Account key (refresh token)',
    secret: true,
    description: "Stored encrypted; never shown again. The account's primary email is read from Zoho.",
  },
};

export const ZOHO_DATA_CENTER_FIELD: FieldHints = {
  title: 'Data center',
  description: 'Where your Zoho account lives: the address you sign in at.',
  choices: {
    com: 'United States (zoho.com)',
    eu: 'Europe (zoho.eu)',
    in: 'India (zoho.in)',
    'com.au': 'Australia (zoho.com.au)',
    jp: 'Japan (zoho.jp)',
    ca: 'Canada (zohocloud.ca)',
    'com.cn': 'China (zoho.com.cn)',
    sa: 'Saudi Arabia (zoho.sa)',
    uk: 'United Kingdom (zoho.uk)',
  },
};

/** The advanced overrides of the API base (ending in `apiPath`) and of the accounts server. */
export function zohoAddressFields(apiPath: string): Record<'apiUrl' | 'accountsUrl', FieldHints> {
  return {
    apiUrl: {
      title: `API URL (ends in ${apiPath})`,
      description: 'A sandbox or proxy instead of the data center; its host must be allowed by the operator.',
      advanced: true,
    },
    accountsUrl: {
      title: 'Accounts URL',
      description: 'Where /oauth/v2/token is, for a sandbox or proxy.',
      advanced: true,
    },
  };
}

/** The account key as a person may see it again: its last four characters. */
export function maskedRefreshToken(credentials: { refreshToken?: string }): string {
  const key = credentials.refreshToken ?? '';
  return key.length > 8 ? `••••${key.slice(-4)}` : '••••';
}

/**
 * A Zoho connector's connection form: the Self Client steps with `scopes`, the key, the data center, the
 * connector's own `settingsFields` and the address overrides.
 */
export function zohoConnectionSpec(options: {
  scopes: readonly string[];
  lastStep: string;
  links?: { title: string; url: string }[];
  apiPath: string;
  credentialsSchema: z.ZodType;
  settingsSchema: z.ZodType;
  settingsFields?: Record<string, FieldHints>;
}): ConnectionSpec {
  return connectionSpec({
    help: zohoSelfClientHelp(options.scopes, options.lastStep),
    links: [ZOHO_API_CONSOLE_LINK, ...(options.links ?? [])],
    accountKey: 'refreshToken',
    credentials: { schema: options.credentialsSchema, fields: ZOHO_CREDENTIAL_FIELDS },
    settings: {
      schema: options.settingsSchema,
      fields: {
        dataCenter: ZOHO_DATA_CENTER_FIELD,
        ...options.settingsFields,
        ...zohoAddressFields(options.apiPath),
      },
    },
  });
}
