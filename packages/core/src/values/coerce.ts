import { DateTime } from 'luxon';

/** A date value: the instant, and the calendar date it falls on where it was written (`yyyy-MM-dd`). */
export interface DateValue {
  millis: number;
  day: string;
  /** The value named a calendar day only (`2026-06-09`), not an instant. */
  dateOnly: boolean;
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Parses dates the way sources write them: ISO 8601 (`2026-06-09`, `2026-06-09T13:15:06-0400`), SQL
 * (`2026-06-09 13:15:06`), epoch milliseconds, or a `Date`. A time without an offset is taken as UTC,
 * so the result never depends on the machine's zone. Null when it is not a date.
 */
export function toDateValue(value: unknown): DateValue | null {
  let dt: DateTime | null = null;
  let dateOnly = false;
  if (value instanceof Date) dt = DateTime.fromJSDate(value, { zone: 'utc' });
  else if (typeof value === 'number')
    dt = Number.isFinite(value) ? DateTime.fromMillis(value, { zone: 'utc' }) : null;
  else if (typeof value === 'string') {
    const s = value.trim();
    if (s === '') return null;
    dateOnly = DATE_ONLY.test(s);
    dt = DateTime.fromISO(s, { zone: 'utc', setZone: true });
    if (!dt.isValid) dt = DateTime.fromSQL(s, { zone: 'utc', setZone: true });
  }
  if (!dt?.isValid) return null;
  return { millis: dt.toMillis(), day: dt.toISODate()!, dateOnly };
}

/** A finite number from a number or a numeric string (`' 42 '`, `'-1.5e3'`); null otherwise. */
export function toNumber(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string') {
    const s = value.trim();
    if (s === '') return null;
    const n = Number(s);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

const TRUE = new Set(['true', 'yes', 'y', '1', 'on']);
const FALSE = new Set(['false', 'no', 'n', '0', 'off']);

/** A boolean from a boolean, 1/0, or true/false/yes/no/on/off (any case); null otherwise. */
export function toBoolean(value: unknown): boolean | null {
  if (typeof value === 'boolean') return value;
  if (value === 1 || value === 0) return value === 1;
  if (typeof value === 'string') {
    const s = value.trim().toLowerCase();
    if (TRUE.has(s)) return true;
    if (FALSE.has(s)) return false;
  }
  return null;
}

/** Text of a scalar (strings as they are, numbers and booleans written out); null for anything else. */
export function toText(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  return null;
}

/** Whether a value counts as empty: missing, null, blank text or an empty list. */
export function isEmptyValue(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (typeof value === 'string') return value.trim() === '';
  if (Array.isArray(value)) return value.every(isEmptyValue);
  return false;
}
