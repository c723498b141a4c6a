import {
  type ConnectorContext,
  defineConnector,
  type FieldDescriptor,
  InvalidConfigurationError,
  type RecordPage,
  type SourceRecord,
} from '@leadsync/connector-sdk';
import { z } from 'zod';
import { csvDelimiters, type ParsedCsv, parseCsv } from './parse.ts';

/** The one source organization of a CSV connection: the file itself. */
export const CSV_ORGANIZATION_ID = 'file';
export const DEFAULT_CSV_PAGE_SIZE = 500;
const MAX_PAGE_SIZE = 10_000;
const LIST_IDS_CHUNK = 1_000;

export const csvCredentialsSchema = z.object({});
export type CsvCredentials = z.infer<typeof csvCredentialsSchema>;

export const csvSettingsSchema = z.object({
  /** The file's whole text (UTF-8, with or without a BOM). */
  csv: z.string(),
  /** Shown as the source organization's name. */
  fileName: z.string().trim().min(1).max(255).optional(),
  /** Default: detected from the header line (`,` unless `;`, tab or `|` is more frequent there). */
  delimiter: z.enum(csvDelimiters).optional(),
});
export type CsvSettings = z.infer<typeof csvSettingsSchema>;

/** `{ row }`: how many data rows (blank rows left out) earlier pages covered. */
export const csvCheckpointSchema = z.object({ row: z.number().int().nonnegative() });
export type CsvCheckpoint = z.infer<typeof csvCheckpointSchema>;

type CsvContext = ConnectorContext<CsvCredentials, CsvSettings>;

// Every method needs the parsed file; one parse per settings object (a run reads, lists ids and checks fields).
const parsedBySettings = new WeakMap<object, { text: string; delimiter?: string; parsed: ParsedCsv }>();

function settingsOf(ctx: CsvContext): CsvSettings {
  const result = csvSettingsSchema.safeParse(ctx.settings);
  if (!result.success) {
    throw new InvalidConfigurationError(
      `Invalid CSV settings: ${result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      'csv',
      'The CSV connection needs the file text in settings.csv.',
    );
  }
  return result.data;
}

function load(ctx: CsvContext): ParsedCsv {
  const settings = settingsOf(ctx);
  const key = typeof ctx.settings === 'object' && ctx.settings !== null ? ctx.settings : undefined;
  const cached = key && parsedBySettings.get(key);
  if (cached && cached.text === settings.csv && cached.delimiter === settings.delimiter) return cached.parsed;
  const parsed = parseCsv(settings.csv, settings.delimiter);
  if (key) parsedBySettings.set(key, { text: settings.csv, delimiter: settings.delimiter, parsed });
  return parsed;
}

function assertOrganization(organizationId: string): void {
  if (organizationId !== CSV_ORGANIZATION_ID) {
    throw new InvalidConfigurationError(
      `A CSV connection has one source organization, "${CSV_ORGANIZATION_ID}", not "${organizationId}"`,
      'organizationId',
    );
  }
}

/**
 * A CSV file as a lead source (DESIGN.md section 7): `credentials: {}`, `settings: { csv }`, one organization
 * `file`. Every run sees the whole file, so `read` ignores `since`, and `listIds` gives the complete id set
 * (`detectsDeletes`): a row removed from the file is a deleted record.
 */
export const csvConnector = defineConnector<CsvCredentials, CsvSettings>({
  id: 'csv',
  displayName: 'CSV file',
  credentialsSchema: csvCredentialsSchema,
  settingsSchema: csvSettingsSchema,
  capabilities: { detectsDeletes: true },

  async fields(ctx): Promise<FieldDescriptor[]> {
    return load(ctx).columns.map((column) => ({
      key: column.key,
      label: column.key,
      type: column.type,
      availability: 'list',
      custom: false,
    }));
  },

  async check(ctx) {
    load(ctx);
    return { accountName: settingsOf(ctx).fileName ?? 'CSV file' };
  },

  async listOrganizations(ctx) {
    load(ctx);
    return [{ id: CSV_ORGANIZATION_ID, name: settingsOf(ctx).fileName ?? 'CSV file' }];
  },

  async *read(ctx, request): AsyncGenerator<RecordPage> {
    assertOrganization(request.organizationId);
    const { rows } = load(ctx);
    const checkpoint = csvCheckpointSchema.safeParse(request.checkpoint ?? { row: 0 });
    if (!checkpoint.success) {
      throw new InvalidConfigurationError(
        `Not a CSV checkpoint: ${JSON.stringify(request.checkpoint)}`,
        'checkpoint',
        'The run cannot be resumed; start it again.',
      );
    }
    const requested = request.pageSize ?? DEFAULT_CSV_PAGE_SIZE;
    const pageSize = Math.min(MAX_PAGE_SIZE, Math.max(1, Math.floor(requested) || DEFAULT_CSV_PAGE_SIZE));
    for (let start = checkpoint.data.row; start < rows.length; start += pageSize) {
      ctx.signal?.throwIfAborted();
      const end = Math.min(start + pageSize, rows.length);
      const records: SourceRecord[] = [];
      const rejected: { sourceId: string; reason: string }[] = [];
      for (const row of rows.slice(start, end)) {
        if (row.kind === 'record') records.push({ sourceId: row.sourceId, fields: { ...row.fields } });
        else rejected.push({ sourceId: `line:${row.line}`, reason: row.reason });
      }
      const checkpoint: CsvCheckpoint = { row: end };
      yield rejected.length > 0 ? { records, checkpoint, rejected } : { records, checkpoint };
    }
  },

  async estimateCost(ctx, request) {
    assertOrganization(request.organizationId);
    const records = load(ctx).rows.length;
    return { records, requests: 0, note: 'The whole file is read on every run.' };
  },

  async *listIds(ctx, request) {
    assertOrganization(request.organizationId);
    const ids = load(ctx).rows.flatMap((row) => (row.kind === 'record' ? [row.sourceId] : []));
    for (let i = 0; i < ids.length; i += LIST_IDS_CHUNK) yield ids.slice(i, i + LIST_IDS_CHUNK);
  },
});
