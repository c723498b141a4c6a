export type { ZohoClientOptions } from './client.ts';
export {
  createZohoInvoiceConnector,
  type ZohoInvoiceCheckpoint,
  type ZohoInvoiceConnectorOptions,
  zohoInvoiceCheckpointSchema,
  zohoInvoiceConnector,
} from './connector.ts';
export {
  DATA_CENTERS,
  type ZohoDataCenter,
  type ZohoInvoiceCredentials,
  type ZohoInvoiceSettings,
  type ZohoInvoiceSettingsInput,
  zohoInvoiceCredentialsSchema,
  zohoInvoiceSettingsSchema,
} from './settings.ts';
