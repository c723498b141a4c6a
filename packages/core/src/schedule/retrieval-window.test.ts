import { describe, expect, it } from 'vitest';
import { validateRetrieveFrom } from './retrieval-window.ts';

const createdAt = new Date('2026-06-30T12:00:00Z');

describe('retrieval window', () => {
  it('accepts a retrieveFrom within maxLookbackDays of the sync’s creation, the boundary included', () => {
    expect(
      validateRetrieveFrom(new Date('2026-05-31T12:00:00Z'), { createdAt, maxLookbackDays: 30 }),
    ).toBeNull();
    expect(
      validateRetrieveFrom(new Date('2026-06-15T00:00:00Z'), { createdAt, maxLookbackDays: 30 }),
    ).toBeNull();
    expect(
      validateRetrieveFrom(new Date('2026-07-15T00:00:00Z'), { createdAt, maxLookbackDays: 30 }),
    ).toBeNull();
  });

  it('refuses an earlier one, saying what the earliest is', () => {
    expect(validateRetrieveFrom(new Date('2026-05-31T11:59:59Z'), { createdAt, maxLookbackDays: 30 })).toBe(
      'This source lets a sync retrieve data from at most 30 days before the sync was created: choose 2026-05-31T12:00:00.000Z or later',
    );
    expect(
      validateRetrieveFrom(
        new Date('2020-01-01T00:00:00Z'),
        { createdAt, maxLookbackDays: 30 },
        'Zoho Invoice',
      ),
    ).toMatch(/^Zoho Invoice lets a sync retrieve data from at most 30 days/);
  });

  it('has no limit when the connector declares none, and refuses an invalid date', () => {
    expect(validateRetrieveFrom(new Date('2001-01-01T00:00:00Z'), { createdAt })).toBeNull();
    expect(validateRetrieveFrom(new Date('nope'), { createdAt })).toBe('retrieveFrom is not a valid date');
  });
});
