// What the first megabytes of a CSV file tell: encoding, delimiter, header row, columns and their types, the email
// column. The rest of the file is read by parse.ts.
import type { FieldType } from '@leadsync/connector-sdk';
import { bomOf, type CsvEncoding, cellDecoder, detectEncoding, unitWidth } from './encoding.ts';
import {
  type CsvDelimiter,
  type CsvFile,
  type CsvHead,
  type CsvLimits,
  csvDelimiters,
  invalid,
  isBlank,
  records,
} from './parse.ts';
import type { RawRecord } from './tokenize.ts';

/** Encoding, delimiter, header row and column types are decided on this many first bytes. */
export const HEAD_BYTES = 2 * 1024 * 1024;
/** Data rows of the head whose values guess the column types and the email column. */
const SAMPLE_ROWS = 2_000;

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
