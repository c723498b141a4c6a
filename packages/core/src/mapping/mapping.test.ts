import { describe, expect, it } from 'vitest';
import { applyMapping } from './apply.ts';
import { type FieldMapping, fieldMappingSchema } from './schema.ts';
import { defaultFieldMapping, validateMapping } from './validate.ts';

const base: FieldMapping = [
  { source: 'email', target: 'email' },
  { source: 'first_name', target: 'firstName' },
  { source: 'last_name', target: 'lastName' },
];

describe('field mapping schema', () => {
  it('accepts email, firstName, lastName and fields.<name> targets', () => {
    const mapping = [
      ...base,
      { source: 'cf_tier', target: 'fields.tier' },
      { source: 'n', target: 'fields.n', type: 'number' },
    ];
    expect(fieldMappingSchema.parse(mapping)).toEqual(mapping);
  });

  it('makes email mandatory', () => {
    const r = fieldMappingSchema.safeParse([{ source: 'first_name', target: 'firstName' }]);
    expect(r.error?.issues.map((i) => i.message)).toEqual(['map a source field to email']);
  });

  it('refuses a target mapped twice and unknown targets', () => {
    const twice = fieldMappingSchema.safeParse([...base, { source: 'x', target: 'firstName' }]);
    expect(twice.error?.issues[0]?.message).toBe('firstName is mapped twice (entries 2 and 4)');
    for (const target of ['phone', 'fields.', 'fields.a.b', 'fields.1abc', 'Email']) {
      expect(fieldMappingSchema.safeParse([...base, { source: 'x', target }]).success, target).toBe(false);
    }
  });
});

describe('validateMapping', () => {
  it('names source fields the connection does not offer', () => {
    expect(
      validateMapping(
        [...base, { source: 'cf_gone', target: 'fields.gone' }],
        ['email', 'first_name', 'last_name'],
      ),
    ).toEqual([{ index: 3, message: 'the source has no field cf_gone' }]);
  });

  it('passes schema problems through with the entry index', () => {
    expect(validateMapping([{ source: 'email', target: 'fields.bad name' }], ['email'])).toEqual([
      { index: 0, message: expect.stringContaining('fields.<name>') },
      { message: 'map a source field to email' },
    ]);
  });

  it('is empty for a good mapping', () => {
    expect(validateMapping(base, ['email', 'first_name', 'last_name'])).toEqual([]);
  });
});

describe('defaultFieldMapping', () => {
  it('pre-maps email, first and last name from the source’s keys', () => {
    expect(
      defaultFieldMapping([
        { key: 'contact_name' },
        { key: 'email' },
        { key: 'first_name' },
        { key: 'last_name' },
      ]),
    ).toEqual(base);
    expect(defaultFieldMapping([{ key: 'Email Address' }, { key: 'FirstName' }, { key: 'Surname' }])).toEqual(
      [
        { source: 'Email Address', target: 'email' },
        { source: 'FirstName', target: 'firstName' },
        { source: 'Surname', target: 'lastName' },
      ],
    );
    expect(defaultFieldMapping([{ key: 'cf_work', type: 'email' }])).toEqual([
      { source: 'cf_work', target: 'email' },
    ]);
  });
});

describe('applyMapping', () => {
  const mapping: FieldMapping = [
    ...base,
    { source: 'billing_address.country', target: 'fields.country' },
    { source: 'cf_employees', target: 'fields.employees' },
    { source: 'cf_since', target: 'fields.since' },
    { source: 'cf_vip', target: 'fields.vip', type: 'boolean' },
  ];
  const sourceTypes = { cf_employees: 'number', cf_since: 'date' } as const;

  it('maps and converts values by type', () => {
    const lead = applyMapping(
      mapping,
      {
        email: ' Jane@Example.com ',
        first_name: ' Jane ',
        last_name: 'Doe',
        billing_address: { country: 'India' },
        cf_employees: '250',
        cf_since: '2026-06-09T13:15:06-0400',
        cf_vip: 'Yes',
      },
      { sourceTypes },
    );
    expect(lead).toEqual({
      email: ' Jane@Example.com ',
      firstName: 'Jane',
      lastName: 'Doe',
      fields: { country: 'India', employees: 250, since: '2026-06-09T17:15:06.000Z', vip: true },
      errors: [],
    });
  });

  it('leaves a bad value out with an error for the record, keeping the rest', () => {
    const lead = applyMapping(
      mapping,
      {
        email: 'jane@example.com',
        cf_employees: 'lots',
        cf_since: 'someday',
        cf_vip: 'maybe',
        first_name: { a: 1 },
      },
      { sourceTypes },
    );
    expect(lead.email).toBe('jane@example.com');
    expect(lead.fields).toEqual({});
    expect(lead.firstName).toBeUndefined();
    expect(lead.errors.map((e) => e.target)).toEqual([
      'firstName',
      'fields.employees',
      'fields.since',
      'fields.vip',
    ]);
    expect(lead.errors[1]!.message).toBe('cf_employees → fields.employees: expected a number, got "lots"');
  });

  it('skips missing and blank values without errors', () => {
    const lead = applyMapping(mapping, { email: '', first_name: '  ', cf_employees: null }, { sourceTypes });
    expect(lead).toEqual({ email: undefined, fields: {}, errors: [] });
  });

  it('keeps a date-only value as a calendar date', () => {
    expect(applyMapping(mapping, { cf_since: '2026-02-01' }, { sourceTypes }).fields.since).toBe(
      '2026-02-01',
    );
  });
});
