export type { ZohoClientOptions } from './client.ts';
export {
  createZohoInvoiceConnector,
  type ZohoInvoiceConnectorOptions,
  zohoInvoiceConnector,
} from './connector.ts';
export { type ZohoInvoiceCheckpoint, zohoInvoiceCheckpointSchema } from './scan.ts';
export {
  DATA_CENTERS,
  type ZohoDataCenter,
  type ZohoInvoiceCredentials,
  type ZohoInvoiceSettings,
  type ZohoInvoiceSettingsInput,
  zohoInvoiceCredentialsSchema,
  zohoInvoiceSettingsSchema,
} from './settings.ts';
