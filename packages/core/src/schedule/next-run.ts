import { DateTime, IANAZone } from 'luxon';
import { instantOfLocalTime } from './local-time.ts';
import { LAST_DAY_OF_MONTH, parseSchedule, type Schedule } from './schema.ts';

export interface NextRunOptions {
  /** The schedule does not run before this instant (e.g. when the sync was initiated). */
  startAt?: Date;
  /** When the sync last ran; a ONCE schedule that has run has no next run. */
  lastRunAt?: Date | null;
}

/**
 * The first run time strictly after `after` (and not before `options.startAt`), or null when there is
 * none (a ONCE schedule that has run). Local times are resolved in the schedule's zone by the DST
 * rules of `instantOfLocalTime`; MONTHLY days past the end of a month fall on its last day.
 * Throws `ScheduleError` for an invalid schedule (unknown zone, bad time, missing weekday…).
 */
export function nextRunAt(schedule: Schedule, after: Date, options: NextRunOptions = {}): Date | null {
  const s = parseSchedule(schedule);
  if (Number.isNaN(after.getTime())) throw new RangeError('nextRunAt: `after` is not a valid date');
  const startAt = options.startAt?.getTime() ?? Number.NEGATIVE_INFINITY;
  const ok = (t: number) => t > after.getTime() && t >= startAt;

  if (s.frequency === 'ONCE') {
    if (options.lastRunAt) return null;
    if (!s.time) return new Date(Math.max(after.getTime(), startAt));
  }
  const [hour, minute] = s.time!.split(':').map(Number) as [number, number];
  const zone = IANAZone.create(s.timeZone);
  // Start a day before the bound's local date: DST shifts can put an occurrence just across midnight.
  const bound = Math.max(after.getTime(), Number.isFinite(startAt) ? startAt : after.getTime());
  let date = DateTime.fromMillis(bound, { zone }).startOf('day').minus({ days: 1 });

  if (s.frequency === 'MONTHLY') {
    let month = date.startOf('month');
    for (let i = 0; i < 36; i++, month = month.plus({ months: 1 })) {
      const last = month.daysInMonth!;
      const day = s.dayOfMonth === LAST_DAY_OF_MONTH ? last : Math.min(s.dayOfMonth!, last);
      const t = instantOfLocalTime(zone, month.year, month.month, day, hour, minute);
      if (ok(t)) return new Date(t);
    }
    return null;
  }

  for (let i = 0; i < 400; i++, date = date.plus({ days: 1 })) {
    if (s.frequency === 'WEEKLY' && date.weekday !== s.weekday) continue;
    const t = instantOfLocalTime(zone, date.year, date.month, date.day, hour, minute);
    if (ok(t)) return new Date(t);
  }
  return null;
}

const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

/** A one-line description for the console: "Daily at 09:30, Asia/Kolkata". */
export function describeSchedule(schedule: Schedule): string {
  const s = parseSchedule(schedule);
  const at = s.time ? ` at ${s.time}, ${s.timeZone}` : '';
  switch (s.frequency) {
    case 'ONCE':
      return s.time ? `Once${at}` : 'Once, as soon as possible';
    case 'DAILY':
      return `Daily${at}`;
    case 'WEEKLY':
      return `Weekly on ${WEEKDAYS[s.weekday! - 1]}${at}`;
    case 'MONTHLY':
      if (s.dayOfMonth === LAST_DAY_OF_MONTH) return `Monthly on the last day${at}`;
      return s.dayOfMonth! > 28
        ? `Monthly on day ${s.dayOfMonth} (the last day in shorter months)${at}`
        : `Monthly on day ${s.dayOfMonth}${at}`;
  }
}
