// A CSV connection's settings, and the file they name opened once per settings object (its head read).
import { type ConnectorContext, InvalidConfigurationError } from '@leadsync/connector-sdk';
import { firstUnstorableIndex } from '@leadsync/core';
import { z } from 'zod';
import { csvEncodings } from './encoding.ts';
import { readHead } from './head.ts';
import {
  type CsvFile,
  type CsvHead,
  type CsvLimits,
  csvDelimiters,
  DEFAULT_CSV_LIMITS,
  MAX_CSV_BYTES,
} from './parse.ts';
import { notTextOnLine } from './scan.ts';

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

export type CsvContext = ConnectorContext<CsvCredentials, CsvSettings>;

export function settingsOf(ctx: CsvContext): CsvSettings {
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

export interface Opened {
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

export function open(ctx: CsvContext): Promise<Opened> {
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
