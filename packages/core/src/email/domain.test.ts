import { domainToASCII } from 'node:url';
import { describe, expect, it } from 'vitest';
import { domainVerdict, isValidAsciiDomain, judgeDomain } from './domain.ts';

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
});
