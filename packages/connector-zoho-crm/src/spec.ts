import { zohoConnectionSpec } from '@leadsync/zoho-accounts';
import { API_PATH, REQUIRED_SCOPES, zohoCrmCredentialsSchema, zohoCrmSettingsSchema } from './settings.ts';

/** The connection form of Zoho CRM: what to do at Zoho, and the fields (the console draws it from this). */
export const zohoCrmSpec = zohoConnectionSpec({
  scopes: REQUIRED_SCOPES,
  lastStep:
    'Enter the client ID, client secret and refresh token here, and choose the data center where your Zoho account lives. The Zoho CRM user who generated the code needs read access to Leads and Contacts in their profile.',
  apiPath: API_PATH,
  credentialsSchema: zohoCrmCredentialsSchema,
  settingsSchema: zohoCrmSettingsSchema,
});
