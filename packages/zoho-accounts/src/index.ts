export {
  dataCenterSchema,
  dataCentersFor,
  parseOrThrow,
  resolveEndpoints,
  ZOHO_DATA_CENTERS,
  type ZohoDataCenter,
  type ZohoEndpoints,
} from './data-centers.ts';
export {
  type AccessToken,
  acceptableApiDomain,
  describeBody,
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
  type ZohoProduct,
  type ZohoTransport,
} from './transport.ts';
