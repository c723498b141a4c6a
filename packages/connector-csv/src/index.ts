export {
  CSV_ORGANIZATION_ID,
  type CsvCheckpoint,
  type CsvCredentials,
  type CsvSettings,
  csvCheckpointSchema,
  csvConnector,
  csvCredentialsSchema,
  csvSettingsSchema,
  DEFAULT_CSV_PAGE_SIZE,
} from './connector.ts';
export { type CsvEncoding, csvEncodings } from './encoding.ts';
export {
  type CsvDelimiter,
  type CsvLimits,
  csvDelimiters,
  DEFAULT_CSV_LIMITS,
  MAX_CSV_BYTES,
} from './parse.ts';
