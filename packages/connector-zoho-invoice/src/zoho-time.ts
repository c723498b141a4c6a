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

const FAST_ISO =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3})\d*)?(Z|([+-])(\d{2}):?(\d{2}))$/;

const parsedTimes = new Map<string, number | undefined>();

/** Epoch milliseconds of a Zoho time (or any ISO 8601 time with an offset); `undefined` when it is not one. */
export function zohoTimeToMillis(value: string): number | undefined {
  // A list row's times are parsed several times over (validation, paging, field values): remember the recent ones.
  if (parsedTimes.has(value)) return parsedTimes.get(value);
  if (parsedTimes.size >= 4096) parsedTimes.clear();
  const ms = parseTime(value);
  parsedTimes.set(value, ms);
  return ms;
}

function parseTime(value: string): number | undefined {
  const m = FAST_ISO.exec(value.trim());
  if (m) {
    const [, y, mo, d, h, mi, s, frac, z, sign, oh, om] = m;
    const utc = Date.UTC(
      Number(y),
      Number(mo) - 1,
      Number(d),
      Number(h),
      Number(mi),
      Number(s),
      Number((frac ?? '0').padEnd(3, '0')),
    );
    if (
      Number.isNaN(utc) ||
      Number(mo) > 12 ||
      Number(d) > 31 ||
      Number(h) > 23 ||
      Number(mi) > 59 ||
      Number(s) > 59
    )
      return undefined;
    const offset = z === 'Z' ? 0 : (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om));
    return utc - offset * 60_000;
  }
  const dt = DateTime.fromISO(value.trim(), { setZone: true });
  return dt.isValid ? dt.toMillis() : undefined;
}
