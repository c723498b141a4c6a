import { zohoConnectionSpec } from '@leadsync/zoho-accounts';
import { API_PATH, zohoInvoiceCredentialsSchema, zohoInvoiceSettingsSchema } from './settings.ts';

/** The connection form of Zoho Invoice: what to do at Zoho, and the fields (the console draws it from this). */
export const zohoInvoiceSpec = zohoConnectionSpec({
  scopes: ['ZohoInvoice.contacts.READ', 'ZohoInvoice.settings.READ'],
  lastStep:
    'Enter the client ID, client secret and refresh token here, and choose the data center where your Zoho account lives (the address you sign in at).',
  links: [
    {
      title: "Zoho's guide to Self Client",
      url: 'https://www.zoho.com/accounts/protocol/oauth/self-client/overview.html',
    },
  ],
  apiPath: API_PATH,
  credentialsSchema: zohoInvoiceCredentialsSchema,
  settingsSchema: zohoInvoiceSettingsSchema,
  settingsFields: {
    includeContactPersons: {
      title: 'Import contact persons too',
      description: "One more lead per further contact person with an email, beside each contact's own.",
      advanced: true,
    },
  },
});
