import { type ConnectorError, InvalidConfigurationError, type SourceRecord } from '@leadsync/connector-sdk';
import { describeConnectorContract, testContext } from '@leadsync/connector-sdk/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvConnector } from './connector.ts';
import { MAX_CSV_BYTES } from './parse.ts';
import type { CsvSettings } from './settings.ts';

// ---- small factories -------------------------------------------------------------------------------------------

const ctxOf = (csv: string, extra: Partial<CsvSettings> = {}) => testContext({}, { csv, ...extra });

/** One RFC 4180 line: a cell is quoted when it must be (or always), quotes doubled. */
function csvLine(cells: readonly string[], { delimiter = ',', quoteAll = false } = {}): string {
  return cells
    .map((cell) =>
      quoteAll || cell.includes(delimiter) || /["\r\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell,
    )
    .join(delimiter);
}

function csvFile(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  { eol = '\n', bom = false, delimiter = ',', quoteAll = false } = {},
): string {
  const lines = [header, ...rows].map((cells) => csvLine(cells, { delimiter, quoteAll }));
  return `${bom ? '\uFEFF' : ''}${lines.join(eol)}${eol}`;
}

const person = (i: number) => [`person${i}@example.com`, `First${i}`, `Last${i}`];
const people = (n: number, from = 0) => Array.from({ length: n }, (_, i) => person(from + i));
const HEADER = ['email', 'first_name', 'last_name'];

async function readAll(csv: string | ReturnType<typeof ctxOf>, request: Record<string, unknown> = {}) {
  const ctx = typeof csv === 'string' ? ctxOf(csv) : csv;
  const pages = [];
  for await (const page of csvConnector.read(ctx, { organizationId: 'file', ...request })) pages.push(page);
  return { pages, records: pages.flatMap((p) => p.records) };
}

const idsOf = (records: SourceRecord[]) => records.map((r) => r.sourceId);

async function failure(run: () => Promise<unknown>): Promise<ConnectorError> {
  const error = await run().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InvalidConfigurationError);
  return error as ConnectorError;
}

const checkFails = (csv: string) => failure(() => csvConnector.check(ctxOf(csv)));

// ---- parsing ---------------------------------------------------------------------------------------------------

describe('CSV parsing', () => {
  it('reads quoted fields with embedded commas, doubled quotes and line breaks', async () => {
    const csv =
      'email,name,note\n' +
      'a@example.com,"Smith, John","He said ""hi"""\n' +
      'b@example.com,"Multi\nline","CRLF\r\ninside"\n';
    const { records } = await readAll(csv);
    expect(records.map((r) => r.fields)).toEqual([
      { email: 'a@example.com', name: 'Smith, John', note: 'He said "hi"' },
      { email: 'b@example.com', name: 'Multi\nline', note: 'CRLF\r\ninside' },
    ]);
  });

  it('drops a byte order mark so the first header is a clean key', async () => {
    const csv = csvFile(HEADER, people(2), { bom: true });
    const fields = await csvConnector.fields(ctxOf(csv));
    expect(fields.map((f) => f.key)).toEqual(HEADER);
    const { records } = await readAll(csv);
    expect(records[0]?.fields.email).toBe('person0@example.com');
  });

  it('reads CRLF files and skips blank lines and rows of empty cells', async () => {
    const csv = 'email,name\r\n\r\na@example.com,A\r\n,\r\n   ,  \r\n\r\nb@example.com,B\r\n\r\n';
    const { records } = await readAll(csv);
    expect(records.map((r) => r.fields)).toEqual([
      { email: 'a@example.com', name: 'A' },
      { email: 'b@example.com', name: 'B' },
    ]);
  });

  it('reads a file whose last line has no line break, and old Mac CR-only line ends', async () => {
    expect((await readAll('email,name\na@example.com,A')).records).toHaveLength(1);
    expect((await readAll('email,name\ra@example.com,A\rb@example.com,B')).records).toHaveLength(2);
  });

  it('keeps unicode text as it is', async () => {
    const names = ['Zoë Ångström', '山田 太郎', 'Ёлка 🎄', 'e\u0301clair'];
    const csv = csvFile(
      ['email', 'name'],
      names.map((name, i) => [`u${i}@exämple.com`, name]),
    );
    const { records } = await readAll(csv);
    expect(records.map((r) => r.fields.name)).toEqual(names);
    expect(records[0]?.fields.email).toBe('u0@exämple.com');
  });

  it('detects a semicolon or tab delimited export from its header line', async () => {
    for (const delimiter of [';', '\t']) {
      const csv = csvFile(['email', 'name'], [['a@example.com', 'Doe, Jane']], { delimiter });
      const { records } = await readAll(csv);
      expect(records[0]?.fields).toEqual({ email: 'a@example.com', name: 'Doe, Jane' });
    }
  });

  it('uses the delimiter from settings over the detected one', async () => {
    const csv = 'email;name,x\na@example.com;B,C\n';
    const { records } = await readAll(ctxOf(csv, { delimiter: ';' }));
    expect(records[0]?.fields).toEqual({ email: 'a@example.com', 'name,x': 'B,C' });
  });

  it('trims header keys and labels the fields with the header text', async () => {
    const csv = csvFile(['  Email ', ' First name'], [['a@example.com', 'A']]);
    const fields = await csvConnector.fields(ctxOf(csv));
    expect(fields.map((f) => [f.key, f.label])).toEqual([
      ['Email', 'Email'],
      ['First name', 'First name'],
    ]);
    expect((await readAll(csv)).records[0]?.fields).toEqual({ Email: 'a@example.com', 'First name': 'A' });
  });

  it('guesses field types conservatively', async () => {
    const csv = csvFile(
      ['E-Mail Address', 'backup', 'age', 'zip', 'joined', 'vip', 'newsletter', 'when', 'empty'],
      [
        ['a@example.com', 'x@example.org', '42', '01234', '2026-01-05', 'true', 'yes', '05/01/2026', ''],
        [
          'not an email',
          'y@example.org',
          '-3.5',
          '10115',
          '2026-02-01T10:00:00Z',
          'FALSE',
          'no',
          '2026-01-05',
          '',
        ],
        ['', '', '', '', '', '', '', '', ''],
      ],
    );
    const fields = await csvConnector.fields(ctxOf(csv));
    expect(Object.fromEntries(fields.map((f) => [f.key, f.type]))).toEqual({
      'E-Mail Address': 'email',
      backup: 'email',
      age: 'number',
      zip: 'string', // a leading zero is an identifier, not a number
      joined: 'date',
      vip: 'boolean',
      newsletter: 'string',
      when: 'string', // 05/01/2026 is May or January depending on who wrote it
      empty: 'string',
    });
    expect(fields.every((f) => f.availability === 'list' && !f.custom)).toBe(true);
  });

  it('does not take an opt-in column named after email for the email column', async () => {
    const csv = csvFile(['Email opt-in', 'Contact'], [['yes', 'a@example.com']]);
    const fields = await csvConnector.fields(ctxOf(csv));
    expect(fields.map((f) => f.type)).toEqual(['string', 'email']);
  });

  it('pads short rows and reports rows with extra values as rejected, with their line', async () => {
    const csv = 'email,first,last\na@example.com,A\nb@example.com,B,B,surplus\nc@example.com,C,C,,\n';
    const { pages, records } = await readAll(csv);
    expect(records.map((r) => r.fields)).toEqual([
      { email: 'a@example.com', first: 'A', last: '' },
      { email: 'c@example.com', first: 'C', last: 'C' },
    ]);
    expect(pages[0]?.rejected).toEqual([
      { sourceId: 'line:3', reason: 'The row on line 3 has 4 values but the header has 3 columns.' },
    ]);
  });

  it('accepts a file with a header and no rows, which yields no pages', async () => {
    const csv = 'email,name\r\n';
    await expect(csvConnector.check(ctxOf(csv))).resolves.toEqual({ accountName: 'CSV file' });
    expect((await readAll(csv)).pages).toEqual([]);
  });

  it('tolerates empty trailing header cells over empty columns, as spreadsheets export them', async () => {
    const csv = 'email,name,,\na@example.com,A,,\n';
    expect((await csvConnector.fields(ctxOf(csv))).map((f) => f.key)).toEqual(['email', 'name']);
  });
});

// ---- refusing what is not a usable CSV file --------------------------------------------------------------------

describe('CSV files that are refused', () => {
  it('refuses duplicate headers, also when only the case or the spaces differ', async () => {
    expect((await checkFails('email,name,name\na@example.com,A,B\n')).message).toMatch(
      /two columns "name" \(columns 2 and 3\)/,
    );
    expect((await checkFails('Email, email \na@example.com,b@example.com\n')).message).toMatch(
      /two columns "Email"/,
    );
  });

  it('refuses a header cell with no name', async () => {
    expect((await checkFails('email,,name\na@example.com,x,A\n')).message).toMatch(/Column 2 .* has no name/);
  });

  it('refuses binary data and spreadsheets that were not exported as CSV', async () => {
    const binary = String.fromCharCode(...Array.from({ length: 400 }, (_, i) => (i * 7) % 256));
    expect((await checkFails(binary)).message).toMatch(/not CSV text/);
    expect((await checkFails('PK\u0003\u0004\u0014\u0000\u0006\u0000[Content_Types].xml')).message).toMatch(
      /spreadsheet/,
    );
  });

  it('refuses a NUL character or a broken UTF-16 character anywhere in the file, naming the line and nothing of the text', async () => {
    const rows = Array.from({ length: 5_000 }, (_, i) => `person${i}@example.com,Person ${i}`);
    const late = `email,name\n${rows.join('\n')}\nsecret@example.com,Sec\u0000ret\n`;
    expect(late.indexOf('\u0000')).toBeGreaterThan(65_536);
    const error = await checkFails(late);
    expect(error.message).toMatch(/not text .* on line 5002/);
    expect(error.message).not.toContain('secret');
    expect(error.message).not.toContain('Sec');
    const surrogate = await checkFails('email,name\na@example.com,Br\udc00oken\n');
    expect(surrogate.message).toMatch(/broken UTF-16 character\) on line 2/);
    expect(surrogate.message).not.toContain('Br');
  });

  it('refuses a single column of junk, and a table without any email column', async () => {
    expect((await checkFails('Lorem ipsum dolor\nsit amet\nconsectetur\n')).message).toMatch(/single column/);
    expect((await checkFails('name,city\nAda,London\n')).message).toMatch(/No column holds email addresses/);
  });

  it('refuses an empty file', async () => {
    expect((await checkFails('')).message).toBe('The file is empty.');
    expect((await checkFails('\uFEFF \n\n')).message).toBe('The file is empty.');
  });

  it('rejects a row whose quote is never closed, naming its line, and reads the rows after it', async () => {
    const csv = 'email,name\na@example.com,"unterminated\nb@example.com,B\n';
    const { pages, records } = await readAll(csv);
    expect(records.map((r) => r.fields.email)).toEqual(['b@example.com']);
    expect(pages[0]?.rejected).toEqual([
      { sourceId: 'line:2', reason: 'The row on line 2 is not valid CSV: a quote is never closed.' },
    ]);
    expect(pages[0]?.rejected?.[0]?.reason).not.toContain('unterminated');
  });

  it('refuses a file over the size limit before parsing it', async () => {
    const big = `email\n${'a'.repeat(MAX_CSV_BYTES)}`;
    expect((await checkFails(big)).message).toMatch(/larger than 50 MB/);
  });

  it('fails read, fields and listIds alike, with the same typed error', async () => {
    const ctx = ctxOf('name\nAda\n');
    await failure(() => readAll(ctx));
    await failure(() => csvConnector.fields(ctx));
    await failure(async () => {
      for await (const _ of csvConnector.listIds!(ctx, { organizationId: 'file' })) break;
    });
  });

  it('refuses settings without the file text, and an organization other than "file"', async () => {
    await failure(() => csvConnector.check(testContext({}, {} as CsvSettings)));
    await failure(() => readAll(csvFile(HEADER, people(1)), { organizationId: 'org-2' }));
  });
});

// ---- source ids ------------------------------------------------------------------------------------------------

describe('CSV source ids', () => {
  it('are the same on every read of the same file', async () => {
    const csv = csvFile(HEADER, people(20));
    expect(idsOf((await readAll(csv)).records)).toEqual(idsOf((await readAll(csv)).records));
  });

  it('stay with their rows when a row is removed from the middle, rows are re-ordered or edited', async () => {
    const rows = people(10);
    const before = idsOf((await readAll(csvFile(HEADER, rows))).records);
    const without5 = idsOf((await readAll(csvFile(HEADER, rows.toSpliced(5, 1)))).records);
    expect(without5).toEqual(before.toSpliced(5, 1));
    const reversed = idsOf((await readAll(csvFile(HEADER, rows.toReversed()))).records);
    expect(reversed).toEqual(before.toReversed());
    const edited = rows.map((r, i) => (i === 3 ? [r[0]!, 'Renamed', r[2]!] : r));
    expect(idsOf((await readAll(csvFile(HEADER, edited))).records)).toEqual(before);
  });

  it('come from the trimmed, lower-cased email, so a case or spacing change keeps the id', async () => {
    const a = await readAll(csvFile(HEADER, [['Ada@Example.com', 'A', 'L']]));
    const b = await readAll(csvFile(HEADER, [['  ada@example.COM\t', 'A', 'L']]));
    // The first 96 bits of SHA-1("ada@example.com") = 3ca93ad87e0bb737e653b66a…, in base64url; db migration 0023
    // turned `email:3ca93ad87e0bb737e653b66ad67731e86bbc050f` (the id before) into this very id.
    expect(a.records[0]?.sourceId).toBe('email:PKk62H4LtzfmU7Zq');
    expect(b.records[0]?.sourceId).toBe(a.records[0]?.sourceId);
  });

  it('keep repeated emails as distinct records, so the engine can report them as file duplicates', async () => {
    const csv = csvFile(HEADER, [person(1), ['PERSON1@example.com', 'Again', 'X'], person(2), person(1)]);
    const ids = idsOf((await readAll(csv)).records);
    const first = ids[0]!;
    expect(ids).toEqual([first, `${first}#2`, ids[2], `${first}#3`]);
    expect(new Set(ids).size).toBe(4);
  });

  it('come from the row content when there is no email, distinct for identical rows', async () => {
    const csv = csvFile(HEADER, [
      ['', 'No', 'Email'],
      ['', 'No', 'Email'],
      ['', 'Other', 'Person'],
    ]);
    const ids = idsOf((await readAll(csv)).records);
    expect(ids[0]).toMatch(/^row:[\w-]{16}$/);
    expect(ids[1]).toBe(`${ids[0]}#2`);
    expect(ids[2]).not.toBe(ids[0]);
    // An added empty column or re-ordered columns do not change a content id.
    const widened = csvFile(
      ['last_name', 'first_name', 'email', 'note'],
      [
        ['Email', 'No', '', ''],
        ['Email', 'No', '', ''],
        ['Person', 'Other', '', ''],
      ],
    );
    expect(idsOf((await readAll(widened)).records)).toEqual(ids);
  });

  it('are all listed by listIds, in chunks', async () => {
    const ctx = ctxOf(csvFile(HEADER, people(2_345)));
    const chunks: string[][] = [];
    for await (const chunk of csvConnector.listIds!(ctx, { organizationId: 'file' })) chunks.push(chunk);
    expect(chunks.map((c) => c.length)).toEqual([1000, 1000, 345]);
    expect(chunks.flat()).toEqual(idsOf((await readAll(ctx)).records));
  });
});

// ---- pages and checkpoints -------------------------------------------------------------------------------------

describe('CSV pages', () => {
  it('come in pages of 500 rows by default, each with a { offset, line, row } checkpoint', async () => {
    const csv = csvFile(HEADER, people(1_201));
    const { pages } = await readAll(csv);
    expect(pages.map((p) => p.records.length)).toEqual([500, 500, 201]);
    const lineStart = (line: number) =>
      Buffer.byteLength(
        csv
          .split('\n')
          .slice(0, line - 1)
          .join('\n'),
      ) + 1;
    expect(pages.map((p) => p.checkpoint)).toEqual([
      { offset: lineStart(502), line: 502, row: 500 },
      { offset: lineStart(1002), line: 1002, row: 1000 },
      { offset: Buffer.byteLength(csv), line: 1203, row: 1201 },
    ]);
  });

  it('resume after the checkpoint of a page with exactly the rows that follow it', async () => {
    const ctx = ctxOf(csvFile(HEADER, people(10)));
    const full = await readAll(ctx, { pageSize: 3 });
    const resumed = await readAll(ctx, { pageSize: 3, checkpoint: full.pages[1]!.checkpoint });
    expect(resumed.records).toEqual(full.records.slice(6));
    expect((await readAll(ctx, { checkpoint: full.pages.at(-1)!.checkpoint })).pages).toEqual([]);
  });

  it('resume from the earlier { row } checkpoints too', async () => {
    const ctx = ctxOf(csvFile(HEADER, people(10)));
    const full = await readAll(ctx);
    expect((await readAll(ctx, { checkpoint: { row: 4 } })).records).toEqual(full.records.slice(4));
  });

  it('refuse a checkpoint that is not theirs', async () => {
    await failure(() => readAll(csvFile(HEADER, people(3)), { checkpoint: { offset: 2 } }));
    await failure(() => readAll(csvFile(HEADER, people(3)), { checkpoint: { offset: 2, line: 1, row: 0 } }));
  });

  it('are estimated as the file rows, with no requests', async () => {
    const estimate = await csvConnector.estimateCost!(ctxOf(csvFile(HEADER, people(42))), {
      organizationId: 'file',
    });
    expect(estimate).toMatchObject({ records: 42, requests: 0 });
  });

  it('ignore since, because every run sees the whole file', async () => {
    const { records } = await readAll(csvFile(HEADER, people(4)), { since: new Date('2999-01-01') });
    expect(records).toHaveLength(4);
  });

  it('describe the file as one source organization, named after the file when known', async () => {
    const csv = csvFile(HEADER, people(1));
    expect(await csvConnector.listOrganizations(ctxOf(csv))).toEqual([{ id: 'file', name: 'CSV file' }]);
    expect(await csvConnector.listOrganizations(ctxOf(csv, { fileName: 'fair.csv' }))).toEqual([
      { id: 'file', name: 'fair.csv' },
    ]);
    expect(await csvConnector.check(ctxOf(csv, { fileName: 'fair.csv' }))).toEqual({
      accountName: 'fair.csv',
    });
  });
});

// ---- fuzz: whatever a cell holds, a properly quoted file gives it back ------------------------------------------

const cellUnit = fc.oneof(
  fc.constantFrom(',', ';', '\t', '|', '"', '\n', '\r', '\r\n', ' ', '@', '.'),
  fc.constantFrom('a', 'Z', '0', 'é', 'ß', '中', '😀', '\u0301', '\u00a0', '\u2028'),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }),
);
// Control characters other than tab and line breaks mark binary data; such a file is refused (tested above).
const binaryChar = (c: string) => {
  const code = c.charCodeAt(0);
  return code < 32 && c !== '\t' && c !== '\n' && c !== '\r';
};
const cell = fc.string({ unit: cellUnit, maxLength: 12 }).filter((s) => ![...s].some(binaryChar));

describe('CSV round trip (fast-check)', () => {
  it('reads back every cell of a properly quoted file, whatever it holds', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 4 }).chain((extra) =>
          fc.record({
            rows: fc.array(
              fc.tuple(
                cell.filter((s) => s.trim() !== ''),
                fc.array(cell, { minLength: extra, maxLength: extra }),
              ),
              { minLength: 1, maxLength: 15 },
            ),
            columns: fc.constant(extra),
          }),
        ),
        fc.constantFrom(',', ';', '\t'),
        fc.constantFrom('\n', '\r\n'),
        fc.boolean(),
        fc.boolean(),
        async ({ rows, columns }, delimiter, eol, bom, quoteAll) => {
          const header = ['email', ...Array.from({ length: columns }, (_, i) => `col${i}`)];
          const data = rows.map(([email, rest]) => [email, ...rest]);
          const { records } = await readAll(csvFile(header, data, { delimiter, eol, bom, quoteAll }), {
            pageSize: 4,
          });
          expect(records.map((r) => header.map((key) => r.fields[key]))).toEqual(data);
          expect(new Set(idsOf(records)).size).toBe(records.length);
        },
      ),
      { numRuns: 300 },
    );
  });
});

// ---- the SDK's shared contract ---------------------------------------------------------------------------------

function contractFile(): { csv: string; count: number } {
  const rows = [
    ...people(40),
    person(3), // a repeated email
    ['', 'No', 'Email'],
    ['', 'No', 'Email'],
    ['"quoted"@example.com', 'Line\nbreak', 'Comma, inside'],
    ...people(13, 100),
  ];
  return { csv: csvFile(HEADER, rows, { eol: '\r\n', bom: true }), count: rows.length };
}

describeConnectorContract({
  connector: csvConnector,
  makeContext: () => {
    const { csv, count } = contractFile();
    return { ctx: ctxOf(csv), organizationId: 'file', expectedRecordCount: count };
  },
  pageSize: 7,
  badContexts: [
    {
      name: 'a file that is not CSV',
      make: () => ({ ctx: ctxOf('\u0000\u0001\u0002PNG'), organizationId: 'file' }),
    },
    {
      name: 'a single column of junk',
      make: () => ({ ctx: ctxOf('hello\nworld\n'), organizationId: 'file' }),
    },
    {
      name: 'duplicate headers',
      make: () => ({ ctx: ctxOf('email,email\na@example.com,b@example.com\n'), organizationId: 'file' }),
    },
    {
      name: 'settings without the file',
      make: () => ({ ctx: testContext({}, {} as CsvSettings), organizationId: 'file' }),
    },
  ],
});
