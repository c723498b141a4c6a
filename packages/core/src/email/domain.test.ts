import { domainToASCII } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DomainCache, domainVerdict, isValidAsciiDomain, judgeDomain } from './domain.ts';
import { hashExact } from './hash.ts';

describe('domain verdicts', () => {
  it('stay right while the cache grows past its bound and starts over', () => {
    for (let i = 0; i < 70_000; i++) {
      const v = domainVerdict(`company${i}.example`);
      expect(v.ascii).toBe(`company${i}.example`);
    }
    expect(domainVerdict('gnail.com').suggestion).toBe('gmail.com');
    expect(domainVerdict('GMAIL.com')).toMatchObject({
      ascii: 'gmail.com',
      suggestion: null,
      asWritten: false,
    });
    expect(domainVerdict('gmail.com')).toMatchObject({ ascii: 'gmail.com', asWritten: true });
    expect(domainVerdict('company5.example').ascii).toBe('company5.example');
  });

  it('judges label rules on the ASCII form', () => {
    expect(isValidAsciiDomain('a-b.c0m')).toBe(true);
    expect(isValidAsciiDomain('example.123')).toBe(false);
    expect(isValidAsciiDomain('localhost')).toBe(false);
    expect(judgeDomain('exa mple.com').ascii).toBeNull();
    expect(judgeDomain('ex\u00a0ample.com').ascii).toBeNull();
    expect(judgeDomain('ÉCOLE.fr').ascii).toBe('xn--cole-9oa.fr');
  });

  it('converts internationalized domains as WHATWG URL (UTS 46) does, for ordinary names', () => {
    for (const domain of [
      'bücher.de',
      'MÜNCHEN.de',
      'ελληνικά.gr',
      '例え.テスト',
      'яндекс.рф',
      'café.fr',
      'ñandú.com.ar',
    ]) {
      expect(judgeDomain(domain).ascii, domain).toBe(domainToASCII(domain));
    }
  });

  it('finds every domain again after the table grows, and judges over-long ones without caching them', () => {
    const cache = new DomainCache();
    const domains = Array.from({ length: 5000 }, (_, i) => `d${i}.example.org`);
    const slotOf = (d: string) => cache.slot(d, 0, d.length, hashExact(d));
    for (const d of domains) slotOf(d);
    const slots = domains.map(slotOf);
    expect(domains.map(slotOf)).toEqual(slots);
    expect(new Set(slots).size).toBe(domains.length);
    expect(cache.verdict(slots[1234]!).written).toBe('d1234.example.org');
    const long = `${'a'.repeat(2000)}.com`;
    expect(cache.verdict(slotOf(long))).toMatchObject({ ascii: null, written: long });
  });
});
