export {
  CSV_ORGANIZATION_ID,
  type CsvCheckpoint,
  csvCheckpointSchema,
  csvConnector,
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
export {
  type CsvCredentials,
  type CsvSettings,
  csvCredentialsSchema,
  csvSettingsSchema,
} from './settings.ts';
