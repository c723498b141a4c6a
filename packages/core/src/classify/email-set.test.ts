import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hashNormalizedEmail } from '../email/hash.ts';
import { compileRoles, newScanResult, scanEmail, VALID } from '../email/scan.ts';
import { EmailSet } from './email-set.ts';

describe('EmailSet', () => {
  it('adds, finds and counts emails, through many growths', () => {
    const set = new EmailSet();
    for (let i = 0; i < 20_000; i++) expect(set.add(`user${i}@example.com`)).toBe(true);
    expect(set.add('user5@example.com')).toBe(false);
    expect(set.size).toBe(20_000);
    expect(set.has('user19999@example.com')).toBe(true);
    expect(set.has('user20000@example.com')).toBe(false);
  });

  it('tells apart different emails with the same hash', () => {
    const set = new EmailSet();
    expect(set.addHashed('a@x.com', 42)).toBe(true);
    expect(set.addHashed('b@x.com', 42)).toBe(true);
    expect(set.hasHashed('a@x.com', 42)).toBe(true);
    expect(set.hasHashed('c@x.com', 42)).toBe(false);
    expect(set.size).toBe(2);
  });

  it('iterates, serializes and removes', () => {
    const set = new EmailSet(['a@x.com', 'b@x.com', 'c@x.com']);
    expect([...set].sort()).toEqual(['a@x.com', 'b@x.com', 'c@x.com']);
    expect(JSON.parse(JSON.stringify(set)).sort()).toEqual(['a@x.com', 'b@x.com', 'c@x.com']);
    set.deleteAll(['b@x.com']);
    expect(set.has('b@x.com')).toBe(false);
    expect(set.has('a@x.com')).toBe(true);
    expect(set.size).toBe(2);
  });

  it('the scanner’s hash of an address is the hash of its normalized form', () => {
    const roles = compileRoles();
    const out = newScanResult();
    const local = fc.stringMatching(/^[A-Za-z0-9_+-]{1,12}(\.[A-Za-z0-9]{1,6})?$/);
    const domain = fc.constantFrom('Example.COM', 'gmail.com', 'Bücher.de', 'sub.acme.co.uk');
    fc.assert(
      fc.property(local, domain, fc.constantFrom('', ' ', '\t'), (l, d, pad) => {
        if (scanEmail(`${pad}${l}@${d}${pad}`, roles, out) !== VALID) return;
        expect(out.hash).toBe(hashNormalizedEmail(out.normalized!));
      }),
    );
  });
});
