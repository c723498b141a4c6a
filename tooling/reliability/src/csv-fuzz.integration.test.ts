import { checkEmail } from '@leadsync/core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emailCell } from './support/arbitraries.ts';
import {
  consistencyViolations,
  createTestHarness,
  type Harness,
  invariantViolations,
  leadCount,
  recordsOf,
  totals,
} from './support/harness.ts';

/**
 * Arbitrary CSV files through the CSV connector and the real engine. The generator knows what it wrote (the cells
 * of every row), so the test can say independently how many data rows there are, which the parser must reject
 * (more values than the header has columns), and — with `checkEmail` of @leadsync/core as the oracle for rules 1–4
 * of DESIGN.md section 2 — what every row's outcome must be in a fresh organization.
 */

/** Any text a spreadsheet might hold: separators, quotes, line breaks, emoji, combining marks, RTL. */
const cell = fc.oneof(
  { arbitrary: fc.string({ maxLength: 12 }), weight: 4 },
  { arbitrary: fc.string({ unit: 'grapheme', maxLength: 8 }), weight: 3 },
  {
    arbitrary: fc.constantFrom(
      '',
      ' ',
      '"',
      '""',
      ',',
      ';',
      '|',
      '\n',
      '\r\n',
      '\r',
      'a,"b"',
      'مرحبا',
      'e\u0301',
      '🙂',
    ),
    weight: 3,
  },
);
/**
 * Rare control characters (other than tab and line breaks): a file full of them is refused as binary. NUL is left
 * out here: PostgreSQL's jsonb cannot hold it, so no connection can store such a file (the API refuses the file
 * before storing it: see api-security.integration.test.ts).
 */
const controlCell = fc.constantFrom('\u0001', 'bell\u0007', '\u001b[0m', '\u007f', 'form\u000cfeed');

const EXTRA_COLUMNS = ['first_name', 'last_name', 'company', 'Country', 'notes', 'Phone Number'];

interface GeneratedFile {
  header: string[];
  rows: string[][];
  newline: string;
  bom: boolean;
  trailingNewline: boolean;
}

const generatedFile: fc.Arbitrary<GeneratedFile> = fc
  .record({
    extras: fc.subarray(EXTRA_COLUMNS),
    emailAt: fc.nat(),
    newline: fc.constantFrom('\n', '\r\n'),
    bom: fc.boolean(),
    trailingNewline: fc.boolean(),
  })
  .chain(({ extras, emailAt, newline, bom, trailingNewline }) => {
    const header = [...extras];
    header.splice(emailAt % (extras.length + 1), 0, 'email');
    const emailIndex = header.indexOf('email');
    const row = fc
      .tuple(
        emailCell,
        fc.array(fc.oneof({ arbitrary: cell, weight: 30 }, { arbitrary: controlCell, weight: 1 }), {
          minLength: header.length - 1,
          maxLength: header.length - 1,
        }),
        // Ragged rows: missing trailing cells, or extra cells (empty ones are allowed, filled ones are rejected).
        fc.oneof(
          { arbitrary: fc.constant<string[] | number>([]), weight: 8 },
          {
            arbitrary: fc.array(fc.constantFrom('', ' ', 'extra'), { minLength: 1, maxLength: 2 }),
            weight: 1,
          },
          { arbitrary: fc.integer({ min: 1, max: Math.max(1, header.length - 1) }), weight: 1 },
        ),
      )
      .map(([email, others, ragged]) => {
        const cells = [...others];
        cells.splice(emailIndex, 0, email);
        if (Array.isArray(ragged)) return [...cells, ...ragged];
        return cells.slice(0, Math.max(1, cells.length - ragged));
      });
    return fc
      .array(row, { maxLength: 80, size: 'medium' })
      .map((rows) => ({ header, rows, newline, bom, trailingNewline }) satisfies GeneratedFile);
  });

function quote(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

function render(file: GeneratedFile): string {
  const lines = [file.header, ...file.rows].map((cells) => cells.map(quote).join(','));
  return (file.bom ? '\uFEFF' : '') + lines.join(file.newline) + (file.trailingNewline ? file.newline : '');
}

/** What the file must produce, derived from the generated cells alone. */
function expected(file: GeneratedFile) {
  const width = file.header.length;
  const emailIndex = file.header.indexOf('email');
  let dataRows = 0;
  let rejected = 0;
  const counts = { newLeads: 0, emptyEmail: 0, invalidPattern: 0, groupEmail: 0, fileDuplicate: 0 };
  const seen = new Set<string>();
  for (const cells of file.rows) {
    if (cells.every((c) => c.trim() === '')) continue; // a blank row holds no one
    dataRows++;
    if (cells.length > width && cells.slice(width).some((c) => c.trim() !== '')) {
      rejected++;
      continue;
    }
    const check = checkEmail(cells[emailIndex] ?? '');
    if (check.status === 'empty') counts.emptyEmail++;
    else if (check.status === 'invalid') counts.invalidPattern++;
    else if (check.status === 'role') counts.groupEmail++;
    else if (seen.has(check.normalized!)) counts.fileDuplicate++;
    else {
      seen.add(check.normalized!);
      counts.newLeads++;
    }
  }
  return { dataRows, rejected, counts, newEmails: [...seen].sort() };
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: the point is to find control characters
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/;

describe('fuzzing CSV files through the CSV connector and the engine', () => {
  let h: Harness;
  const stats = { files: 0, succeeded: 0, refused: 0, rows: 0 };

  beforeAll(async () => {
    h = await createTestHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('every data row is accounted for, outcomes follow rules 1–4, and a second run only finds duplicates', async () => {
    await fc.assert(
      fc.asyncProperty(generatedFile, async (file) => {
        const text = render(file);
        const want = expected(file);
        const tenant = await h.tenant({
          connectorId: 'csv',
          credentials: {},
          settings: { csv: text },
          sourceOrganizationId: 'file',
        });
        stats.files++;
        const run = await tenant.run(); // must not throw, whatever the file holds

        if (run.status === 'failed') {
          // Only a file with no data at all, or one that looks binary, may be refused — with a sentence for a person.
          stats.refused++;
          expect(want.dataRows === 0 || CONTROL.test(text), `refused: ${run.error}`).toBe(true);
          expect(run.error).toMatch(/^The file /);
          expect(await leadCount(h.db, tenant.organizationId)).toBe(0);
          expect(await recordsOf(h.db, run.id)).toEqual([]);
          return;
        }
        expect(run.status, run.error ?? '').toBe('succeeded');
        stats.succeeded++;
        stats.rows += want.dataRows;
        expect(invariantViolations(run)).toEqual([]);
        expect(await consistencyViolations(h.db, run, tenant.listId)).toEqual([]);
        // Every data row: read (rejected ones too), and each non-rejected one classified exactly once.
        expect(run.readCount).toBe(want.dataRows);
        expect(run.total + want.rejected).toBe(want.dataRows);
        expect({
          newLeads: run.newLeads,
          emptyEmail: run.emptyEmail,
          invalidPattern: run.invalidPattern,
          groupEmail: run.groupEmail,
          fileDuplicate: run.fileDuplicate,
        }).toEqual(want.counts);
        expect(run.reAdded + run.duplicate + run.bounced + run.doNotMail + run.deleted).toBe(0);
        expect([...(await tenant.state()).members].sort()).toEqual(want.newEmails);

        // The same file again: no new lead, the new ones are now duplicates, the same ignored reasons.
        const again = await tenant.run();
        expect(again.status, again.error ?? '').toBe('succeeded');
        expect(await consistencyViolations(h.db, again, tenant.listId)).toEqual([]);
        expect(totals(again)).toEqual({
          ...totals(run),
          newLeads: 0,
          duplicate: run.newLeads,
        });
      }),
      { numRuns: 30 },
    );
    console.info(`csv fuzz: ${JSON.stringify(stats)}`);
    // The property must not pass by refusing everything.
    expect(stats.succeeded).toBeGreaterThan(stats.files / 2);
    expect(stats.rows).toBeGreaterThan(100);
  }, 120_000);
});
