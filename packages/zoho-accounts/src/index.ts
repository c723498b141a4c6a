export {
  dataCenterSchema,
  dataCentersFor,
  parseOrThrow,
  resolveEndpoints,
  ZOHO_DATA_CENTERS,
  type ZohoDataCenter,
  type ZohoEndpoints,
} from './data-centers.ts';
export { type RunningZohoSimulator, zohoSandboxConnection } from './sandbox.ts';
export {
  maskedRefreshToken,
  ZOHO_API_CONSOLE_LINK,
  ZOHO_CREDENTIAL_FIELDS,
  ZOHO_DATA_CENTER_FIELD,
  zohoAddressFields,
  zohoConnectionSpec,
  zohoSelfClientHelp,
} from './spec.ts';
export {
  type AccessToken,
  acceptableApiDomain,
  describeBody,
  jsonObject,
  readTokenAnswer,
  type TokenAnswer,
  TokenSource,
  type TokenSourceOptions,
  tokenAnswerSchema,
  type ZohoCredentials,
} from './tokens.ts';
export {
  createZohoTransport,
  estimateQuota,
  ZohoApiClient,
  type ZohoHttpOptions,
  type ZohoIo,
  type ZohoProduct,
  type ZohoTransport,
} from './transport.ts';
