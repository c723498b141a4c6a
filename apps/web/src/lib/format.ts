import type { Frequency, Schedule } from '../api/types.ts';

// Weekdays are ISO numbers, 1 = Monday … 7 = Sunday (0 is read as Sunday too).
export const weekdayNames = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

export function weekdayName(weekday: number): string {
  return weekdayNames[((weekday % 7) + 7) % 7] ?? `day ${weekday}`;
}

/** `dayOfMonth` -1 means the last day of the month. */
export const lastDayOfMonth = -1;

function ordinal(n: number): string {
  const rem100 = n % 100;
  if (rem100 >= 11 && rem100 <= 13) return `${n}th`;
  switch (n % 10) {
    case 1:
      return `${n}st`;
    case 2:
      return `${n}nd`;
    case 3:
      return `${n}rd`;
    default:
      return `${n}th`;
  }
}

export const frequencyLabels: Record<Frequency, string> = {
  ONCE: 'Once',
  DAILY: 'Daily',
  WEEKLY: 'Weekly',
  MONTHLY: 'Monthly',
};

/** "Daily at 09:30, Asia/Kolkata", "Weekly on Monday at 08:00, Europe/Berlin", "Monthly on the last day at …". */
export function describeSchedule(schedule: Schedule): string {
  if (schedule.frequency === 'ONCE')
    return schedule.time ? `Once at ${schedule.time}, ${schedule.timeZone}` : 'Once, when initiated';
  const text = recurrence(schedule, ', ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** "daily at 09:30<sep>Asia/Kolkata" and the like, for a schedule that repeats. */
function recurrence(schedule: Schedule, zoneSeparator: string): string {
  const at = schedule.time ? ` at ${schedule.time}` : '';
  const zone = `${zoneSeparator}${schedule.timeZone}`;
  switch (schedule.frequency) {
    case 'ONCE':
      return `once${at}${zone}`;
    case 'DAILY':
      return `daily${at}${zone}`;
    case 'WEEKLY':
      return schedule.weekday === null
        ? `weekly${at}${zone}`
        : `weekly on ${weekdayName(schedule.weekday)}${at}${zone}`;
    case 'MONTHLY':
      if (schedule.dayOfMonth === lastDayOfMonth || schedule.dayOfMonth === 0) {
        return `monthly on the last day${at}${zone}`;
      }
      return schedule.dayOfMonth === null
        ? `monthly${at}${zone}`
        : `monthly on the ${ordinal(schedule.dayOfMonth)}${at}${zone}`;
  }
}

/**
 * What initiating does (DESIGN.md §3): "The first import starts now; then daily at 09:00 Asia/Kolkata". A ONCE
 * schedule without a time imports now; with a time, at the next such time.
 */
export function describeInitiation(schedule: Schedule): string {
  if (schedule.frequency === 'ONCE') {
    return schedule.time
      ? `The import runs once, at the next ${schedule.time} ${schedule.timeZone}.`
      : 'The import starts now, once.';
  }
  return `The first import starts now; then ${recurrence(schedule, ' ')}.`;
}

/** A date and time for people, in the given zone (the sync's) or the browser's. */
export function formatDateTime(iso: string | null | undefined, timeZone?: string): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  try {
    return new Intl.DateTimeFormat('en-GB', {
      dateStyle: 'medium',
      timeStyle: 'short',
      ...(timeZone ? { timeZone } : {}),
    }).format(date);
  } catch {
    return date.toISOString();
  }
}

export function formatDuration(startIso: string | null, endIso: string | null): string {
  if (!startIso || !endIso) return '—';
  const ms = new Date(endIso).getTime() - new Date(startIso).getTime();
  if (!Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1000) return `${ms} ms`;
  const s = Math.round(ms / 100) / 10;
  if (s < 60) return `${s} s`;
  return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

export function formatNumber(n: number): string {
  return new Intl.NumberFormat('en-GB').format(n);
}

// Current IANA names that some engines list only under an older alias (Chromium lists Asia/Calcutta, not
// Asia/Kolkata): offered too, so people find the name they know.
const currentNames = [
  'Asia/Kolkata',
  'Asia/Kathmandu',
  'Asia/Yangon',
  'Asia/Ho_Chi_Minh',
  'Europe/Kyiv',
  'America/Nuuk',
  'Atlantic/Faroe',
  'Pacific/Kanton',
  'Pacific/Chuuk',
  'Pacific/Pohnpei',
  'America/Argentina/Buenos_Aires',
  'America/Indiana/Indianapolis',
  'America/Kentucky/Louisville',
  'Africa/Asmara',
  'UTC',
];

export function isKnownTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** All IANA zones the browser knows, with a fallback for engines without `supportedValuesOf`. */
export function timeZones(): string[] {
  const intl = Intl as unknown as { supportedValuesOf?: (key: string) => string[] };
  let zones: string[] = [];
  try {
    zones = intl.supportedValuesOf?.('timeZone') ?? [];
  } catch {
    zones = [];
  }
  if (zones.length === 0) zones = ['Europe/London', 'Europe/Berlin', 'America/New_York', 'Asia/Tokyo'];
  const all = new Set([...zones, ...currentNames.filter(isKnownTimeZone), browserTimeZone()]);
  return [...all].sort((a, b) => (a === 'UTC' ? -1 : b === 'UTC' ? 1 : a.localeCompare(b)));
}

export function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

/** YYYY-MM-DD of a date in the browser's zone. */
export function isoDate(date: Date): string {
  const y = date.getFullYear();
  const m = String(date.getMonth() + 1).padStart(2, '0');
  const d = String(date.getDate()).padStart(2, '0');
  return `${y}-${m}-${d}`;
}

/**
 * The earliest day the retrieval window may start: its local midnight must not be earlier than
 * now minus the connector's look-back, or the API refuses it.
 */
export function earliestRetrievalDate(maxLookbackDays: number, now: Date = new Date()): string {
  const limit = new Date(now.getTime() - maxLookbackDays * 86_400_000);
  const midnight = new Date(limit.getFullYear(), limit.getMonth(), limit.getDate());
  if (midnight.getTime() < limit.getTime()) midnight.setDate(midnight.getDate() + 1);
  return isoDate(midnight);
}

/** Local midnight of a YYYY-MM-DD day, as an ISO instant for the API's DateTime. */
export function dateToInstant(day: string): string {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(y ?? 1970, (m ?? 1) - 1, d ?? 1).toISOString();
}

export function instantToDate(iso: string | null): string {
  if (!iso) return '';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '' : isoDate(date);
}
