export {
  CrmRequestRefusedError,
  MISSING_SCOPE_MESSAGE,
  ModuleUnavailableError,
  readCrmQuota,
  type ZohoCrmClientOptions,
} from './client.ts';
export {
  createZohoCrmConnector,
  type ZohoCrmConnector,
  type ZohoCrmConnectorOptions,
  zohoCrmConnector,
} from './connector.ts';
export { type ZohoCrmCheckpoint, zohoCrmCheckpointSchema } from './scan.ts';
export {
  CRM_MODULES,
  type CrmModule,
  DATA_CENTERS,
  REQUIRED_SCOPES,
  type ZohoCrmCredentials,
  type ZohoCrmDataCenter,
  type ZohoCrmSettings,
  type ZohoCrmSettingsInput,
  zohoCrmCredentialsSchema,
  zohoCrmSettingsSchema,
} from './settings.ts';
