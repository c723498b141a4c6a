import {
  type ConnectorContext,
  defineConnector,
  type FieldDescriptor,
  InvalidConfigurationError,
  type RecordPage,
  type SourceRecord,
} from '@leadsync/connector-sdk';
import { firstUnstorableIndex } from '@leadsync/core';
import { z } from 'zod';
import { csvEncodings, encodingLabels } from './encoding.ts';
import { RepeatNumbering } from './occurrences.ts';
import {
  type CsvFile,
  type CsvHead,
  type CsvLimits,
  type CsvPosition,
  csvDelimiters,
  csvRows,
  DEFAULT_CSV_LIMITS,
  MAX_CSV_BYTES,
  notTextOnLine,
  readHead,
  repeatCandidates,
  scanFile,
} from './parse.ts';
import { csvSpec } from './spec.ts';

/** The one source organization of a CSV connection: the file itself. */
export const CSV_ORGANIZATION_ID = 'file';
export const DEFAULT_CSV_PAGE_SIZE = 500;
const MAX_PAGE_SIZE = 10_000;
const LIST_IDS_CHUNK = 1_000;

export const csvCredentialsSchema = z.object({});
export type CsvCredentials = z.infer<typeof csvCredentialsSchema>;

export const csvSettingsSchema = z.object({
  /** An uploaded file (`POST /uploads`), read as a stream. */
  fileId: z.string().uuid().optional(),
  /** Or the file's whole text (UTF-8), as connections made before uploads have it; at most 50 MB. */
  csv: z.string().optional(),
  /** Shown as the source organization's name; default: the uploaded file's name. */
  fileName: z.string().trim().min(1).max(255).optional(),
  /** Default: detected from the header line (`,` unless `;`, tab or `|` is more frequent there). */
  delimiter: z.enum(csvDelimiters).optional(),
  /** Default: detected from the first bytes (BOM, UTF-16 zero bytes, valid UTF-8, else Windows-1252). */
  encoding: z.enum(csvEncodings).optional(),
  /** Whether the first row names the columns; default: yes unless it holds an email address. */
  headerRow: z
    .union([z.boolean(), z.enum(['true', 'false']).transform((value) => value === 'true')])
    .optional(),
  maxRows: z.number().int().min(1).max(100_000_000).optional(),
  maxColumns: z.number().int().min(1).max(10_000).optional(),
  /** Bytes of one row (a quoted value may span lines). */
  maxLineBytes: z
    .number()
    .int()
    .min(1024)
    .max(64 * 1024 * 1024)
    .optional(),
});
export type CsvSettings = z.infer<typeof csvSettingsSchema>;

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

type CsvContext = ConnectorContext<CsvCredentials, CsvSettings>;

function settingsOf(ctx: CsvContext): CsvSettings {
  const result = csvSettingsSchema.safeParse(ctx.settings);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new InvalidConfigurationError(
      `Invalid CSV settings: ${result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      issue?.path[0] === undefined ? 'csv' : String(issue.path[0]),
      'The CSV settings are not valid.',
    );
  }
  if (result.data.fileId === undefined && result.data.csv === undefined) {
    throw new InvalidConfigurationError(
      'CSV settings name no file',
      'fileId',
      'The CSV connection needs an uploaded file (settings.fileId) or the file text (settings.csv).',
    );
  }
  return result.data;
}

const limitsOf = (settings: CsvSettings): CsvLimits => ({
  maxRows: settings.maxRows ?? DEFAULT_CSV_LIMITS.maxRows,
  maxColumns: settings.maxColumns ?? DEFAULT_CSV_LIMITS.maxColumns,
  maxLineBytes: settings.maxLineBytes ?? DEFAULT_CSV_LIMITS.maxLineBytes,
});

interface Opened {
  file: CsvFile;
  name: string;
  head: CsvHead;
  limits: CsvLimits;
}

// The head is read once per settings object (a run reads, lists ids and checks fields with one context).
const openedBySettings = new WeakMap<object, { key: string; opened: Promise<Opened> }>();

async function fileOf(
  ctx: CsvContext,
  settings: CsvSettings,
): Promise<{ file: CsvFile; name?: string; text?: string }> {
  if (settings.fileId !== undefined) {
    const fileId = settings.fileId;
    const files = ctx.files;
    const stored = files && (await files.get(fileId));
    if (!files || !stored) {
      throw new InvalidConfigurationError(
        'The uploaded file of this CSV connection was not found (or its upload is not complete).',
        'fileId',
      );
    }
    return { file: { size: stored.size, read: (start) => files.read(fileId, start) }, name: stored.name };
  }
  const text = settings.csv ?? '';
  if (text.length > MAX_CSV_BYTES || Buffer.byteLength(text, 'utf8') > MAX_CSV_BYTES) {
    throw new InvalidConfigurationError(
      `The file is larger than ${MAX_CSV_BYTES / 1024 / 1024} MB; upload it as a file (POST /uploads) instead.`,
      'csv',
    );
  }
  const bytes = Buffer.from(text, 'utf8');
  return {
    text,
    file: {
      size: bytes.length,
      async *read(start) {
        const chunk = 1 << 20;
        for (let at = start; at < bytes.length; at += chunk) yield bytes.subarray(at, at + chunk);
      },
    },
  };
}

function open(ctx: CsvContext): Promise<Opened> {
  const settings = settingsOf(ctx);
  const key = JSON.stringify([
    settings.fileId,
    settings.csv?.length,
    settings.delimiter,
    settings.encoding,
    settings.headerRow,
    settings.maxColumns,
    settings.maxLineBytes,
  ]);
  const holder = typeof ctx.settings === 'object' && ctx.settings !== null ? ctx.settings : undefined;
  const cached = holder && openedBySettings.get(holder);
  if (cached && cached.key === key && settings.csv === undefined) return cached.opened;
  const opened = (async () => {
    const { file, name, text } = await fileOf(ctx, settings);
    const limits = limitsOf(settings);
    const head = await readHead(file, settings, limits);
    // The UTF-8 bytes of given text would silently turn a broken UTF-16 character into U+FFFD: refused like a NUL.
    const bad = text === undefined ? -1 : firstUnstorableIndex(text);
    if (bad >= 0) {
      throw new InvalidConfigurationError(
        notTextOnLine(text!.slice(0, bad).split(/\r\n|\n|\r/).length),
        'csv',
      );
    }
    return { file, name: settings.fileName ?? name ?? 'CSV file', head, limits };
  })();
  if (holder && settings.csv === undefined) {
    openedBySettings.set(holder, { key, opened });
    opened.catch(() => openedBySettings.delete(holder));
  }
  return opened;
}

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
