import { InvalidConfigurationError, type RecordPage } from '@leadsync/connector-sdk';
import { memoryFiles, testContext } from '@leadsync/connector-sdk/testing';
import { describe, expect, it } from 'vitest';
import { csvConnector } from './connector.ts';
import { WINDOWS_1252_HIGH } from './encoding.ts';
import { HEAD_BYTES } from './head.ts';
import type { CsvSettings } from './settings.ts';

// Files uploaded as bytes and read through the `files` context, in small chunks so that cells, quotes and
// CRLF pairs fall across chunk boundaries.

function uploaded(content: Uint8Array | string, settings: Partial<CsvSettings> = {}, chunkBytes = 7) {
  const files = memoryFiles({ chunkBytes });
  const fileId = files.add('people.csv', content);
  return { files, ctx: testContext({}, { fileId, ...settings } as CsvSettings, { files }) };
}

async function readAll(ctx: ReturnType<typeof uploaded>['ctx'], request: Record<string, unknown> = {}) {
  const pages: RecordPage[] = [];
  for await (const page of csvConnector.read(ctx, { organizationId: 'file', ...request })) pages.push(page);
  return {
    pages,
    records: pages.flatMap((p) => p.records),
    rejected: pages.flatMap((p) => p.rejected ?? []),
  };
}

const TEXT =
  'email;name;city\r\njose@example.com;José Müller;Zürich\r\n"ana@example.com";"Ana ""€"" Ñ";São Paulo\r\n';
const EXPECTED = [
  { email: 'jose@example.com', name: 'José Müller', city: 'Zürich' },
  { email: 'ana@example.com', name: 'Ana "€" Ñ', city: 'São Paulo' },
];

function utf16be(text: string): Buffer {
  const bytes = Buffer.from(text, 'utf16le');
  bytes.swap16();
  return bytes;
}

function windows1252(text: string): Buffer {
  const table = new Map<string, number>();
  for (let byte = 0; byte < 256; byte++) table.set(String.fromCharCode(byte), byte);
  for (let byte = 0x80; byte < 0xa0; byte++) table.set(WINDOWS_1252_HIGH[byte - 0x80]!, byte);
  return Buffer.from([...text].map((char) => table.get(char) ?? 0x3f));
}

describe('CSV encodings', () => {
  const cases: { name: string; bytes: Buffer; encoding: string }[] = [
    { name: 'UTF-8', bytes: Buffer.from(TEXT, 'utf8'), encoding: 'utf-8' },
    { name: 'UTF-8 with a BOM', bytes: Buffer.from(`\uFEFF${TEXT}`, 'utf8'), encoding: 'utf-8' },
    { name: 'UTF-16 LE with a BOM', bytes: Buffer.from(`\uFEFF${TEXT}`, 'utf16le'), encoding: 'utf-16le' },
    { name: 'UTF-16 LE without a BOM', bytes: Buffer.from(TEXT, 'utf16le'), encoding: 'utf-16le' },
    { name: 'UTF-16 BE with a BOM', bytes: utf16be(`\uFEFF${TEXT}`), encoding: 'utf-16be' },
    { name: 'UTF-16 BE without a BOM', bytes: utf16be(TEXT), encoding: 'utf-16be' },
    { name: 'Windows-1252', bytes: windows1252(TEXT), encoding: 'windows-1252' },
  ];
  for (const { name, bytes, encoding } of cases) {
    it(`reads ${name}, detected from the first bytes`, async () => {
      for (const chunk of [1, 3, 7, 1 << 20]) {
        const { ctx } = uploaded(bytes, {}, chunk);
        expect((await readAll(ctx)).records.map((r) => r.fields)).toEqual(EXPECTED);
      }
      const { ctx } = uploaded(bytes);
      const preview = await csvConnector.previewSettings!(ctx);
      expect(preview.settings).toMatchObject({ encoding, delimiter: ';', headerRow: true });
      expect(preview.options.find((o) => o.key === 'encoding')).toMatchObject({
        value: encoding,
        detected: true,
      });
      expect(preview.columns).toEqual(['email', 'name', 'city']);
      expect(preview.rows).toEqual(EXPECTED.map((r) => [r.email, r.name, r.city]));
    });
  }

  it('gives the same source ids whatever the encoding', async () => {
    const ids = async (bytes: Buffer) => (await readAll(uploaded(bytes).ctx)).records.map((r) => r.sourceId);
    const reference = await ids(Buffer.from(TEXT, 'utf8'));
    expect(await ids(utf16be(TEXT))).toEqual(reference);
    expect(await ids(windows1252(TEXT))).toEqual(reference);
  });

  it('reads with the encoding the settings name over the detected one', async () => {
    const bytes = Buffer.from(TEXT, 'utf8');
    const { ctx } = uploaded(bytes, { encoding: 'windows-1252' });
    const { records } = await readAll(ctx);
    expect(records[0]?.fields.name).toBe('JosÃ© MÃ¼ller');
    const preview = await csvConnector.previewSettings!(ctx);
    expect(preview.options.find((o) => o.key === 'encoding')).toMatchObject({
      value: 'windows-1252',
      detected: false,
    });
  });
});

describe('CSV header row and delimiter', () => {
  it('takes a first row holding an email address for a contact, and names the columns by position', async () => {
    const { ctx } = uploaded('a@example.com,Ada\nb@example.com,Bob\n');
    const { records } = await readAll(ctx);
    expect(records.map((r) => r.fields)).toEqual([
      { column_1: 'a@example.com', column_2: 'Ada' },
      { column_1: 'b@example.com', column_2: 'Bob' },
    ]);
    expect((await csvConnector.fields(ctx)).map((f) => [f.key, f.type])).toEqual([
      ['column_1', 'email'],
      ['column_2', 'string'],
    ]);
    const preview = await csvConnector.previewSettings!(ctx);
    expect(preview.settings.headerRow).toBe(false);
  });

  it('lets the settings change the header row and the delimiter', async () => {
    const { ctx } = uploaded('email;name,x\na@example.com;Ada,1\n', {
      delimiter: ';',
      headerRow: 'true' as never,
    });
    expect((await readAll(ctx)).records.map((r) => r.fields)).toEqual([
      { email: 'a@example.com', 'name,x': 'Ada,1' },
    ]);
  });
});

/** `rows` people, one a line, with the lines in `bad` replaced (1-based data row numbers). */
function bigFile(rows: number, bad: Map<number, string> = new Map()): Buffer {
  const parts: string[] = ['email,first_name,last_name,company\n'];
  for (let i = 1; i <= rows; i++) {
    parts.push(bad.get(i) ?? `person${i}@example.com,First${i},Last${i},"Company ${i % 100}, Inc."\n`);
  }
  return Buffer.from(parts.join(''));
}

describe('CSV files of any size', () => {
  it('reports a malformed line far into a big file with its line number, and imports every other row', async () => {
    const rows = 120_000;
    const bytes = bigFile(
      rows,
      new Map([
        [100_000, 'broken@example.com,"Quote"d,X,Y\n'],
        [110_000, 'open@example.com,"never closed,X,Y\n'],
      ]),
    );
    const { ctx } = uploaded(bytes, {}, 65_536);
    const { records, rejected } = await readAll(ctx, { pageSize: 5_000 });
    expect(rejected).toEqual([
      {
        sourceId: 'line:100001',
        reason: 'The row on line 100001 is not valid CSV: a quoted value is followed by other characters.',
      },
      // the quote opened on line 110001 closes on the next line, before a "C"
      {
        sourceId: 'line:110001',
        reason: 'The row on line 110001 is not valid CSV: a quoted value is followed by other characters.',
      },
    ]);
    expect(records).toHaveLength(rows - 2);
    expect(records.at(-1)?.fields).toEqual({
      email: `person${rows}@example.com`,
      first_name: `First${rows}`,
      last_name: `Last${rows}`,
      company: `Company ${rows % 100}, Inc.`,
    });
  });

  it('reports a line over the length limit and goes on at the next line', async () => {
    const bytes = bigFile(5, new Map([[3, `long@example.com,${'x'.repeat(5_000)},L,C\n`]]));
    const { ctx } = uploaded(bytes, { maxLineBytes: 2_048 }, 1_000);
    const { records, rejected } = await readAll(ctx);
    expect(rejected).toEqual([
      { sourceId: 'line:4', reason: 'The row on line 4 is not valid CSV: it is longer than 2048 bytes.' },
    ]);
    expect(records.map((r) => r.fields.email)).toEqual([1, 2, 4, 5].map((i) => `person${i}@example.com`));
  });

  it('reads a page at a time: the first page costs the head and one pass over the ids, not the rows', async () => {
    const { ctx, files } = uploaded(bigFile(200_000), {}, 65_536);
    const size = (await files.get((ctx.settings as CsvSettings).fileId!))!.size;
    expect(size).toBeGreaterThan(HEAD_BYTES * 4);
    const pages = csvConnector.read(ctx, { organizationId: 'file' })[Symbol.asyncIterator]();
    const first = await pages.next();
    expect(first.done).toBe(false);
    // The head (detection), the pass that finds the ids that may repeat, and the first chunks of the rows.
    expect(files.bytesRead).toBeLessThan(HEAD_BYTES + size + 2 * 65_536 * 2);
    await pages.return?.();
  });

  it('resumes at the byte offset of a checkpoint with exactly the rows after it, repeated emails numbered alike', async () => {
    const bad = new Map<number, string>();
    for (let i = 10; i <= 3_000; i += 10) bad.set(i, `person${i - 5}@example.com,Again,${i},X\n`);
    const { ctx } = uploaded(bigFile(3_000, bad), {}, 4_096);
    const full = await readAll(ctx, { pageSize: 250 });
    expect(new Set(full.records.map((r) => r.sourceId)).size).toBe(3_000);
    for (const page of [0, 3, 7]) {
      const checkpoint = full.pages[page]!.checkpoint;
      const fresh = uploaded(bigFile(3_000, bad), {}, 4_096).ctx;
      const resumed = await readAll(fresh, { pageSize: 250, checkpoint });
      expect(resumed.records).toEqual(full.records.slice((page + 1) * 250));
    }
  });

  it('lists every id of a big file in chunks, the same ids a read gives', async () => {
    const { ctx } = uploaded(bigFile(2_500), {}, 65_536);
    const listed: string[] = [];
    for await (const chunk of csvConnector.listIds!(ctx, { organizationId: 'file' })) listed.push(...chunk);
    expect(listed).toEqual((await readAll(ctx)).records.map((r) => r.sourceId));
  });

  it('refuses a file with a NUL anywhere, also far past the first megabytes', async () => {
    const bytes = bigFile(100_000);
    bytes[bytes.length - 10] = 0;
    const error = await csvConnector.check(uploaded(bytes, {}, 65_536).ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidConfigurationError);
    expect((error as Error).message).toMatch(/NUL character .* on line 100001;/);
    const utf16 = Buffer.from('email,name\na@example.com,Ada\nb@example.com,B\ud800ob\n', 'utf16le');
    await expect(csvConnector.check(uploaded(utf16).ctx)).rejects.toThrow(
      /broken UTF-16 character\) on line 3;/,
    );
  });

  it('refuses a file over its row limit, and one whose file is not (or not yet) uploaded', async () => {
    await expect(csvConnector.check(uploaded(bigFile(50), { maxRows: 10 }).ctx)).rejects.toThrow(
      'The file has about 50 rows; at most 10 are accepted.',
    );
    const files = memoryFiles();
    const missing = testContext({}, { fileId: '00000000-0000-4000-8000-000000000099' } as CsvSettings, {
      files,
    });
    await expect(csvConnector.check(missing)).rejects.toBeInstanceOf(InvalidConfigurationError);
  });

  it('estimates the rows of a file, and names the organization after the uploaded file', async () => {
    const { ctx } = uploaded(bigFile(1_234));
    expect(await csvConnector.estimateCost!(ctx, { organizationId: 'file' })).toMatchObject({
      records: 1_234,
    });
    expect(await csvConnector.listOrganizations(ctx)).toEqual([{ id: 'file', name: 'people.csv' }]);
    // the preview estimates from the first rows' bytes
    const big = uploaded(bigFile(100_000), {}, 65_536).ctx;
    const { estimatedRecords } = await csvConnector.previewSettings!(big);
    expect(estimatedRecords).toBeGreaterThan(85_000);
    expect(estimatedRecords).toBeLessThan(115_000);
  });
});
