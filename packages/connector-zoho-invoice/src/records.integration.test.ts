import { mintToken } from '@leadsync/zoho-accounts/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fastListRow, type ListRow, listRowOf, readListRow } from './list-row.ts';
import { contactRowSchema } from './records.ts';
import { startZohoInvoiceSimulator } from './simulator/index.ts';
import type { ZohoInvoiceSimulator } from './simulator/types.ts';

const DELETE = Symbol('delete');
const VALUES: unknown[] = [
  DELETE,
  null,
  '',
  'x',
  0,
  12,
  1.5,
  -1,
  2 ** 60,
  true,
  false,
  {},
  [],
  '2026-06-09T13:15:06-0400',
  '2026-06-09T13:15:06.5Z',
  ' 2026-06-09T13:15:06+05:30',
  'yesterday',
  '2026-02-30T00:00:00+0000',
];
const CUSTOM_FIELDS: unknown[] = [
  null,
  'x',
  [],
  {},
  { label: '' },
  { label: 'Lead Source' },
  { label: 'A', api_name: null },
  { label: 'A', api_name: 'cf_a', data_type: 3 },
  { label: 'A', api_name: 'cf_a', data_type: null },
  { label: 'Ünïcode  Label!', value: { nested: 1 } },
  { label: 'L', api_name: 'not a cf name', value: null },
  { label: 'L', api_name: 'cf_dup', value: 1 },
  { label: 'M', api_name: 'cf_dup', value: 2 },
  { label: 7, value: 'x' },
];

/** What a row was read as before the fast path: zod, then `listRowOf`. */
function viaZod(raw: unknown): ListRow | undefined {
  const parsed = contactRowSchema.safeParse(raw);
  return parsed.success ? listRowOf(parsed.data) : undefined;
}

let sim: ZohoInvoiceSimulator;
let rows: Record<string, unknown>[];

beforeAll(async () => {
  sim = await startZohoInvoiceSimulator({ seed: 3, contactsPerOrganization: 200, rateLimit: false });
  const organizationId = sim.organizations[1]!.organization_id;
  const token = String((await mintToken(sim)).body.access_token);
  const response = await fetch(
    `${sim.apiUrl}/contacts?organization_id=${organizationId}&filter_by=Status.All`,
    {
      headers: { Authorization: `Zoho-oauthtoken ${token}` },
    },
  );
  rows = ((await response.json()) as { contacts: Record<string, unknown>[] }).contacts;
});
afterAll(() => sim.close());

describe('reading list rows without zod', () => {
  function expectSameAsZod(raw: unknown): boolean {
    const fast = fastListRow(raw);
    const zod = viaZod(raw);
    if (fast) {
      expect({ raw, issue: contactRowSchema.safeParse(raw).error?.issues[0] }).toEqual({
        raw,
        issue: undefined,
      });
      expect(fast).toEqual(zod);
      // The engine stores fields as JSON: the key order must not change either.
      expect(Object.keys(fast.fields)).toEqual(Object.keys(zod!.fields));
    }
    const read = readListRow(raw);
    if (zod) expect(read).toEqual({ ok: true, row: zod });
    else {
      const issue = contactRowSchema.safeParse(raw).error?.issues[0];
      expect(read).toEqual({
        ok: false,
        reason: `unreadable contact row: ${issue?.path.join('.')} ${issue?.message}`,
      });
    }
    return fast !== undefined;
  }

  it('reads every row the simulator lists exactly as zod does, all on the fast path', () => {
    expect(rows.length).toBe(200);
    for (const row of rows) expect(expectSameAsZod(row)).toBe(true);
  });

  it('agrees with zod on rows with any field missing, null, of another type or unreadable', () => {
    let fast = 0;
    let cases = 0;
    for (const row of rows.slice(0, 10)) {
      for (const key of Object.keys(contactRowSchema.shape)) {
        for (const value of VALUES) {
          const damaged: Record<string, unknown> = { ...row };
          if (value === DELETE) delete damaged[key];
          else damaged[key] = value;
          cases++;
          if (expectSameAsZod(damaged)) fast++;
        }
      }
      for (const field of CUSTOM_FIELDS) {
        cases += 2;
        if (expectSameAsZod({ ...row, custom_fields: [field] })) fast++;
        if (expectSameAsZod({ ...row, custom_fields: [...(row.custom_fields as unknown[]), field] })) fast++;
      }
    }
    for (const raw of [null, undefined, [], 'row', 5, [rows[0]]]) expectSameAsZod(raw);
    // Both kinds came up: rows read on the fast path and rows left to zod.
    expect(fast).toBeGreaterThan(cases / 3);
    expect(fast).toBeLessThan(cases);
  });
});
