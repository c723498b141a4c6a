import { hash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BloomFilter, OccurrenceCounter, RepeatNumbering } from './occurrences.ts';

const sha1 = (text: string) => hash('sha1', text, 'hex');

/** Numbers ids as the reading pass does: the candidates from a first pass through a Bloom filter of `expected`. */
function numberedWithBloom(ids: string[], expected: number): number[] {
  const seen = new BloomFilter(expected);
  const candidates = new OccurrenceCounter();
  for (const id of ids) if (seen.add(sha1(id))) candidates.next(sha1(id));
  const numbering = new RepeatNumbering(candidates);
  return ids.map((id) => numbering.next(sha1(id)));
}

describe('numbering repeated ids', () => {
  it('gives every id the count of its occurrences so far, as an exact count does, whatever the filter misjudges', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 300 }), { maxLength: 2_000 }),
        fc.integer({ min: 1, max: 5_000 }),
        (keys, expected) => {
          const ids = keys.map((k) => `id-${k}`);
          const exact = new OccurrenceCounter();
          expect(numberedWithBloom(ids, expected)).toEqual(ids.map((id) => exact.next(sha1(id))));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('takes about 1% of the ids that occur once for candidates, in about 10 bits an id', () => {
    const seen = new BloomFilter(100_000);
    let candidates = 0;
    for (let i = 0; i < 100_000; i++) if (seen.add(sha1(`person${i}@example.com`))) candidates++;
    expect(candidates).toBeLessThan(2_000);
  });
});
