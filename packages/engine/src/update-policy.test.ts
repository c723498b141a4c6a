import { compileMapping } from '@leadsync/core';
import { describe, expect, it } from 'vitest';
import { compileCriteria } from './criteria.ts';
import { applyUpdatePolicy } from './update-policy.ts';

const mapping = compileMapping([
  { source: 'mail', target: 'email' },
  { source: 'first', target: 'firstName' },
  { source: 'city', target: 'fields.city' },
]);

describe('mapping', () => {
  it('maps targets and leaves blank values out of fields', () => {
    expect(mapping({ mail: ' a@x.com ', first: ' Ann ', city: '  ' })).toEqual({
      email: ' a@x.com ',
      firstName: 'Ann',
      lastName: undefined,
      fields: {},
      cleaned: 0,
    });
  });

  it('cleans text a database cannot store and counts each cleaned value', () => {
    expect(mapping({ mail: 'a@x.com', first: 'A\u0000nn', city: { name: 'Ly\ud800on' } })).toEqual({
      email: 'a@x.com',
      firstName: 'Ann',
      lastName: undefined,
      fields: { city: { name: 'Ly\ufffdon' } },
      cleaned: 2,
    });
  });
});

describe('update policy', () => {
  const lead = { firstName: 'Ann', lastName: null, fields: { city: 'Paris' } };
  const incoming = mapping({ mail: 'a@x.com', first: 'Anna', city: 'Lyon' });

  it('overwrite replaces mapped values but a blank never erases', () => {
    expect(applyUpdatePolicy('overwrite', lead, incoming)).toMatchObject({
      firstName: 'Anna',
      fields: { city: 'Lyon' },
    });
    expect(applyUpdatePolicy('overwrite', lead, mapping({ mail: 'a@x.com', first: '' }))).toMatchObject({
      firstName: 'Ann',
      changed: false,
    });
  });

  it('fill_empty only fills what the lead lacks', () => {
    const result = applyUpdatePolicy('fill_empty', { ...lead, firstName: null }, incoming);
    expect(result).toMatchObject({ firstName: 'Anna', fields: { city: 'Paris' }, changed: true });
  });

  it('never changes nothing', () => {
    expect(applyUpdatePolicy('never', lead, incoming)).toEqual({ ...lead, changed: false });
  });
});

describe('criteria', () => {
  it('evaluates nested groups case-insensitively', () => {
    const inScope = compileCriteria({
      match: 'all',
      rules: [
        { field: 'country', op: 'is', value: 'india' },
        {
          match: 'any',
          rules: [
            { field: 'email', op: 'ends_with', value: '.in' },
            { field: 'tier', op: 'in', value: ['Gold', 'Silver'] },
          ],
        },
      ],
    });
    expect(inScope({ country: 'India', email: 'a@b.in' })).toBe(true);
    expect(inScope({ country: 'India', email: 'a@b.com', tier: 'gold' })).toBe(true);
    expect(inScope({ country: 'France', email: 'a@b.in' })).toBe(false);
  });

  it('refuses criteria that do not parse', () => {
    expect(() => compileCriteria({ match: 'some', rules: [] })).toThrow(/criteria/);
  });
});
