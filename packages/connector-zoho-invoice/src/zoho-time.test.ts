import { describe, expect, it } from 'vitest';
import { SeededRandom } from './simulator/random.ts';
import {
  fastTimeToMillis,
  formatZohoTime,
  generalTimeToMillis,
  isoFromMillis,
  zohoTimeToMillis,
} from './zoho-time.ts';

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

describe('the fast time parser', () => {
  const random = new SeededRandom(20_260_609);
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  const OFFSETS = [0, -0, 60, -240, -300, 330, 345, -570, 525, 840, -720, 1439, -1439, 30, -30];

  /** A wall-clock time as text, fields possibly out of range (so invalid ones come too). */
  function text(parts: { y: number; mo: number; d: number; h: number; mi: number; s: number }): string {
    return `${pad(parts.y, 4)}-${pad(parts.mo)}-${pad(parts.d)}T${pad(parts.h)}:${pad(parts.mi)}:${pad(parts.s)}`;
  }
  function zone(minutes: number, colon: boolean): string {
    const sign = minutes < 0 || Object.is(minutes, -0) ? '-' : '+';
    const abs = Math.abs(minutes);
    return `${sign}${pad(Math.floor(abs / 60))}${colon ? ':' : ''}${pad(abs % 60)}`;
  }
  function generated(): string {
    const instant = random.int(Date.UTC(1600, 0, 1), Date.UTC(2400, 0, 1));
    const offset = random.pick(OFFSETS);
    const local = new Date(instant + offset * 60_000);
    const parts = {
      y: local.getUTCFullYear(),
      mo: local.getUTCMonth() + 1,
      d: local.getUTCDate(),
      h: local.getUTCHours(),
      mi: local.getUTCMinutes(),
      s: local.getUTCSeconds(),
    };
    // Now and then a field out of range or at its edge: month 0/13, day 0/29–32, hour 24, minute/second 60.
    if (random.chance(0.2)) {
      const field = random.pick(['mo', 'd', 'h', 'mi', 's'] as const);
      parts[field] = random.pick(
        { mo: [0, 12, 13], d: [0, 28, 29, 30, 31, 32], h: [23, 24], mi: [59, 60], s: [59, 60] }[field],
      );
    }
    if (random.chance(0.1)) parts.y = random.pick([1900, 2000, 2023, 2024, 2100, 1, 9999]);
    const fraction = random.chance(0.3)
      ? `.${String(random.int(0, 10 ** 12)).slice(0, random.int(1, 12))}`
      : '';
    const tail = random.chance(0.2) ? 'Z' : zone(offset, random.chance(0.2));
    return `${text(parts)}${fraction}${tail}`;
  }
  /** A generated value with one character replaced, dropped or added. */
  function damaged(value: string): string {
    const at = random.int(0, value.length - 1);
    const char = random.pick(['0', '9', '-', '+', ':', 'T', 'Z', ' ', '.', ',', 'x', 't', 'z']);
    const kind = random.int(0, 2);
    if (kind === 0) return value.slice(0, at) + char + value.slice(at + 1);
    if (kind === 1) return value.slice(0, at) + value.slice(at + 1);
    return value.slice(0, at) + char + value.slice(at);
  }

  it('agrees with the general parser on generated times, offsets and damaged or out-of-range ones', () => {
    let decidedFast = 0;
    let valid = 0;
    const values = Array.from({ length: 20_000 }, () => {
      const value = generated();
      return random.chance(0.25) ? damaged(value) : value;
    });
    for (const value of values) {
      const general = generalTimeToMillis(value);
      expect({ value, ms: zohoTimeToMillis(value) }).toEqual({ value, ms: general });
      const fast = fastTimeToMillis(value);
      if (fast !== undefined) {
        decidedFast++;
        expect({ value, ms: fast }).toEqual({ value, ms: general });
      }
      if (general !== undefined) valid++;
    }
    // The fast path must carry the load: nearly every valid generated value is decided there.
    expect(valid).toBeGreaterThan(10_000);
    expect(decidedFast).toBeGreaterThan(valid * 0.9);
  });

  it('agrees with the general parser on every edge of the calendar and the clock', () => {
    let decidedFast = 0;
    for (const y of [1, 1900, 1970, 2000, 2023, 2024, 2100, 9999])
      for (let mo = 0; mo <= 13; mo++)
        for (const d of [0, 1, 28, 29, 30, 31, 32])
          for (const [h, mi, s] of [
            [0, 0, 0],
            [23, 59, 59],
            [24, 0, 0],
            [12, 60, 0],
            [12, 0, 60],
          ] as const)
            for (const tail of [
              'Z',
              '.9Z',
              '.123456789+0000',
              '-0000',
              '+1400',
              '-09:30',
              '+2400',
              '-0060',
            ]) {
              const value = `${text({ y, mo, d, h, mi, s })}${tail}`;
              const fast = fastTimeToMillis(value);
              if (fast !== undefined) decidedFast++;
              expect({ value, ms: zohoTimeToMillis(value) }).toEqual({
                value,
                ms: generalTimeToMillis(value),
              });
            }
    expect(decidedFast).toBeGreaterThan(3_000);
  });

  it('decides every time the simulator writes, in every zone', () => {
    for (const zoneName of ['UTC', 'America/New_York', 'Asia/Kolkata', 'Asia/Kathmandu', 'Pacific/Chatham']) {
      for (let i = 0; i < 2_000; i++) {
        const instant = Math.floor(random.int(Date.UTC(1990, 0, 1), Date.UTC(2060, 0, 1)) / 1000) * 1000;
        const value = formatZohoTime(instant, zoneName);
        expect({ value, ms: fastTimeToMillis(value) }).toEqual({ value, ms: instant });
      }
    }
  });

  it('leaves whatever is not its exact shape to the general parser', () => {
    for (const value of [
      ' 2026-06-09T13:15:06-0400',
      '2026-06-09T13:15:06-04',
      '2026-06-09 13:15:06-0400',
      '2026-06-09T13:15-0400',
      '2026-06-09T13:15:06',
      '2026-06-09T13:15:06,5Z',
      '2026-02-29T00:00:00Z',
      '2024-02-30T00:00:00Z',
      '2026-06-09T24:00:00Z',
      '0000-01-01T00:00:00Z',
      '',
    ]) {
      expect(fastTimeToMillis(value)).toBeUndefined();
      expect(zohoTimeToMillis(value)).toBe(generalTimeToMillis(value));
    }
    expect(zohoTimeToMillis(' 2026-06-09T13:15:06-0400')).toBe(Date.UTC(2026, 5, 9, 17, 15, 6));
    expect(zohoTimeToMillis('2026-02-29T00:00:00Z')).toBeUndefined();
    expect(fastTimeToMillis('2024-02-29T00:00:00.5Z')).toBe(Date.UTC(2024, 1, 29, 0, 0, 0, 500));
  });
});

describe('ISO text of an instant', () => {
  it('is exactly what toISOString writes, for generated instants and the edges of its range', () => {
    const random = new SeededRandom(77);
    const instants = [
      0,
      -1,
      Date.UTC(999, 11, 31, 23, 59, 59, 999),
      Date.UTC(1000, 0, 1),
      Date.UTC(1900, 1, 28, 23, 59, 59, 999),
      Date.UTC(2000, 1, 29, 12),
      Date.UTC(2024, 1, 29, 23, 59, 59, 999),
      Date.UTC(2100, 2, 1),
      Date.UTC(9999, 11, 31, 23, 59, 59, 999),
      Date.UTC(10000, 0, 1),
      1.5,
      -8.64e15,
      8.64e15,
    ];
    for (let i = 0; i < 50_000; i++)
      instants.push(random.int(Date.UTC(1000, 0, 1), Date.UTC(10000, 0, 1) - 1));
    for (let i = 0; i < 5_000; i++) instants.push(random.int(-1e12, 1e12) * 1000);
    for (const ms of instants)
      expect({ ms, iso: isoFromMillis(ms) }).toEqual({ ms, iso: new Date(ms).toISOString() });
  });
});
