import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IdSet } from './id-set.ts';

/** Zoho-like ids (10 to 18 digits, no leading zero) and a few of any other form. */
const idArb = fc.oneof(
  { weight: 8, arbitrary: fc.bigInt({ min: 1_000_000_000n, max: 999_999_999_999_999_999n }).map(String) },
  { weight: 1, arbitrary: fc.string({ maxLength: 20 }) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 999_999_999 }).map(String) },
);

describe('IdSet', () => {
  it('answers add() exactly as a Set of the same ids, however many and in whatever order', () => {
    fc.assert(
      fc.property(
        fc.array(idArb, { maxLength: 3_000 }),
        fc.array(fc.nat(), { maxLength: 500 }),
        (ids, repeats) => {
          const all = [...ids, ...repeats.map((i) => ids[i % Math.max(1, ids.length)] ?? '')];
          const set = new IdSet();
          const reference = new Set<string>();
          for (const id of all) {
            const before = reference.size;
            reference.add(id);
            expect(set.add(id)).toBe(reference.size > before);
          }
          expect(set.size).toBe(reference.size);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('tells apart ids that share their last nine digits or their leading ones', () => {
    const set = new IdSet();
    expect(set.add('4600000000123456789')).toBe(true); // 19 digits: kept as a string
    expect(set.add('460000000123456789')).toBe(true);
    expect(set.add('460000001123456789')).toBe(true);
    expect(set.add('123456789')).toBe(true); // 9 digits: kept as a string
    expect(set.add('1123456789')).toBe(true);
    expect(set.add('460000000123456789')).toBe(false);
    expect(set.size).toBe(5);
  });

  it('holds a million ids', () => {
    const set = new IdSet();
    for (let i = 0; i < 1_000_000; i++) set.add(String(460_000_000_000_000_000n + BigInt(i * 7919)));
    expect(set.size).toBe(1_000_000);
    expect(set.add(String(460_000_000_000_000_000n + 7919n * 999_999n))).toBe(false);
    expect(set.add('460000000000000001')).toBe(true);
  });
});
