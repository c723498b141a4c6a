import { DateTime, IANAZone } from 'luxon';

/** Zoho's time format: ISO 8601 with a numeric offset without a colon, e.g. `2026-06-09T13:15:06-0400`. */
export const ZOHO_TIME_FORMAT = "yyyy-MM-dd'T'HH:mm:ssZZZ";

const HOUR = 3_600_000;
const offsetCache = new Map<string, Map<number, number>>();

/** The zone's UTC offset in minutes at `ms`; cached per hour, as offsets change only on the hour or half hour. */
function offsetMinutes(zone: string, ms: number): number {
  let byHour = offsetCache.get(zone);
  if (!byHour) {
    byHour = new Map();
    offsetCache.set(zone, byHour);
  }
  const hour = Math.floor(ms / (HOUR / 2));
  let offset = byHour.get(hour);
  if (offset === undefined) {
    if (byHour.size > 100_000) byHour.clear();
    offset = zone === 'UTC' ? 0 : IANAZone.create(zone).offset(ms);
    byHour.set(hour, offset);
  }
  return offset;
}

/** Formats an instant the way Zoho writes times, in the organization's zone. */
export function formatZohoTime(time: DateTime | Date | number, zone = 'UTC'): string {
  const ms = typeof time === 'number' ? time : time instanceof Date ? time.getTime() : time.toMillis();
  const offset = offsetMinutes(zone, ms);
  const local = new Date(Math.floor(ms / 1000) * 1000 + offset * 60_000).toISOString().slice(0, 19);
  const abs = Math.abs(offset);
  const sign = offset < 0 ? '-' : '+';
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}${String(abs % 60).padStart(2, '0')}`;
}

/** Epoch milliseconds of a Zoho time (or any ISO 8601 time luxon reads); `undefined` when it is not one. */
export function zohoTimeToMillis(value: string): number | undefined {
  return fastTimeToMillis(value) ?? generalTimeToMillis(value);
}

/** The general parser (luxon), the reference the fast path must agree with. */
export function generalTimeToMillis(value: string): number | undefined {
  const dt = DateTime.fromISO(value.trim(), { setZone: true });
  return dt.isValid ? dt.toMillis() : undefined;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The number `length` decimal digits at `at` spell, or -1. */
function digits(value: string, at: number, length: number): number {
  let n = 0;
  for (let i = at; i < at + length; i++) {
    const d = value.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/**
 * Epoch milliseconds of a time in the two shapes a read meets 100,000s of times: Zoho's `2026-06-09T13:15:06-0400`
 * and `2026-06-09T17:15:06.000Z` (also `+04:00`, `Z`, other fraction lengths). `undefined` means "not decided
 * here": anything else, and anything out of range (month 13, 31 June, hour 24, …), goes to the general parser,
 * so the two never disagree on what is valid (tested against each other on generated values).
 */
export function fastTimeToMillis(value: string): number | undefined {
  const length = value.length;
  if (length < 20 || value.charCodeAt(4) !== 45 || value.charCodeAt(7) !== 45 || value.charCodeAt(10) !== 84)
    return undefined;
  if (value.charCodeAt(13) !== 58 || value.charCodeAt(16) !== 58) return undefined;
  const year = digits(value, 0, 4);
  const month = digits(value, 5, 2);
  const day = digits(value, 8, 2);
  const hour = digits(value, 11, 2);
  const minute = digits(value, 14, 2);
  const second = digits(value, 17, 2);
  if (year < 1 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59)
    return undefined;
  if (second < 0 || second > 59) return undefined;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > (month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]!)) return undefined;
  let at = 19;
  let millis = 0;
  if (value.charCodeAt(at) === 46) {
    const start = ++at;
    while (at < length && at - start < 9 && digits(value, at, 1) >= 0) at++;
    if (at === start) return undefined;
    // As luxon reads a fraction (truncated to milliseconds, through a float).
    millis = Math.floor(Number.parseFloat(`0.${value.slice(start, at)}`) * 1000);
  }
  let offset: number;
  const zone = value.charCodeAt(at);
  if (zone === 90 && at + 1 === length) offset = 0;
  else if (zone === 43 || zone === 45) {
    const colon = value.charCodeAt(at + 3) === 58 ? 1 : 0;
    if (at + 5 + colon !== length) return undefined;
    const offsetHours = digits(value, at + 1, 2);
    const offsetMinutes = digits(value, at + 3 + colon, 2);
    if (offsetHours < 0 || offsetHours > 23 || offsetMinutes < 0 || offsetMinutes > 59) return undefined;
    offset = (zone === 45 ? -1 : 1) * (offsetHours * 60 + offsetMinutes);
  } else return undefined;
  return (
    daysFromCivil(year, month, day) * 86_400_000 +
    ((hour * 60 + minute - offset) * 60 + second) * 1000 +
    millis
  );
}

/** Days since 1970-01-01 of a proleptic Gregorian date (month 1–12). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/** `new Date(ms).toISOString()` for years 1000–9999 by integer arithmetic (its home is `@leadsync/core`). */
export { isoFromMillis } from '@leadsync/core';
