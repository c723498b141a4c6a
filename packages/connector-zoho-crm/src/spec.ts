import { connectionSpec } from '@leadsync/connector-sdk';
import { REQUIRED_SCOPES, zohoCrmCredentialsSchema, zohoCrmSettingsSchema } from './settings.ts';

/** The connection form of Zoho CRM: what to do at Zoho, and the fields (the console draws it from this). */
export const zohoCrmSpec = connectionSpec({
  help: [
    '1. Sign in to the Zoho API console of your data center (api-console.zoho.com; .eu, .in, .com.au, .jp, .ca, .com.cn, .sa or .uk for the others) and add a Self Client: it gives the client ID and client secret.',
    `2. In the Self Client, choose "Generate Code" with the scopes ${REQUIRED_SCOPES.join(',')} and the longest time offered.`,
    "3. Within that time, exchange the code for a refresh token: POST https://accounts.zoho.com/oauth/v2/token (your data center's accounts host) with grant_type=authorization_code, client_id, client_secret and code. The answer's refresh_token is the account key.",
    '4. Enter the client ID, client secret and refresh token here, and choose the data center where your Zoho account lives. The Zoho CRM user who generated the code needs read access to Leads and Contacts in their profile.',
  ].join('\n'),
  links: [{ title: 'Zoho API console', url: 'https://api-console.zoho.com/' }],
  accountKey: 'refreshToken',
  credentials: {
    schema: zohoCrmCredentialsSchema,
    fields: {
      clientId: { title: 'Client ID', description: 'From the Self Client in the Zoho API console.' },
      clientSecret: { title: 'Client secret', secret: true },
      refreshToken: {
        title: 'Account key (refresh token)',
        secret: true,
        description: "Stored encrypted; never shown again. The account's primary email is read from Zoho.",
      },
    },
  },
  settings: {
    schema: zohoCrmSettingsSchema,
    fields: {
      dataCenter: {
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
      },
      apiUrl: {
        title: 'API URL (ends in /crm/v8)',
        description:
          'A sandbox or proxy instead of the data center; its host must be allowed by the operator.',
        advanced: true,
      },
      accountsUrl: {
        title: 'Accounts URL',
        description: 'Where /oauth/v2/token is, for a sandbox or proxy.',
        advanced: true,
      },
    },
  },
});
