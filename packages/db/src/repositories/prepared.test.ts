import { describe, expect, it } from 'vitest';
import { parseTimestamptz } from './prepared.ts';

/** A small seeded generator, so a failure names a value that can be replayed. */
function generator(seed: number) {
  let state = seed;
  return (below: number) => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state % below;
  };
}

const pad = (value: number, width: number) => String(value).padStart(width, '0');

describe('parseTimestamptz', () => {
  it('gives the same Date as new Date(text) for what PostgreSQL writes (DateStyle ISO), milliseconds truncated', () => {
    const next = generator(22);
    for (let i = 0; i < 20_000; i += 1) {
      const fraction = next(7); // 0: none, else that many digits
      const offset = next(4);
      const text =
        `${pad(1000 + next(9000), 4)}-${pad(1 + next(12), 2)}-${pad(1 + next(28), 2)} ` +
        `${pad(next(24), 2)}:${pad(next(60), 2)}:${pad(next(60), 2)}` +
        (fraction ? `.${pad(next(10 ** fraction), fraction)}` : '') +
        (offset === 0
          ? '+00'
          : `${next(2) ? '+' : '-'}${pad(next(15), 2)}${offset === 1 ? '' : `:${pad(next(60), 2)}`}`);
      const parsed = parseTimestamptz(text);
      const expected = new Date(text);
      if (parsed.getTime() !== expected.getTime())
        expect({ text, time: parsed.getTime() }).toEqual({ text, time: expected.getTime() });
    }
  });

  it('leaves every other shape to new Date(text)', () => {
    for (const text of [
      'infinity',
      '-infinity',
      '0099-12-04 23:20:30+00',
      '1850-06-01 10:00:00+00:53:28',
      '2026-12-04 23:20:30+00 BC',
      '12345-12-04 23:20:30+00',
      '2026-12-04T23:20:30.5Z',
      '2026-12-04 23:20:30.123456+00',
      '2026-12-04 23:20:30.999+05:30',
    ]) {
      expect([text, parseTimestamptz(text).getTime()]).toEqual([text, new Date(text).getTime()]);
    }
  });
});
