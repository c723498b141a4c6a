import { IANAZone } from 'luxon';
import { z } from 'zod';

export const FREQUENCIES = ['ONCE', 'DAILY', 'WEEKLY', 'MONTHLY'] as const;
export type Frequency = (typeof FREQUENCIES)[number];

/** `dayOfMonth` value meaning "the last day of the month" (the GraphQL field is an Int). */
export const LAST_DAY_OF_MONTH = -1;

const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;

export const scheduleTimeSchema = z.string().refine((t) => TIME.test(t), {
  error: (issue) => `time must be HH:mm on a 24-hour clock (00:00–23:59), got "${String(issue.input)}"`,
});

export const timeZoneSchema = z.string().refine((zone) => IANAZone.isValidZone(zone), {
  error: (issue) =>
    `unknown time zone "${String(issue.input)}": use an IANA name such as "Asia/Kolkata" or "UTC"`,
});

/**
 * When a sync runs, as the GraphQL `ScheduleInput` gives it:
 * - `frequency` ONCE, DAILY, WEEKLY or MONTHLY;
 * - `time` `HH:mm` local time in `timeZone` (required except for ONCE, where none means "as soon as possible");
 * - `timeZone` an IANA zone name;
 * - `weekday` for WEEKLY: ISO 8601 day number, 1 = Monday … 7 = Sunday;
 * - `dayOfMonth` for MONTHLY: 1–31, or -1 (`LAST_DAY_OF_MONTH`) for the last day. Days 29–31 fall on
 *   the last day of shorter months, so a monthly sync runs every month.
 * Fields that do not apply to the frequency are ignored (null is fine).
 */
export const scheduleSchema = z
  .object({
    frequency: z.enum(FREQUENCIES),
    time: scheduleTimeSchema.nullish(),
    timeZone: timeZoneSchema,
    weekday: z
      .number()
      .int()
      .min(1, 'weekday is 1 (Monday) to 7 (Sunday)')
      .max(7, 'weekday is 1 (Monday) to 7 (Sunday)')
      .nullish(),
    dayOfMonth: z
      .number()
      .int()
      .refine((d) => d === LAST_DAY_OF_MONTH || (d >= 1 && d <= 31), {
        message: 'dayOfMonth is 1 to 31, or -1 for the last day of the month',
      })
      .nullish(),
  })
  .superRefine((s, ctx) => {
    if (s.frequency !== 'ONCE' && !s.time) {
      ctx.addIssue({
        code: 'custom',
        path: ['time'],
        message: `time is required for a ${s.frequency} schedule`,
      });
    }
    if (s.frequency === 'WEEKLY' && (s.weekday === null || s.weekday === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['weekday'],
        message: 'weekday is required for a WEEKLY schedule',
      });
    }
    if (s.frequency === 'MONTHLY' && (s.dayOfMonth === null || s.dayOfMonth === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['dayOfMonth'],
        message: 'dayOfMonth is required for a MONTHLY schedule',
      });
    }
  });
export type Schedule = z.input<typeof scheduleSchema>;

/** A schedule that breaks the rules above; `message` says what to fix. */
export class ScheduleError extends Error {
  override readonly name = 'ScheduleError';
}

/** The schedule, checked; throws `ScheduleError` with every problem in one message. */
export function parseSchedule(schedule: unknown): z.output<typeof scheduleSchema> {
  const parsed = scheduleSchema.safeParse(schedule);
  if (parsed.success) return parsed.data;
  throw new ScheduleError(parsed.error.issues.map((i) => i.message).join('; '));
}
