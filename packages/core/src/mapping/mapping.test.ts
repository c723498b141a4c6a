import { describe, expect, it } from 'vitest';
import { compileMapping, isBlank } from './compile.ts';
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
    ).toEqual([{ index: 3, part: 'source', message: 'the source has no field cf_gone' }]);
  });

  it('passes schema problems through with the entry index and the part at fault', () => {
    expect(validateMapping([{ source: 'email', target: 'fields.bad name' }], ['email'])).toEqual([
      { index: 0, part: 'target', message: expect.stringContaining('fields.<name>') },
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

describe('compileMapping', () => {
  const mapper = compileMapping([
    ...base,
    { source: 'cf_employees', target: 'fields.employees' },
    { source: 'cf_region', target: 'fields.region' },
  ]);

  it('maps names as trimmed text and keeps custom values as the source sent them (strings trimmed)', () => {
    expect(
      mapper({
        email: ' Jane@Example.com ',
        first_name: ' Jane ',
        last_name: 42,
        cf_employees: 250,
        cf_region: ' EU ',
      }),
    ).toEqual({
      email: ' Jane@Example.com ',
      firstName: 'Jane',
      lastName: '42',
      fields: { employees: 250, region: 'EU' },
      cleaned: 0,
    });
  });

  it('leaves blank values out, and tells a target the mapping lacks from a blank one', () => {
    expect(mapper({ email: '', first_name: '  ', cf_employees: null })).toEqual({
      email: '',
      firstName: null,
      lastName: null,
      fields: {},
      cleaned: 0,
    });
    expect(
      compileMapping([{ source: 'mail', target: 'email' }])({ mail: 'a@example.com' }).firstName,
    ).toBeUndefined();
    expect(isBlank(' ')).toBe(true);
    expect(isBlank(0)).toBe(false);
  });

  it("reads the source's email key when no entry targets email", () => {
    expect(compileMapping([])({ email: 'a@example.com' }).email).toBe('a@example.com');
  });

  it('counts the values it had to make storable', () => {
    const mapped = mapper({ email: 'a@example.com', first_name: 'A\u0000nn', cf_region: 'E\u0000U' });
    expect(mapped.firstName).not.toContain('\u0000');
    expect(mapped.cleaned).toBe(2);
  });
});
