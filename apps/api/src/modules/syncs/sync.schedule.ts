import { IANAZone } from 'luxon';
import { z } from 'zod';

const time = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a local time HH:mm');

/** The schedule of a sync (DESIGN.md §3), as stored on the sync and read by the worker. */
export const scheduleSchema = z
  .object({
    frequency: z.enum(['ONCE', 'DAILY', 'WEEKLY', 'MONTHLY']),
    time: time.nullish(),
    timeZone: z
      .string()
      .refine((zone) => IANAZone.isValidZone(zone), 'an IANA time zone such as Europe/Berlin'),
    weekday: z
      .number()
      .int()
      .min(1, 'from 1 (Monday) to 7 (Sunday)')
      .max(7, 'from 1 (Monday) to 7 (Sunday)')
      .nullish(),
    dayOfMonth: z
      .number()
      .int()
      .min(-1, 'from 1 to 31, or -1 for the last day')
      .max(31, 'from 1 to 31, or -1 for the last day')
      .refine((day) => day !== 0, 'from 1 to 31, or -1 for the last day')
      .nullish(),
  })
  .superRefine((schedule, ctx) => {
    if (!schedule.time)
      ctx.addIssue({ code: 'custom', path: ['time'], message: 'a local time HH:mm is required' });
    if (schedule.frequency === 'WEEKLY' && schedule.weekday == null) {
      ctx.addIssue({ code: 'custom', path: ['weekday'], message: 'a WEEKLY schedule needs a weekday' });
    }
    if (schedule.frequency === 'MONTHLY' && schedule.dayOfMonth == null) {
      ctx.addIssue({
        code: 'custom',
        path: ['dayOfMonth'],
        message: 'a MONTHLY schedule needs a dayOfMonth',
      });
    }
  });
