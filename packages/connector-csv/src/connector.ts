import {
  defineConnector,
  type FieldDescriptor,
  InvalidConfigurationError,
  type RecordPage,
  type SourceRecord,
} from '@leadsync/connector-sdk';
import { z } from 'zod';
import { csvEncodings, encodingLabels } from './encoding.ts';
import { RepeatNumbering } from './occurrences.ts';
import { type CsvHead, type CsvPosition, csvDelimiters, csvRows, repeatCandidates } from './parse.ts';
import { notTextOnLine, scanFile } from './scan.ts';
import {
  type CsvCredentials,
  type CsvSettings,
  csvCredentialsSchema,
  csvSettingsSchema,
  type Opened,
  open,
  settingsOf,
} from './settings.ts';
import { csvSpec } from './spec.ts';

/** The one source organization of a CSV connection: the file itself. */
export const CSV_ORGANIZATION_ID = 'file';
export const DEFAULT_CSV_PAGE_SIZE = 500;
const MAX_PAGE_SIZE = 10_000;
const LIST_IDS_CHUNK = 1_000;

/**
 * `{ offset, line, row }`: the byte offset of the next row in the file, its line number and the data rows (blank
 * rows left out) covered. A checkpoint of the earlier `{ row }` form is still accepted (rows are skipped).
 */
export const csvCheckpointSchema = z.union([
  z.object({
    offset: z.number().int().nonnegative(),
    line: z.number().int().positive(),
    row: z.number().int().nonnegative(),
  }),
  z.object({ row: z.number().int().nonnegative() }),
]);
export type CsvCheckpoint = z.infer<typeof csvCheckpointSchema>;

function assertOrganization(organizationId: string): void {
  if (organizationId !== CSV_ORGANIZATION_ID) {
    throw new InvalidConfigurationError(
      `A CSV connection has one source organization, "${CSV_ORGANIZATION_ID}", not "${organizationId}"`,
      'organizationId',
    );
  }
}

function positionOf(checkpoint: unknown, head: CsvHead): CsvPosition | { skipRows: number } {
  const parsed = csvCheckpointSchema.safeParse(checkpoint ?? head.data);
  if (!parsed.success) {
    throw new InvalidConfigurationError(
      'Not a CSV checkpoint',
      'checkpoint',
      'The run cannot be resumed; start it again.',
    );
  }
  if ('offset' in parsed.data) {
    if (parsed.data.offset < head.data.offset) {
      throw new InvalidConfigurationError('A CSV checkpoint before the data rows', 'checkpoint');
    }
    return parsed.data;
  }
  return { skipRows: parsed.data.row };
}

/** About how many data rows the file has: its lines less the header (exact for files without quoted line breaks). */
async function estimateRows(opened: Opened): Promise<{ rows: number; notTextLine?: number }> {
  const { lines, notTextLine } = await scanFile(opened.file, opened.head);
  return { rows: Math.max(0, lines - (opened.head.data.line - 1)), notTextLine };
}

/**
 * A CSV file as a lead source: `credentials: {}`, `settings: { fileId }` (an uploaded file, read as a stream) or
 * `{ csv }` (the text; DESIGN.md section 7), one organization `file`. Every run sees the whole file, so `read`
 * ignores `since`, and `listIds` gives the complete id set (`detectsDeletes`): a removed row is a deleted record.
 */
export const csvConnector = defineConnector<CsvCredentials, CsvSettings>({
  id: 'csv',
  displayName: 'CSV file',
  credentialsSchema: csvCredentialsSchema,
  settingsSchema: csvSettingsSchema,
  capabilities: { detectsDeletes: true },
  spec: csvSpec({ credentials: csvCredentialsSchema, settings: csvSettingsSchema }),

  async fields(ctx): Promise<FieldDescriptor[]> {
    return (await open(ctx)).head.columns.map((column) => ({
      key: column.key,
      label: column.key,
      type: column.type,
      availability: 'list',
      custom: false,
    }));
  },

  /** The whole file is scanned once: a NUL anywhere refuses it, as does a row count over the limit. */
  async check(ctx) {
    const opened = await open(ctx);
    const { rows, notTextLine } = await estimateRows(opened);
    if (notTextLine !== undefined) {
      throw new InvalidConfigurationError(
        notTextOnLine(notTextLine),
        settingsOf(ctx).fileId === undefined ? 'csv' : 'fileId',
      );
    }
    if (rows > opened.limits.maxRows) {
      throw new InvalidConfigurationError(
        `The file has about ${rows} rows; at most ${opened.limits.maxRows} are accepted.`,
        'maxRows',
      );
    }
    return { accountName: opened.name };
  },

  async listOrganizations(ctx) {
    return [{ id: CSV_ORGANIZATION_ID, name: (await open(ctx)).name }];
  },

  async *read(ctx, request): AsyncGenerator<RecordPage> {
    assertOrganization(request.organizationId);
    const opened = await open(ctx);
    const { head, file, limits } = opened;
    const position = positionOf(request.checkpoint, head);
    const requested = request.pageSize ?? DEFAULT_CSV_PAGE_SIZE;
    const pageSize = Math.min(MAX_PAGE_SIZE, Math.max(1, Math.floor(requested) || DEFAULT_CSV_PAGE_SIZE));
    const skip = 'skipRows' in position ? position.skipRows : 0;
    const from = 'skipRows' in position ? head.data : position;
    let records: SourceRecord[] = [];
    let rejected: { sourceId: string; reason: string }[] = [];
    let last: CsvPosition | undefined;
    const numbering = new RepeatNumbering(await repeatCandidates(file, head, limits));
    for await (const rows of csvRows(file, head, limits, from, numbering)) {
      for (const row of rows) {
        if (row.after.row <= skip) continue;
        if (row.kind === 'record') records.push({ sourceId: row.sourceId, fields: row.fields });
        else rejected.push({ sourceId: `line:${row.line}`, reason: row.reason });
        last = row.after;
        if (records.length + rejected.length >= pageSize) {
          ctx.signal?.throwIfAborted();
          const checkpoint: CsvCheckpoint = { ...last };
          yield rejected.length > 0 ? { records, checkpoint, rejected } : { records, checkpoint };
          records = [];
          rejected = [];
        }
      }
    }
    if (last && records.length + rejected.length > 0) {
      const checkpoint: CsvCheckpoint = { ...last };
      yield rejected.length > 0 ? { records, checkpoint, rejected } : { records, checkpoint };
    }
  },

  async estimateCost(ctx, request) {
    assertOrganization(request.organizationId);
    const { rows } = await estimateRows(await open(ctx));
    return {
      records: rows,
      requests: 0,
      listRequests: 0,
      detailRequests: 0,
      note: 'The whole file is read on every run.',
    };
  },

  async *listIds(ctx, request) {
    assertOrganization(request.organizationId);
    const { head, file, limits } = await open(ctx);
    let ids: string[] = [];
    const numbering = new RepeatNumbering(await repeatCandidates(file, head, limits));
    for await (const rows of csvRows(file, head, limits, head.data, numbering)) {
      for (const row of rows) {
        if (row.kind !== 'record') continue;
        ids.push(row.sourceId);
        if (ids.length >= LIST_IDS_CHUNK) {
          yield ids;
          ids = [];
        }
      }
    }
    if (ids.length > 0) yield ids;
  },

  async previewSettings(ctx) {
    const opened = await open(ctx);
    const { head } = opened;
    const perByte = head.sampleBytes > 0 ? head.sampledRows / head.sampleBytes : 0;
    const estimatedRecords = head.complete
      ? head.sampledRows
      : Math.round(perByte * (opened.file.size - head.data.offset));
    return {
      settings: {
        ...settingsOf(ctx),
        encoding: head.encoding,
        delimiter: head.delimiter,
        headerRow: head.headerRow,
      },
      options: [
        {
          key: 'encoding',
          label: 'Encoding',
          value: head.encoding,
          detected: head.detected.encoding,
          choices: csvEncodings.map((value) => ({ value, label: encodingLabels[value] })),
        },
        {
          key: 'delimiter',
          label: 'Delimiter',
          value: head.delimiter,
          detected: head.detected.delimiter,
          choices: csvDelimiters.map((value) => ({ value, label: delimiterLabels[value] })),
        },
        {
          key: 'headerRow',
          label: 'First row',
          value: String(head.headerRow),
          detected: head.detected.headerRow,
          choices: [
            { value: 'true', label: 'names the columns' },
            { value: 'false', label: 'is a contact' },
          ],
        },
      ],
      columns: head.columns.map((column) => column.key),
      rows: head.sample.slice(0, 10),
      estimatedRecords,
    };
  },
});

const delimiterLabels: Record<(typeof csvDelimiters)[number], string> = {
  ',': 'Comma (,)',
  ';': 'Semicolon (;)',
  '\t': 'Tab',
  '|': 'Pipe (|)',
};
