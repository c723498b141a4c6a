import { describe, expect, it } from 'vitest';
import { compileCriteria, evaluateCriteria } from './evaluate.ts';
import { type Criteria, type CriteriaRule, criteriaFields, criteriaSchema } from './schema.ts';

const one = (rule: CriteriaRule): Criteria => ({ match: 'all', rules: [rule] });
const holds = (rule: CriteriaRule, record: Record<string, unknown>, types = {}) =>
  evaluateCriteria(criteriaSchema.parse(one(rule)), record, types);

function nested(depth: number): Criteria {
  let group: Criteria = { match: 'all', rules: [{ field: 'country', op: 'is', value: 'India' }] };
  for (let d = 1; d < depth; d++) group = { match: 'any', rules: [group] };
  return group;
}

describe('criteria schema', () => {
  it('accepts the JSON of DESIGN.md section 7', () => {
    const criteria = {
      match: 'all',
      rules: [
        { field: 'country', op: 'is', value: 'India' },
        { match: 'any', rules: [{ field: 'company_name', op: 'contains', value: 'Ltd' }] },
      ],
    };
    expect(criteriaSchema.parse(criteria)).toEqual(criteria);
  });

  it('accepts groups nested 5 levels deep and refuses 6 with a clear message', () => {
    expect(criteriaSchema.safeParse(nested(5)).success).toBe(true);
    const r = criteriaSchema.safeParse(nested(6));
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toBe('criteria groups nest at most 5 levels deep');
  });

  it.each([
    [{ match: 'all', rules: [] }, 'a group needs at least one rule'],
    [one({ field: 'x', op: 'in', value: [] }), 'give at least one value'],
    [one({ field: 'x', op: 'before', value: 'next tuesday' }), 'expected a date'],
    [one({ field: '', op: 'is', value: 'a' }), 'name a source field'],
  ])('refuses %j', (input, message) => {
    const r = criteriaSchema.safeParse(input);
    expect(r.success).toBe(false);
    expect(JSON.stringify(r.error?.issues)).toContain(message);
  });

  it('refuses criteria beyond their bounds: values per rule, rules per group and in all, long values, size, deep JSON', () => {
    const rule: CriteriaRule = { field: 'country', op: 'is', value: 'India' };
    const message = (value: unknown) => {
      const r = criteriaSchema.safeParse(value);
      return r.success ? 'accepted' : r.error.issues.map((i) => i.message).join('; ');
    };
    expect(
      message(one({ field: 'country', op: 'in', value: Array.from({ length: 1_000 }, (_, i) => `v${i}`) })),
    ).toBe('accepted');
    expect(
      message(one({ field: 'country', op: 'in', value: Array.from({ length: 1_001 }, (_, i) => i) })),
    ).toMatch(/at most 1000 values/);
    expect(message({ match: 'any', rules: Array.from({ length: 101 }, () => rule) })).toMatch(
      /at most 100 rules/,
    );
    const wide = {
      match: 'any',
      rules: Array.from({ length: 6 }, () => ({
        match: 'all',
        rules: Array.from({ length: 90 }, () => rule),
      })),
    };
    expect(message(wide)).toMatch(/at most 500 rules in all/);
    expect(message(one({ ...rule, value: 'x'.repeat(1_001) }))).toMatch(/at most 1000 characters/);
    expect(message(one({ ...rule, field: 'f'.repeat(201) }))).toMatch(/at most 200 characters/);
    const big = {
      match: 'any',
      rules: Array.from({ length: 90 }, () => ({ ...rule, value: 'x'.repeat(999) })),
    };
    expect(message(big)).toMatch(/at most 64 KiB/);
    let deep: unknown = rule;
    for (let i = 0; i < 100_000; i++) deep = { match: 'all', rules: [deep] };
    expect(message(deep)).not.toBe('accepted');
  });

  it('refuses an unknown op and a missing value', () => {
    expect(criteriaSchema.safeParse(one({ field: 'x', op: 'like', value: 'a' } as never)).success).toBe(
      false,
    );
    expect(criteriaSchema.safeParse(one({ field: 'x', op: 'is' } as never)).success).toBe(false);
  });

  it('lists the fields the criteria read, once each', () => {
    const c = criteriaSchema.parse({
      match: 'any',
      rules: [
        { field: 'country', op: 'is', value: 'India' },
        {
          match: 'all',
          rules: [
            { field: 'cf_tier', op: 'in', value: ['gold'] },
            { field: 'country', op: 'is_empty' },
          ],
        },
      ],
    });
    expect(criteriaFields(c)).toEqual(['country', 'cf_tier']);
  });
});

describe('criteria evaluation', () => {
  it('is / is_not compare text case-insensitively and trimmed', () => {
    expect(holds({ field: 'country', op: 'is', value: 'india' }, { country: ' INDIA ' })).toBe(true);
    expect(holds({ field: 'country', op: 'is', value: 'India' }, { country: 'Indiana' })).toBe(false);
    expect(holds({ field: 'country', op: 'is_not', value: 'India' }, { country: 'France' })).toBe(true);
    expect(holds({ field: 'country', op: 'is_not', value: 'India' }, {})).toBe(true);
  });

  it('contains, not_contains, starts_with, ends_with ignore case', () => {
    const r = { company_name: 'Acme Widgets Pvt Ltd' };
    expect(holds({ field: 'company_name', op: 'contains', value: 'WIDGET' }, r)).toBe(true);
    expect(holds({ field: 'company_name', op: 'not_contains', value: 'gadget' }, r)).toBe(true);
    expect(holds({ field: 'company_name', op: 'not_contains', value: 'widget' }, r)).toBe(false);
    expect(holds({ field: 'company_name', op: 'starts_with', value: 'acme' }, r)).toBe(true);
    expect(holds({ field: 'company_name', op: 'ends_with', value: 'LTD' }, r)).toBe(true);
    expect(holds({ field: 'company_name', op: 'starts_with', value: 'ltd' }, r)).toBe(false);
  });

  it('is_empty and is_not_empty treat missing, null, blank and empty lists as empty', () => {
    for (const value of [undefined, null, '', '   ', []]) {
      expect(holds({ field: 'x', op: 'is_empty' }, { x: value })).toBe(true);
      expect(holds({ field: 'x', op: 'is_not_empty' }, { x: value })).toBe(false);
    }
    expect(holds({ field: 'x', op: 'is_not_empty' }, { x: 0 })).toBe(true);
  });

  it('in matches any of the values', () => {
    expect(holds({ field: 'tier', op: 'in', value: ['Gold', 'Platinum'] }, { tier: 'gold' })).toBe(true);
    expect(holds({ field: 'tier', op: 'in', value: ['Gold', 'Platinum'] }, { tier: 'silver' })).toBe(false);
    expect(holds({ field: 'n', op: 'in', value: [1, 2] }, { n: '2' })).toBe(true);
    // Mixed values: text folded (case, spaces, Unicode form), numbers and booleans by value.
    const mixed: CriteriaRule = { field: 'x', op: 'in', value: [' Café ', 7, true, 'b'] };
    expect(holds(mixed, { x: 'cafe\u0301' })).toBe(true);
    expect(holds(mixed, { x: '7.0' })).toBe(true);
    expect(holds(mixed, { x: 'yes' })).toBe(true);
    expect(holds(mixed, { x: ['z', 'B'] })).toBe(true);
    expect(holds(mixed, { x: 'c' })).toBe(false);
    expect(holds(mixed, {})).toBe(false);
  });

  it('in with a thousand text values matches as the same rule written value by value', () => {
    const values = Array.from({ length: 1_000 }, (_, i) => `Value ${i}`);
    const many = compileCriteria(criteriaSchema.parse(one({ field: 'x', op: 'in', value: values })));
    const anyOf = compileCriteria(
      criteriaSchema.parse({
        match: 'any',
        rules: values.slice(0, 100).map((value) => ({ field: 'x', op: 'is', value })),
      }),
    );
    for (const x of ['value 5', 'VALUE 99 ', 'value 100', 'Value', 42, null]) {
      expect(many({ x }), String(x)).toBe(x === 'value 100' ? true : anyOf({ x }));
    }
  });

  it('compares numbers as numbers, not text', () => {
    const types = { outstanding: 'number' } as const;
    expect(holds({ field: 'outstanding', op: 'after', value: '9' }, { outstanding: '10' }, types)).toBe(true);
    expect(holds({ field: 'outstanding', op: 'before', value: 9 }, { outstanding: 10 })).toBe(false);
    expect(holds({ field: 'outstanding', op: 'is', value: '10.0' }, { outstanding: 10 }, types)).toBe(true);
    expect(holds({ field: 'outstanding', op: 'after', value: 5 }, { outstanding: 'n/a' }, types)).toBe(false);
  });

  it('compares dates as dates, with the source’s own offsets', () => {
    const types = { created_time: 'date' } as const;
    const r = { created_time: '2026-06-09T23:15:06-0400' }; // 2026-06-10 03:15 UTC, but the 9th where written
    expect(holds({ field: 'created_time', op: 'before', value: '2026-06-10' }, r, types)).toBe(true);
    expect(holds({ field: 'created_time', op: 'is', value: '2026-06-09' }, r, types)).toBe(true);
    expect(holds({ field: 'created_time', op: 'after', value: '2026-06-10T03:00:00Z' }, r, types)).toBe(true);
    expect(holds({ field: 'created_time', op: 'after', value: '2026-06-10T04:00:00Z' }, r, types)).toBe(
      false,
    );
    expect(
      holds({ field: 'created_time', op: 'after', value: '2026-01-01' }, { created_time: 'soon' }, types),
    ).toBe(false);
    // Without declared types, a date-looking value still compares as a date.
    expect(holds({ field: 'd', op: 'before', value: '2026-06-10' }, { d: '2026-06-09 10:00:00' })).toBe(true);
  });

  it('compares booleans with the usual spellings', () => {
    expect(holds({ field: 'vip', op: 'is', value: true }, { vip: 'Yes' })).toBe(true);
    expect(holds({ field: 'vip', op: 'is', value: 'true' }, { vip: true }, { vip: 'boolean' })).toBe(true);
  });

  it('reads nested and dotted source keys', () => {
    expect(
      holds(
        { field: 'billing_address.country', op: 'is', value: 'India' },
        { billing_address: { country: 'India' } },
      ),
    ).toBe(true);
    expect(
      holds(
        { field: 'billing_address.country', op: 'is', value: 'India' },
        { 'billing_address.country': 'India' },
      ),
    ).toBe(true);
  });

  it('matches a multi-value field when any value does', () => {
    expect(holds({ field: 'tags', op: 'is', value: 'vip' }, { tags: ['new', 'VIP'] })).toBe(true);
    expect(holds({ field: 'tags', op: 'is_not', value: 'vip' }, { tags: ['new', 'VIP'] })).toBe(false);
  });

  it('combines all and any groups, nested', () => {
    const criteria = criteriaSchema.parse({
      match: 'all',
      rules: [
        { field: 'country', op: 'is', value: 'India' },
        {
          match: 'any',
          rules: [
            { field: 'tier', op: 'is', value: 'gold' },
            {
              match: 'all',
              rules: [
                { field: 'tier', op: 'is', value: 'silver' },
                { field: 'spend', op: 'after', value: 1000 },
              ],
            },
          ],
        },
      ],
    });
    const matches = compileCriteria(criteria);
    expect(matches({ country: 'India', tier: 'Gold' })).toBe(true);
    expect(matches({ country: 'India', tier: 'silver', spend: 5000 })).toBe(true);
    expect(matches({ country: 'India', tier: 'silver', spend: 50 })).toBe(false);
    expect(matches({ country: 'France', tier: 'gold' })).toBe(false);
  });
});
