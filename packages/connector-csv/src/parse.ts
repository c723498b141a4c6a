import { hash } from 'node:crypto';
import { type FieldType, InvalidConfigurationError } from '@leadsync/connector-sdk';
import { bomOf, type CsvEncoding, cellDecoder, detectEncoding, littleEndian, unitWidth } from './encoding.ts';
import { BloomFilter, OccurrenceCounter } from './occurrences.ts';
import { type MalformedRecord, type RawRecord, tokenize } from './tokenize.ts';

/** Text given inline (`settings.csv`) larger than this is refused (UTF-8 bytes); upload the file instead. */
export const MAX_CSV_BYTES = 50 * 1024 * 1024;
/** Encoding, delimiter, header row and column types are decided on this many first bytes. */
export const HEAD_BYTES = 2 * 1024 * 1024;
/** Data rows of the head whose values guess the column types and the email column. */
const SAMPLE_ROWS = 2_000;

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

function invalid(message: string): InvalidConfigurationError {
  return new InvalidConfigurationError(message, 'csv');
}

const EMAIL_LIKE = /^[^\s@",;<>]+@[^\s@",;<>]+\.[^\s@",;<>]+$/;
/** Headers that name the email column outright, compared without case, spaces, dashes or underscores. */
const EMAIL_HEADERS = new Set([
  'email',
  'emailaddress',
  'mail',
  'emailid',
  'primaryemail',
  'workemail',
  'email1',
]);
const NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

const squash = (header: string) => header.toLowerCase().replace(/[\s_-]+/g, '');

function looksBinary(bytes: Uint8Array, text: string): boolean {
  if (bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 3 && bytes[3] === 4) return true; // a zip: .xlsx, .ods
  const sample = text.slice(0, 65_536);
  if (sample.includes('\u0000')) return true;
  let odd = 0;
  for (const char of sample) {
    const code = char.charCodeAt(0);
    if (code < 32 && code !== 9 && code !== 10 && code !== 13) odd++;
  }
  return odd > sample.length / 100;
}

/** The delimiter of the header line: the most frequent of `,` `;` tab `|` outside quotes (comma on a tie). */
export function detectDelimiter(text: string): CsvDelimiter {
  const counts = new Map<CsvDelimiter, number>(csvDelimiters.map((d) => [d, 0]));
  let quoted = false;
  for (const char of text.slice(0, 65_536)) {
    if (char === '"') quoted = !quoted;
    else if (!quoted && (char === '\n' || char === '\r')) break;
    else if (!quoted && counts.has(char as CsvDelimiter)) {
      counts.set(char as CsvDelimiter, (counts.get(char as CsvDelimiter) ?? 0) + 1);
    }
  }
  let best: CsvDelimiter = ',';
  for (const [delimiter, count] of counts) if (count > (counts.get(best) ?? 0)) best = delimiter;
  return best;
}

/** Conservative: a type other than `string` only when every non-empty value fits it. */
function guessType(key: string, values: Iterable<string>): FieldType {
  if (EMAIL_HEADERS.has(squash(key))) return 'email';
  let filled = 0;
  let emails = 0;
  let numbers = true;
  let dates = true;
  let booleans = true;
  for (const raw of values) {
    const value = raw.trim();
    if (value === '') continue;
    filled++;
    if (EMAIL_LIKE.test(value)) emails++;
    if (numbers && !NUMBER.test(value)) numbers = false;
    if (dates && !(ISO_DATE.test(value) && !Number.isNaN(Date.parse(value)))) dates = false;
    if (booleans && !/^(true|false)$/i.test(value)) booleans = false;
  }
  if (filled === 0) return 'string';
  if (emails >= filled * 0.8) return 'email';
  if (numbers) return 'number';
  if (dates) return 'date';
  if (booleans) return 'boolean';
  return 'string';
}

const sha1 = (text: string) => hash('sha1', text, 'hex');

/**
 * The base source id of a row, as hex SHA-1 with its prefix. With an email: `email:<sha1 of the trimmed,
 * lower-cased email>`, so the id survives edits to the row's other cells, re-ordered rows and rows removed
 * elsewhere. Without one: `row:<sha1 of the row's non-empty cells, by column key>`, which survives re-ordering and
 * added empty columns but not an edit.
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

function records(file: CsvFile, reading: Reading, from: { offset: number; line: number }) {
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

async function readHeadBytes(file: CsvFile): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  let length = 0;
  for await (const chunk of file.read(0)) {
    parts.push(chunk);
    length += chunk.length;
    if (length >= HEAD_BYTES) break;
  }
  return Buffer.concat(parts).subarray(0, HEAD_BYTES);
}

const isBlank = (cells: readonly string[]) => cells.every((cell) => cell.trim() === '');

/**
 * Reads the first megabytes: encoding (BOM, UTF-16 zero bytes, valid UTF-8, else Windows-1252), delimiter (the
 * header line's most frequent), header row (none when the first row holds an email address), columns and their
 * types, the email column. Every problem that makes the file unusable is an `InvalidConfigurationError`.
 */
export async function readHead(
  file: CsvFile,
  given: { encoding?: CsvEncoding; delimiter?: CsvDelimiter; headerRow?: boolean },
  limits: CsvLimits,
): Promise<CsvHead> {
  const head = await readHeadBytes(file);
  const encoding = given.encoding ?? detectEncoding(head);
  const bom = bomOf(head);
  const bomLength = bom?.encoding === encoding ? bom.length : 0;
  const body =
    encoding === 'utf-16be'
      ? Buffer.from(head.subarray(bomLength, head.length & ~1)).swap16()
      : head.subarray(bomLength);
  const text = cellDecoder(encoding)(body, 0, body.length - (body.length % unitWidth(encoding)));
  if (text.trim() === '') throw invalid('The file is empty.');
  if (looksBinary(body, text)) {
    throw invalid(
      'The file is not CSV text (it looks like binary data, such as a spreadsheet); export it as CSV first.',
    );
  }
  const delimiter = given.delimiter ?? detectDelimiter(text);
  const reading = { encoding, delimiter, limits };
  const complete = head.length >= file.size;
  const rows: RawRecord[] = [];
  let headerRecord: RawRecord | undefined;
  let sampleEnd = bomLength;
  sampling: for await (const batch of records(file, reading, { offset: bomLength, line: 1 })) {
    for (const record of batch) {
      if (record.next > head.length && !complete) break sampling; // the head ends inside it
      if ('malformed' in record) {
        if (!headerRecord) throw invalid(`The header row is not valid CSV: ${record.malformed}.`);
        continue;
      }
      if (!headerRecord) headerRecord = record;
      else if (!isBlank(record.cells)) rows.push(record);
      sampleEnd = record.next;
      if (rows.length >= SAMPLE_ROWS) break sampling;
    }
  }
  if (!headerRecord) throw invalid('The file is empty.');
  const headerRow = given.headerRow ?? !headerRecord.cells.some((cell) => EMAIL_LIKE.test(cell.trim()));
  const data = headerRow ? rows : [headerRecord, ...rows];
  const first = headerRecord.cells;

  // Spreadsheet exports often end rows with empty cells: empty trailing headers over empty columns are dropped.
  let width = first.length;
  if (headerRow) {
    while (
      width > 1 &&
      first[width - 1]!.trim() === '' &&
      data.every((row) => (row.cells[width - 1] ?? '').trim() === '')
    ) {
      width--;
    }
  }
  if (width > limits.maxColumns) {
    throw invalid(`The file has ${width} columns; at most ${limits.maxColumns} are accepted.`);
  }
  const keys = headerRow
    ? first.slice(0, width).map((cell) => cell.trim())
    : first.map((_, index) => `column_${index + 1}`);
  const seen = new Map<string, number>();
  keys.forEach((key, index) => {
    if (key === '')
      throw invalid(`Column ${index + 1} of the header row has no name; every column needs one.`);
    const other = seen.get(key.toLowerCase());
    if (other !== undefined) {
      throw invalid(
        `The header names two columns "${keys[other]}" (columns ${other + 1} and ${index + 1}); column names must be unique.`,
      );
    }
    seen.set(key.toLowerCase(), index);
  });

  const columns = keys.map((key, index) => ({
    key,
    type: guessType(
      key,
      data.map((row) => row.cells[index] ?? ''),
    ),
  }));
  const emailColumn =
    columns.find((column) => EMAIL_HEADERS.has(squash(column.key))) ??
    columns.find((c) => c.type === 'email');
  if (!emailColumn) {
    throw invalid(
      keys.length === 1
        ? 'The file has a single column and no email addresses: it does not look like a CSV file of contacts.'
        : `No column holds email addresses (columns: ${keys.join(', ')}); name the email column "email".`,
    );
  }
  const start = headerRow
    ? { offset: headerRecord.next, line: headerRecord.nextLine, row: 0 }
    : { offset: bomLength, line: 1, row: 0 };
  return {
    encoding,
    detected: {
      encoding: given.encoding === undefined,
      delimiter: given.delimiter === undefined,
      headerRow: given.headerRow === undefined,
    },
    delimiter,
    headerRow,
    columns,
    emailKey: emailColumn.key,
    data: start,
    sample: data.slice(0, 20).map((row) => keys.map((_, i) => row.cells[i] ?? '')),
    sampledRows: data.length,
    sampleBytes: Math.max(0, sampleEnd - start.offset),
    complete: complete && rows.length < SAMPLE_ROWS,
  };
}

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
  const id = `${base.prefix}${base.sha1}`;
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

/** The sentence for a file holding text PostgreSQL cannot store; names the line, never the text. */
export function notTextOnLine(line: number): string {
  return (
    `The file holds a character that is not text (a NUL character or a broken UTF-16 character) on line ${line}; ` +
    'save it again as UTF-8 CSV.'
  );
}

/**
 * One pass over the whole file, chunk by chunk: its lines (to estimate rows), and the line of the first character
 * that is not text (a NUL; in UTF-16, an unpaired surrogate), if any.
 */
export async function scanFile(
  file: CsvFile,
  head: CsvHead,
): Promise<{ lines: number; notTextLine?: number }> {
  const width = unitWidth(head.encoding);
  let lf = 0;
  let cr = 0;
  let notTextLine: number | undefined;
  let last = 0;
  let offset = 0;
  let highSurrogate = false;
  const lineAt = (bytes: Buffer, end: number) => {
    let before = 0;
    let crs = 0;
    for (let i = 0; i < end; i += width) {
      if (width === 2 && bytes[i + 1] !== 0) continue;
      if (bytes[i] === 10) before++;
      else if (bytes[i] === 13) crs++;
    }
    return Math.max(lf + before, cr + crs) + 1;
  };
  for await (const chunk of littleEndian(file.read(0), head.encoding)) {
    const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    if (notTextLine === undefined) {
      if (width === 1) {
        const nul = bytes.indexOf(0);
        if (nul >= 0) notTextLine = lineAt(bytes, nul);
      } else {
        // (low, high) pairs from an even offset of the file: the chunks of a UTF-16 file start at even offsets
        for (let i = offset % 2; i + 1 < bytes.length; i += 2) {
          const unit = bytes[i]! | (bytes[i + 1]! << 8);
          const low = unit >= 0xdc00 && unit <= 0xdfff;
          if (unit === 0 || (low && !highSurrogate) || (highSurrogate && !low)) {
            notTextLine = lineAt(bytes, i);
            break;
          }
          highSurrogate = unit >= 0xd800 && unit <= 0xdbff;
        }
      }
    }
    for (let i = bytes.indexOf(10); i >= 0; i = bytes.indexOf(10, i + 1)) {
      if (width === 1 || ((offset + i) % 2 === 0 && bytes[i + 1] === 0)) lf++;
    }
    for (let i = bytes.indexOf(13); i >= 0; i = bytes.indexOf(13, i + 1)) {
      if (width === 1 || ((offset + i) % 2 === 0 && bytes[i + 1] === 0)) cr++;
    }
    if (bytes.length >= width) last = bytes[bytes.length - width]!;
    offset += bytes.length;
  }
  if (notTextLine === undefined && highSurrogate) notTextLine = Math.max(lf, cr) + 1;
  const lines = Math.max(lf, cr) + (offset > 0 && last !== 10 && last !== 13 ? 1 : 0);
  return { lines, notTextLine };
}
