import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createZohoCrmConnector } from './connector.ts';
import { crmTimeMs, crmValue, readRow } from './records.ts';
import { startZohoCrmSimulator } from './simulator/index.ts';
import { formatTime } from './simulator/store.ts';
import type { CrmFieldValue } from './simulator/types.ts';
import { contextFor, FAST, readAll } from './test-helpers.ts';

const connector = createZohoCrmConnector(FAST);

/** Values of the shapes Zoho CRM writes (README, R4) and some it should not. */
const lookup = fc.record({ name: fc.string({ maxLength: 40 }), id: fc.stringMatching(/^\d{1,19}$/) });
const crmField: fc.Arbitrary<CrmFieldValue> = fc.oneof(
  fc.constant(null),
  fc.string({ maxLength: 60 }),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.array(fc.string({ maxLength: 20 }), { maxLength: 5 }),
  lookup,
  fc.array(lookup, { maxLength: 3 }),
);

describe('values (fuzzed)', () => {
  it('any JSON value becomes text, a number, a boolean or nothing, and never throws', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const out = crmValue(value);
        expect(['string', 'number', 'boolean', 'undefined']).toContain(typeof out);
        if (typeof out === 'string') expect(out.length).toBeLessThanOrEqual(32_000);
        // The engine keeps values as JSON: what comes out must come back the same (-0 would come back as 0).
        if (out !== undefined) expect(Object.is(JSON.parse(JSON.stringify(out)), out)).toBe(true);
      }),
      { numRuns: 500 },
    );
    expect(Object.is(crmValue(-0), 0)).toBe(true);
  });

  it('any row is read or rejected with a reason, never thrown; a read record survives JSON', () => {
    const row = fc.dictionary(
      fc.constantFrom('id', 'Modified_Time', 'Email', 'Owner', 'Interests', 'x'),
      fc.jsonValue(),
    );
    fc.assert(
      fc.property(row, (raw) => {
        const result = readRow(raw, ['Email', 'Owner', 'Interests']);
        if (!result.ok) expect(result.reason.length).toBeGreaterThan(0);
        else {
          expect(result.row.record.sourceId).toMatch(/^\d+$/);
          expect(JSON.parse(JSON.stringify(result.row.record))).toEqual(result.row.record);
          for (const key of Object.keys(result.row.record.fields))
            expect(['Email', 'Owner', 'Interests', 'Modified_Time']).toContain(key);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('a time in any offset Zoho writes is read back to the same instant; an impossible date is not a time', () => {
    const offset = fc.constantFrom('+00:00', '+05:30', '-04:00', '+09:00', '-03:30', '+14:00');
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2000-01-01'), max: new Date('2099-12-31'), noInvalidDate: true }),
        offset,
        (date, off) => {
          const ms = Math.floor(date.getTime() / 1000) * 1000;
          expect(crmTimeMs(formatTime(ms, off))).toBe(ms);
        },
      ),
    );
    expect(crmTimeMs('2026-06-31T10:00:00+05:30')).toBeUndefined();
    expect(crmTimeMs('yesterday')).toBeUndefined();
  });
});

describe('fuzzed records through the simulator', () => {
  it('every record comes back once, each field as its text, number or boolean', async () => {
    const record = fc.record({
      Email: fc.oneof(fc.emailAddress(), fc.string({ maxLength: 30 }), fc.constant(null)),
      Lead_Source: crmField,
      Interests: crmField,
      Owner: crmField,
      Company: crmField,
    });
    await fc.assert(
      fc.asyncProperty(fc.array(record, { minLength: 1, maxLength: 60 }), async (inputs) => {
        const sim = await startZohoCrmSimulator({ recordsPerModule: 0 });
        try {
          const base = Date.parse('2026-06-09T10:00:00Z');
          const added = sim.addRecords(
            'Leads',
            inputs.map((input, i) => ({ ...input, Modified_Time: new Date(base + i * 1000).toISOString() })),
          );
          const fields = ['Email', 'Lead_Source', 'Interests', 'Owner', 'Company'];
          const pages = await readAll(connector, contextFor(sim), {
            organizationId: 'Leads',
            fields,
            pageSize: 25,
          });
          const got = new Map(pages.flatMap((p) => p.records).map((r) => [r.sourceId, r.fields]));
          expect(got.size).toBe(inputs.length);
          added.forEach((rec, i) => {
            const values = got.get(rec.id);
            for (const key of fields) {
              const expected = crmValue((inputs[i] as Record<string, unknown>)[key]);
              if (expected === undefined) expect(values).not.toHaveProperty(key);
              else expect(values?.[key]).toEqual(expected);
            }
          });
        } finally {
          await sim.close();
        }
      }),
      { numRuns: 25 },
    );
  });
});
