import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { editDistance, typoDistance } from './distance.ts';

describe('editDistance', () => {
  it('counts a swap of neighbours as one edit', () => {
    expect(editDistance('hotmial', 'hotmail')).toBe(1);
    expect(editDistance('gamil', 'gmail')).toBe(1);
    expect(editDistance('ab', 'ba')).toBe(1);
  });

  it('counts insertions, deletions and substitutions', () => {
    expect(editDistance('yaho', 'yahoo')).toBe(1);
    expect(editDistance('gnail', 'gmail')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
  });

  it('stops early above the bound', () => {
    expect(editDistance('gmail', 'protonmail', 2)).toBe(3);
    expect(editDistance('abcdef', 'uvwxyz', 1)).toBe(2);
  });

  it('is symmetric and zero only for equal strings', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 }), (a, b) => {
        const d = editDistance(a, b);
        expect(editDistance(b, a)).toBe(d);
        expect(d === 0).toBe(a === b);
        expect(d).toBeLessThanOrEqual(Math.max(a.length, b.length));
      }),
    );
  });
});

describe('typoDistance', () => {
  it('counts a neighbouring key as one slip and any other substitution as two', () => {
    expect(typoDistance('gnail', 'gmail')).toBe(1);
    expect(typoDistance('gmaik', 'gmail')).toBe(1);
    expect(typoDistance('con', 'com')).toBe(1);
    expect(typoDistance('xcloud', 'icloud')).toBe(2);
    expect(typoDistance('email', 'gmail')).toBe(2);
    expect(typoDistance('hotmial', 'hotmail')).toBe(1);
    expect(typoDistance('yaho', 'yahoo')).toBe(1);
  });

  it('is never below the plain edit distance', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z]{0,8}$/), fc.stringMatching(/^[a-z]{0,8}$/), (a, b) => {
        expect(typoDistance(a, b)).toBeGreaterThanOrEqual(editDistance(a, b));
        expect(typoDistance(a, b)).toBe(typoDistance(b, a));
      }),
    );
  });
});
