import { describe, expect, it } from 'vitest';
import { formatZohoTime, zohoTimeToMillis } from './zoho-time.ts';

describe('Zoho times', () => {
  it('F10 writes times with a numeric offset without a colon, in the given zone', () => {
    const instant = Date.UTC(2026, 5, 9, 17, 15, 6);
    expect(formatZohoTime(instant, 'America/New_York')).toBe('2026-06-09T13:15:06-0400');
    expect(formatZohoTime(instant, 'Asia/Kolkata')).toBe('2026-06-09T22:45:06+0530');
    expect(formatZohoTime(Date.UTC(2026, 0, 9, 17, 15, 6), 'America/New_York')).toBe(
      '2026-01-09T12:15:06-0500',
    );
    expect(formatZohoTime(instant)).toBe('2026-06-09T17:15:06+0000');
  });

  it('reads Zoho times and other ISO 8601 forms to the same instant', () => {
    const instant = Date.UTC(2026, 5, 9, 17, 15, 6);
    expect(zohoTimeToMillis('2026-06-09T13:15:06-0400')).toBe(instant);
    expect(zohoTimeToMillis('2026-06-09T13:15:06-04:00')).toBe(instant);
    expect(zohoTimeToMillis('2026-06-09T17:15:06.000Z')).toBe(instant);
    expect(zohoTimeToMillis('09 Jun 2026')).toBeUndefined();
    expect(zohoTimeToMillis('2026-13-09T13:15:06-0400')).toBeUndefined();
  });
});
