import { hash } from 'node:crypto';
import { type FieldType, InvalidConfigurationError } from '@leadsync/connector-sdk';
import { firstUnstorableIndex } from '@leadsync/core';
import { CsvError, parse } from 'csv-parse/sync';

/** Larger files are refused with a clear error rather than held in memory (UTF-8 bytes). */
export const MAX_CSV_BYTES = 50 * 1024 * 1024;

export const csvDelimiters = [',', ';', '\t', '|'] as const;
export type CsvDelimiter = (typeof csvDelimiters)[number];

export interface CsvColumn {
  /** The trimmed header text: the source field key. */
  key: string;
  type: FieldType;
}

export type CsvRow =
  | { kind: 'record'; line: number; sourceId: string; fields: Record<string, string> }
  | { kind: 'rejected'; line: number; reason: string };

export interface ParsedCsv {
  columns: CsvColumn[];
  /** The column whose normalized value names the row's source id. */
  emailKey: string;
  delimiter: CsvDelimiter;
  /** Data rows in file order; blank rows are left out. A checkpoint `{ row }` indexes this array. */
  rows: CsvRow[];
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

function looksBinary(text: string): boolean {
  if (text.startsWith('PK\u0003\u0004')) return true; // a zip: .xlsx, .ods, .numbers
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
 * The source id of a row. With an email: `email:<sha1 of the trimmed, lower-cased email>`, so the id survives
 * edits to the row's other cells, re-ordered rows and rows removed elsewhere. Without one: `row:<sha1 of the
 * row's non-empty cells, by column key>`, which survives re-ordering and added empty columns but not an edit.
 * The n-th repeat of the same base id in the file gets `#n` (n ≥ 2): the rows stay distinct records, so the
 * engine can report the repeats as `file_duplicate` instead of losing them.
 */
function baseId(fields: Record<string, string>, emailKey: string): string {
  const email = (fields[emailKey] ?? '').trim().toLowerCase();
  if (email !== '') return `email:${sha1(email)}`;
  const filled = Object.entries(fields)
    .filter(([, value]) => value.trim() !== '')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `row:${sha1(JSON.stringify(filled))}`;
}

function* valuesOf(rows: readonly { kind: string; fields?: Record<string, string> }[], key: string) {
  for (const row of rows) if (row.fields) yield row.fields[key] ?? '';
}

/** A csv-parse error in words that quote nothing of the file. */
function csvProblem(error: CsvError): string {
  const line = (error as CsvError & { lines?: unknown }).lines;
  const where = typeof line === 'number' ? ` near line ${line}` : '';
  switch (error.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return `The file is not valid CSV: a quote opened${where} is never closed.`;
    case 'CSV_INVALID_CLOSING_QUOTE':
    case 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE':
      return `The file is not valid CSV: a closing quote is followed by other characters${where}.`;
    case 'CSV_MAX_RECORD_SIZE':
      return `The file is not valid CSV: a row is too large${where}.`;
    default:
      return `The file is not valid CSV${where ? `: the problem is${where}` : ''}.`;
  }
}

interface RawRecord {
  record: string[];
  line: number;
}

/** Parses and checks a whole CSV file; every problem with the file is an `InvalidConfigurationError`. */
export function parseCsv(text: string, delimiterSetting?: CsvDelimiter): ParsedCsv {
  if (text.length > MAX_CSV_BYTES || Buffer.byteLength(text, 'utf8') > MAX_CSV_BYTES) {
    throw invalid(`The file is larger than ${MAX_CSV_BYTES / 1024 / 1024} MB; split it into smaller files.`);
  }
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  if (body.trim() === '') throw invalid('The file is empty.');
  if (looksBinary(body)) {
    throw invalid(
      'The file is not CSV text (it looks like binary data, such as a spreadsheet); export it as CSV first.',
    );
  }
  // Anywhere in the file, not only in the sample looksBinary reads: the file is stored as the connection's settings
  // (jsonb), which can hold neither a NUL nor an unpaired surrogate. Only the line is named, never the text.
  const bad = firstUnstorableIndex(body);
  if (bad >= 0) {
    const line = body.slice(0, bad).split(/\r\n|\n|\r/).length;
    throw invalid(
      `The file holds a character that is not text (a NUL character or a broken UTF-16 character) on line ${line}; ` +
        'save it again as UTF-8 CSV.',
    );
  }
  const delimiter = delimiterSetting ?? detectDelimiter(body);
  let raw: RawRecord[];
  const lines: number[] = [];
  try {
    const records = parse(body, {
      delimiter,
      record_delimiter: ['\r\n', '\n', '\r'],
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
      // Cheaper than `info: true`, which copies the whole parser context for every record.
      on_record: (record, context) => {
        lines.push(context.lines);
        return record;
      },
    });
    raw = records.map((record, i) => ({ record, line: lines[i] ?? 0 }));
  } catch (error) {
    // csv-parse's own message quotes the file's text; only its kind and the line are told.
    if (error instanceof CsvError) throw invalid(csvProblem(error));
    throw error;
  }
  const [header, ...data] = raw;
  if (!header) throw invalid('The file is empty.');

  // Spreadsheet exports often end rows with empty cells: empty trailing headers over empty columns are dropped.
  let width = header.record.length;
  while (
    width > 1 &&
    header.record[width - 1]!.trim() === '' &&
    data.every((row) => (row.record[width - 1] ?? '').trim() === '')
  ) {
    width--;
  }
  const keys = header.record.slice(0, width).map((cell) => cell.trim());
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

  const rows: (
    | { kind: 'record'; line: number; fields: Record<string, string> }
    | { kind: 'rejected'; line: number; reason: string }
  )[] = [];
  for (const { record, line } of data) {
    if (record.every((cell) => cell.trim() === '')) continue; // a blank row (`,,,`) holds no one
    if (record.length > width && record.slice(width).some((cell) => cell.trim() !== '')) {
      rows.push({
        kind: 'rejected',
        line,
        reason: `The row on line ${line} has ${record.length} values but the header has ${width} columns.`,
      });
      continue;
    }
    const fields: Record<string, string> = {};
    keys.forEach((key, index) => {
      fields[key] = record[index] ?? '';
    });
    rows.push({ kind: 'record', line, fields });
  }

  const columns = keys.map((key) => ({
    key,
    type: guessType(key, valuesOf(rows, key)),
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

  const occurrences = new Map<string, number>();
  const withIds: CsvRow[] = rows.map((row) => {
    if (row.kind === 'rejected') return row;
    const base = baseId(row.fields, emailColumn.key);
    const n = (occurrences.get(base) ?? 0) + 1;
    occurrences.set(base, n);
    return { ...row, sourceId: n === 1 ? base : `${base}#${n}` };
  });
  return { columns, emailKey: emailColumn.key, delimiter, rows: withIds };
}
