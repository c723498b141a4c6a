import { IANAZone } from 'luxon';

const MINUTE = 60_000;
const DAY = 86_400_000;

/**
 * The instant of a local wall-clock time in an IANA zone, by the DST rules of DESIGN.md section 3:
 * a time that occurs twice (clocks going back) takes the first occurrence; a time that does not occur
 * (clocks going forward) moves forward to the first valid instant, the moment the clocks jump.
 */
export function instantOfLocalTime(
  zone: IANAZone,
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
): number {
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  const before = zone.offset(wall - DAY);
  const after = zone.offset(wall + DAY);
  let first = Number.POSITIVE_INFINITY;
  for (const offset of new Set([before, after, zone.offset(wall)])) {
    const t = wall - offset * MINUTE;
    if (zone.offset(t) === offset && t < first) first = t;
  }
  if (first !== Number.POSITIVE_INFINITY) return first;

  // In a gap: find the transition, the first instant with the later offset.
  let lo = wall - Math.max(before, after) * MINUTE;
  let hi = wall - Math.min(before, after) * MINUTE;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (zone.offset(mid) === after) hi = mid;
    else lo = mid;
  }
  return hi;
}
