// Reading a CSV file's data rows from a position (records, rejections, source ids); head.ts reads its first megabytes.
import { hash } from 'node:crypto';
import { type FieldType, InvalidConfigurationError } from '@leadsync/connector-sdk';
import { type CsvEncoding, cellDecoder, littleEndian, unitWidth } from './encoding.ts';
import { BloomFilter, OccurrenceCounter } from './occurrences.ts';
import { type MalformedRecord, type RawRecord, tokenize } from './tokenize.ts';

/** Text given inline (`settings.csv`) larger than this is refused (UTF-8 bytes); upload the file instead. */
export const MAX_CSV_BYTES = 50 * 1024 * 1024;

export const csvDelimiters = [',', ';', '\t', '|'] as const;
export type CsvDelimiter = (typeof csvDelimiters)[number];

/** Limits on a file's shape; each a setting with a default, refused with a sentence when passed. */
export interface CsvLimits {
  maxRows: number;
  maxColumns: number;
  /** Bytes of one record (a quoted value may hold line breaks). */
  maxLineBytes: number;
}

export const DEFAULT_CSV_LIMITS: CsvLimits = {
  maxRows: 10_000_000,
  maxColumns: 1_000,
  maxLineBytes: 1024 * 1024,
};

export interface CsvColumn {
  /** The trimmed header text (or `column_<n>` without a header row): the source field key. */
  key: string;
  type: FieldType;
}

/** Where reading is: the byte offset of the next record, its line, and the data rows (blank ones left out) before it. */
export interface CsvPosition {
  offset: number;
  line: number;
  row: number;
}

type RowContent =
  | { kind: 'record'; line: number; sourceId: string; fields: Record<string, string> }
  | { kind: 'rejected'; line: number; reason: string };

export type CsvRow = RowContent & {
  /** The position after this row. */
  after: CsvPosition;
};

/** What the first megabytes tell: how to read the rest. */
export interface CsvHead {
  encoding: CsvEncoding;
  /** Whether the encoding, delimiter and header row were detected (true) or set (false). */
  detected: { encoding: boolean; delimiter: boolean; headerRow: boolean };
  delimiter: CsvDelimiter;
  headerRow: boolean;
  columns: CsvColumn[];
  /** The column whose normalized value names the row's source id. */
  emailKey: string;
  /** Where the data rows start. */
  data: CsvPosition;
  /** The first data rows' cells, for a preview. */
  sample: string[][];
  /** Data rows read to guess the column types, and the bytes they took: to estimate the rows of the file. */
  sampledRows: number;
  sampleBytes: number;
  /** Whether the sample is the whole file. */
  complete: boolean;
}

export interface CsvFile {
  size: number;
  /** The file's bytes from `start` on. */
  read(start: number): AsyncIterable<Uint8Array>;
}

export function invalid(message: string): InvalidConfigurationError {
  return new InvalidConfigurationError(message, 'csv');
}

const sha1 = (text: string) => hash('sha1', text, 'hex');

/**
 * The part of a source id that names the row: the first 96 bits of its SHA-1 in base64url, 16 characters (two
 * rows of a file of ten million share them with a chance of about 1 in 10^15). Shorter than the 40 hex characters
 * ids had before (migration 0023 of @leadsync/db rewrote those): the `source_records` primary key, into which a
 * run inserts each row's id at a random place, is a third smaller (48 instead of 72 bytes an entry), so more of it
 * stays in PostgreSQL's memory during a large import.
 */
export function idOfSha1(sha1Hex: string): string {
  return Buffer.from(sha1Hex.slice(0, 24), 'hex').toString('base64url');
}

/**
 * The base source id of a row, as hex SHA-1 with its prefix (the id shows it shortened, idOfSha1). With an email:
 * `email:<sha1 of the trimmed, lower-cased email>`, so the id survives edits to the row's other cells, re-ordered
 * rows and rows removed elsewhere. Without one: `row:<sha1 of the row's non-empty cells, by column key>`, which
 * survives re-ordering and added empty columns but not an edit.
 */
function baseId(fields: Record<string, string>, emailKey: string): { prefix: string; sha1: string } {
  const email = (fields[emailKey] ?? '').trim().toLowerCase();
  if (email !== '') return { prefix: 'email:', sha1: sha1(email) };
  const filled = Object.entries(fields)
    .filter(([, value]) => value.trim() !== '')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return { prefix: 'row:', sha1: sha1(JSON.stringify(filled)) };
}

interface Reading {
  encoding: CsvEncoding;
  delimiter: CsvDelimiter;
  limits: CsvLimits;
}

export function records(file: CsvFile, reading: Reading, from: { offset: number; line: number }) {
  const width = unitWidth(reading.encoding);
  // UTF-16 offsets stay even: every record starts after an even number of bytes.
  return tokenize(littleEndian(file.read(from.offset), reading.encoding), {
    delimiter: reading.delimiter.charCodeAt(0),
    width,
    decode: cellDecoder(reading.encoding),
    maxRecordBytes: reading.limits.maxLineBytes,
    offset: from.offset,
    line: from.line,
  });
}

export const isBlank = (cells: readonly string[]) => cells.every((cell) => cell.trim() === '');

type RowBase =
  | { kind: 'record'; line: number; fields: Record<string, string>; base: { prefix: string; sha1: string } }
  | { kind: 'rejected'; line: number; reason: string };

/** Why a record is rejected; `blank` for a blank row (`,,,`: it holds no one); undefined for a good one. */
function rejection(
  record: RawRecord | MalformedRecord,
  head: CsvHead,
): { kind: 'rejected'; line: number; reason: string } | 'blank' | undefined {
  if ('malformed' in record) {
    return {
      kind: 'rejected',
      line: record.line,
      reason: `The row on line ${record.line} is not valid CSV: ${record.malformed}.`,
    };
  }
  const { cells } = record;
  if (isBlank(cells)) return 'blank';
  const width = head.columns.length;
  if (cells.length > width && cells.slice(width).some((cell) => cell.trim() !== '')) {
    return {
      kind: 'rejected',
      line: record.line,
      reason: `The row on line ${record.line} has ${cells.length} values but the header has ${width} columns.`,
    };
  }
  return undefined;
}

function fieldsOf(cells: readonly string[], head: CsvHead): Record<string, string> {
  const fields: Record<string, string> = {};
  for (let i = 0; i < head.columns.length; i++) fields[head.columns[i]!.key] = cells[i] ?? '';
  return fields;
}

/** A record's fields and base id, or why it is rejected; undefined for a blank row. */
function rowBase(record: RawRecord | MalformedRecord, head: CsvHead): RowBase | undefined {
  const rejected = rejection(record, head);
  if (rejected === 'blank') return undefined;
  if (rejected || 'malformed' in record) return rejected;
  const fields = fieldsOf(record.cells, head);
  return { kind: 'record', line: record.line, fields, base: baseId(fields, head.emailKey) };
}

/** Numbers the occurrences of a base id in the file (1 for the first). */
export interface IdNumbering {
  next(sha1Hex: string): number;
}

function rowOf(
  record: RawRecord | MalformedRecord,
  head: CsvHead,
  numbering: IdNumbering,
): RowContent | undefined {
  const row = rowBase(record, head);
  if (row?.kind !== 'record') return row;
  const { base, fields, line } = row;
  const n = numbering.next(base.sha1);
  const id = `${base.prefix}${idOfSha1(base.sha1)}`;
  return { kind: 'record', line, sourceId: n === 1 ? id : `${id}#${n}`, fields };
}

/**
 * The base ids that may occur more than once in the file (every one that does, and about 1% of the others): one
 * pass over the data rows through a Bloom filter sized from the head's rows per byte (see occurrences.ts).
 */
export async function repeatCandidates(
  file: CsvFile,
  head: CsvHead,
  limits: CsvLimits,
): Promise<OccurrenceCounter> {
  const perByte = head.sampleBytes > 0 ? head.sampledRows / head.sampleBytes : 0;
  const expected = Math.min(
    limits.maxRows,
    Math.ceil(perByte * Math.max(0, file.size - head.data.offset)) + 1,
  );
  const seen = new BloomFilter(expected);
  const candidates = new OccurrenceCounter();
  const reading = { encoding: head.encoding, delimiter: head.delimiter, limits };
  const emailIndex = head.columns.findIndex((column) => column.key === head.emailKey);
  for await (const batch of records(file, reading, head.data)) {
    for (const record of batch) {
      if (rejection(record, head) !== undefined || 'malformed' in record) continue;
      // The base id as rowBase gives it, without the row's fields unless it has no email.
      const email = (record.cells[emailIndex] ?? '').trim().toLowerCase();
      const sha1Hex = email !== '' ? sha1(email) : baseId(fieldsOf(record.cells, head), head.emailKey).sha1;
      if (seen.add(sha1Hex)) candidates.next(sha1Hex);
    }
  }
  return candidates;
}

/**
 * The data rows from `from` on (a position of this file, or `head.data`), a few hundred at a time: the memory of
 * those rows and of the numbering. The n-th repeat of the same base id in the file gets `#n` (n ≥ 2), so repeated
 * rows stay distinct records the engine reports as `file_duplicate`; when starting past `head.data` the numbering
 * is first brought up to `from` by the rows before it (read again, not kept).
 */
export async function* csvRows(
  file: CsvFile,
  head: CsvHead,
  limits: CsvLimits,
  from: CsvPosition,
  numbering: IdNumbering,
): AsyncGenerator<CsvRow[]> {
  const reading = { encoding: head.encoding, delimiter: head.delimiter, limits };
  if (from.offset > head.data.offset) {
    prefix: for await (const batch of records(file, reading, head.data)) {
      for (const record of batch) {
        if (record.start >= from.offset) break prefix;
        rowOf(record, head, numbering);
      }
    }
  }
  let row = from.row;
  for await (const batch of records(file, reading, from)) {
    const rows: CsvRow[] = [];
    for (const record of batch) {
      const parsed = rowOf(record, head, numbering) as CsvRow | undefined;
      if (!parsed) continue;
      row++;
      if (row > limits.maxRows) {
        throw invalid(
          `The file has more than ${limits.maxRows} rows; split it, or raise the connection's row limit.`,
        );
      }
      parsed.after = { offset: record.next, line: record.nextLine, row };
      rows.push(parsed);
    }
    if (rows.length > 0) yield rows;
  }
}
