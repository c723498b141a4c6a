import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { describeSchedule, nextRunAt } from './next-run.ts';
import { LAST_DAY_OF_MONTH, type Schedule, ScheduleError, scheduleSchema } from './schema.ts';

const at = (iso: string) => new Date(iso);
const next = (s: Schedule, after: string, options = {}) =>
  nextRunAt(s, at(after), options)?.toISOString() ?? null;
const daily = (time: string, timeZone: string): Schedule => ({ frequency: 'DAILY', time, timeZone });

describe('nextRunAt', () => {
  it('runs daily at the local time of the zone, strictly after the given instant', () => {
    const s = daily('09:30', 'Asia/Kolkata');
    expect(next(s, '2026-03-01T00:00:00Z')).toBe('2026-03-01T04:00:00.000Z');
    expect(next(s, '2026-03-01T04:00:00Z')).toBe('2026-03-02T04:00:00.000Z');
  });

  it('moves a local time that does not exist (clocks forward) to the first valid instant', () => {
    const s = daily('02:30', 'America/New_York'); // 2026-03-08: 02:00 EST jumps to 03:00 EDT
    expect(next(s, '2026-03-08T00:00:00Z')).toBe('2026-03-08T07:00:00.000Z'); // 03:00 EDT
    expect(next(s, '2026-03-08T07:00:00Z')).toBe('2026-03-09T06:30:00.000Z'); // 02:30 EDT
    // Lord Howe Island moves by half an hour: 02:00 jumps to 02:30 on 2026-10-04.
    expect(next(daily('02:15', 'Australia/Lord_Howe'), '2026-10-03T00:00:00Z')).toBe(
      '2026-10-03T15:30:00.000Z',
    );
    // Europe/London: 01:00 GMT jumps to 02:00 BST on 2026-03-29.
    expect(next(daily('01:15', 'Europe/London'), '2026-03-29T00:00:00Z')).toBe('2026-03-29T01:00:00.000Z');
  });

  it('takes the first of a local time that occurs twice (clocks back), and runs once that day', () => {
    const s = daily('01:30', 'America/New_York'); // 2026-11-01: 02:00 EDT goes back to 01:00 EST
    expect(next(s, '2026-11-01T00:00:00Z')).toBe('2026-11-01T05:30:00.000Z'); // 01:30 EDT
    expect(next(s, '2026-11-01T05:30:00Z')).toBe('2026-11-02T06:30:00.000Z'); // not 01:30 EST the same day
  });

  it('runs weekly on the ISO weekday (1 = Monday)', () => {
    const s: Schedule = { frequency: 'WEEKLY', time: '09:00', timeZone: 'Europe/Paris', weekday: 1 };
    expect(next(s, '2026-06-10T12:00:00Z')).toBe('2026-06-15T07:00:00.000Z');
    const sunday: Schedule = { ...s, weekday: 7 };
    expect(DateTime.fromISO(next(sunday, '2026-06-10T12:00:00Z')!).setZone('Europe/Paris').weekday).toBe(7);
  });

  it('runs monthly on the day, falling on the last day of shorter months', () => {
    const s: Schedule = { frequency: 'MONTHLY', time: '08:00', timeZone: 'UTC', dayOfMonth: 31 };
    expect(next(s, '2026-02-01T00:00:00Z')).toBe('2026-02-28T08:00:00.000Z');
    expect(next(s, '2026-02-28T08:00:00Z')).toBe('2026-03-31T08:00:00.000Z');
    expect(next(s, '2026-04-01T00:00:00Z')).toBe('2026-04-30T08:00:00.000Z');
    const the29th: Schedule = { ...s, dayOfMonth: 29 };
    expect(next(the29th, '2028-02-01T00:00:00Z')).toBe('2028-02-29T08:00:00.000Z');
    expect(next({ ...s, dayOfMonth: 15 }, '2026-01-20T00:00:00Z')).toBe('2026-02-15T08:00:00.000Z');
  });

  it('runs monthly on the last day, leap years included', () => {
    const s: Schedule = {
      frequency: 'MONTHLY',
      time: '23:45',
      timeZone: 'Asia/Tokyo',
      dayOfMonth: LAST_DAY_OF_MONTH,
    };
    expect(next(s, '2028-02-01T00:00:00Z')).toBe('2028-02-29T14:45:00.000Z');
    expect(next(s, '2027-02-01T00:00:00Z')).toBe('2027-02-28T14:45:00.000Z');
  });

  it('runs a ONCE schedule at its first occurrence, then never again', () => {
    const s: Schedule = { frequency: 'ONCE', time: '10:00', timeZone: 'UTC' };
    expect(next(s, '2026-05-05T11:00:00Z')).toBe('2026-05-06T10:00:00.000Z');
    expect(next(s, '2026-05-05T11:00:00Z', { lastRunAt: at('2026-05-06T10:00:00Z') })).toBeNull();
    const asap: Schedule = { frequency: 'ONCE', timeZone: 'UTC' };
    expect(next(asap, '2026-05-05T11:00:00Z')).toBe('2026-05-05T11:00:00.000Z');
    expect(next(asap, '2026-05-05T11:00:00Z', { startAt: at('2026-06-01T00:00:00Z') })).toBe(
      '2026-06-01T00:00:00.000Z',
    );
  });

  it('does not run before startAt', () => {
    const s = daily('09:00', 'UTC');
    expect(next(s, '2026-05-05T00:00:00Z', { startAt: at('2026-05-10T09:00:00Z') })).toBe(
      '2026-05-10T09:00:00.000Z',
    );
    expect(next(s, '2026-05-05T00:00:00Z', { startAt: at('2026-05-10T09:00:01Z') })).toBe(
      '2026-05-11T09:00:00.000Z',
    );
  });

  it('refuses invalid zones and times with clear messages', () => {
    expect(() => nextRunAt(daily('09:30', 'Mars/Olympus'), new Date())).toThrow(
      new ScheduleError('unknown time zone "Mars/Olympus": use an IANA name such as "Asia/Kolkata" or "UTC"'),
    );
    expect(() => nextRunAt(daily('24:00', 'UTC'), new Date())).toThrow(
      'time must be HH:mm on a 24-hour clock (00:00–23:59), got "24:00"',
    );
    for (const time of ['9:30', '09:60', '0930', '09:30:00']) {
      expect(scheduleSchema.safeParse(daily(time, 'UTC')).success, time).toBe(false);
    }
  });

  it('requires what each frequency needs', () => {
    const messages = (s: unknown) => scheduleSchema.safeParse(s).error?.issues.map((i) => i.message);
    expect(messages({ frequency: 'DAILY', timeZone: 'UTC' })).toEqual([
      'time is required for a DAILY schedule',
    ]);
    expect(messages({ frequency: 'WEEKLY', time: '09:00', timeZone: 'UTC' })).toEqual([
      'weekday is required for a WEEKLY schedule',
    ]);
    expect(messages({ frequency: 'WEEKLY', time: '09:00', timeZone: 'UTC', weekday: 0 })).toEqual([
      'weekday is 1 (Monday) to 7 (Sunday)',
    ]);
    expect(messages({ frequency: 'MONTHLY', time: '09:00', timeZone: 'UTC', dayOfMonth: 32 })).toEqual([
      'dayOfMonth is 1 to 31, or -1 for the last day of the month',
    ]);
    expect(
      messages({ frequency: 'DAILY', time: '09:00', timeZone: 'UTC', weekday: null, dayOfMonth: null }),
    ).toBeUndefined();
  });

  const zones = [
    'America/New_York',
    'Europe/London',
    'Australia/Lord_Howe',
    'Asia/Kolkata',
    'America/Santiago',
    'UTC',
  ];
  it('never skips an occurrence: the next run after (next run − 1 ms) is that same run', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        fc.integer({ min: 0, max: 23 }),
        fc.integer({ min: 0, max: 59 }),
        fc.date({
          min: new Date('2025-01-01T00:00:00Z'),
          max: new Date('2030-01-01T00:00:00Z'),
          noInvalidDate: true,
        }),
        (timeZone, h, m, after) => {
          const s = daily(`${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`, timeZone);
          const run = nextRunAt(s, after)!;
          expect(run.getTime()).toBeGreaterThan(after.getTime());
          expect(run.getTime() - after.getTime()).toBeLessThanOrEqual(49 * 3_600_000);
          expect(nextRunAt(s, new Date(run.getTime() - 1))!.getTime()).toBe(run.getTime());
          const local = DateTime.fromJSDate(run, { zone: timeZone });
          // The local time is the scheduled one, or later by less than a DST jump.
          const wanted = h * 60 + m;
          const got = local.hour * 60 + local.minute;
          expect(got === wanted || (got > wanted && got - wanted <= 60)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('describeSchedule', () => {
  it.each([
    [daily('09:30', 'Asia/Kolkata'), 'Daily at 09:30, Asia/Kolkata'],
    [
      { frequency: 'WEEKLY', time: '08:00', timeZone: 'Europe/Paris', weekday: 1 },
      'Weekly on Monday at 08:00, Europe/Paris',
    ],
    [
      { frequency: 'MONTHLY', time: '07:00', timeZone: 'UTC', dayOfMonth: -1 },
      'Monthly on the last day at 07:00, UTC',
    ],
    [
      { frequency: 'MONTHLY', time: '07:00', timeZone: 'UTC', dayOfMonth: 31 },
      'Monthly on day 31 (the last day in shorter months) at 07:00, UTC',
    ],
    [
      { frequency: 'MONTHLY', time: '07:00', timeZone: 'UTC', dayOfMonth: 5 },
      'Monthly on day 5 at 07:00, UTC',
    ],
    [{ frequency: 'ONCE', time: '10:00', timeZone: 'UTC' }, 'Once at 10:00, UTC'],
    [{ frequency: 'ONCE', timeZone: 'UTC' }, 'Once, as soon as possible'],
  ] as [Schedule, string][])('%j reads "%s"', (s, text) => {
    expect(describeSchedule(s)).toBe(text);
  });
});
