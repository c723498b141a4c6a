import { describe, expect, it } from 'vitest';
import { isoFromMillis } from './iso-time.ts';

describe('isoFromMillis', () => {
  it('is new Date(ms).toISOString() inside and outside years 1000-9999', () => {
    let state = 22;
    const next = () => {
      state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
      return state / 2_147_483_648;
    };
    const from = Date.UTC(1000, 0, 1);
    const to = Date.UTC(10000, 0, 1);
    const instants = [from, to - 1, to, from - 1, 0, -1, Date.UTC(2000, 1, 29, 12), 1.5, -8.64e15, 8.64e15];
    for (let i = 0; i < 20_000; i += 1) instants.push(Math.floor(from + next() * (to - from)));
    for (const ms of instants) {
      if (isoFromMillis(ms) !== new Date(ms).toISOString())
        expect({ ms, iso: isoFromMillis(ms) }).toEqual({ ms, iso: new Date(ms).toISOString() });
    }
  });
});
