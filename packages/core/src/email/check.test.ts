import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkEmail, createEmailChecker } from './check.ts';
import { REAL_MAIL_DOMAINS } from './known-domains.ts';

describe('checkEmail: syntax policy', () => {
  it('accepts a plain address and lowercases it', () => {
    expect(checkEmail('John.Doe@Example.COM')).toEqual({
      status: 'valid',
      normalized: 'john.doe@example.com',
    });
  });

  it('returns the same string when the address is already normalized', () => {
    const raw = 'jane@example.org';
    expect(checkEmail(raw).normalized).toBe(raw);
  });

  it('calls a missing, blank or whitespace-only value empty', () => {
    expect(checkEmail('').status).toBe('empty');
    expect(checkEmail('  \t ').status).toBe('empty');
  });

  it('trims leading and trailing spaces and tabs only', () => {
    expect(checkEmail(' \tjane@example.org\t ').normalized).toBe('jane@example.org');
    for (const bad of [
      '\njane@example.org',
      'jane@example.org\r\n',
      'jane@example.org\r',
      '\u00a0jane@example.org',
    ]) {
      expect(checkEmail(bad).status, JSON.stringify(bad)).toBe('invalid');
    }
  });

  it('makes any control character anywhere invalid', () => {
    for (const ch of ['\u0000', '\u0007', '\u001f', '\u007f', '\u0085', '\u200b']) {
      expect(checkEmail(`ja${ch}ne@example.org`).status).toBe('invalid');
      expect(checkEmail(`jane@exa${ch}mple.org`).status).toBe('invalid');
      expect(checkEmail(`jane@exämple.org${ch}`).status).toBe('invalid');
    }
  });

  it('refuses quoted local parts, comments, IP literals, numeric TLDs and single-label domains', () => {
    for (const bad of [
      '"john"@example.com',
      '(c)john@example.com',
      'john@[127.0.0.1]',
      'john@127.0.0.1',
      'john@example.123',
      'john@localhost',
      'john@@example.com',
      'john@exa@mple.com',
      'john doe@example.com',
    ]) {
      expect(checkEmail(bad).status, bad).toBe('invalid');
    }
  });

  it('refuses dots at the ends or doubled in the local part, and bad labels in the domain', () => {
    for (const bad of [
      '.john@example.com',
      'john.@example.com',
      'jo..hn@example.com',
      'john@-example.com',
      'john@example-.com',
      'john@example..com',
      'john@.example.com',
      'john@example.com.',
      'john@exa_mple.com',
    ]) {
      expect(checkEmail(bad).status, bad).toBe('invalid');
    }
    expect(checkEmail("o'brien+news@my-company.co.uk").status).toBe('valid');
  });

  it('enforces 64 octets for the local part, 63 per label and 254 for the address', () => {
    const label63 = 'a'.repeat(63);
    expect(checkEmail(`${'a'.repeat(64)}@example.com`).status).toBe('valid');
    expect(checkEmail(`${'a'.repeat(65)}@example.com`).status).toBe('invalid');
    expect(checkEmail(`a@${label63}.com`).status).toBe('valid');
    expect(checkEmail(`a@${label63}a.com`).status).toBe('invalid');
    const domain = `${label63}.${label63}.${label63}.${'b'.repeat(53)}.com`; // 249 octets
    expect(checkEmail(`abc@${domain}`).status).toBe('valid'); // 253 in all
    expect(checkEmail(`abcd@${domain}`).status).toBe('valid'); // 254
    expect(checkEmail(`abcde@${domain}`).status).toBe('invalid'); // 255
  });

  it('stores internationalized domains in their punycode form', () => {
    expect(checkEmail('Hans@Bücher.DE')).toEqual({ status: 'valid', normalized: 'hans@xn--bcher-kva.de' });
    expect(checkEmail('user@例え.テスト').normalized).toBe('user@xn--r8jz45g.xn--zckzah');
    expect(checkEmail('test@xn--hxajbheg2az3al.xn--jxalpdlp').status).toBe('valid');
    expect(checkEmail('test@xn--a.com').status).toBe('invalid');
    expect(checkEmail('test@xn--abc-.com').status).toBe('invalid');
    expect(
      checkEmail(`a@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}.${'e'.repeat(60)}`).status,
    ).toBe('valid');
    expect(
      checkEmail(`a@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}.${'e'.repeat(61)}`).status,
    ).toBe('invalid');
  });

  it('refuses non-ASCII local parts (dot-atom only)', () => {
    expect(checkEmail('jürgen@example.de').status).toBe('invalid');
  });
});

describe('checkEmail: typo domains', () => {
  it.each([
    ['john@gnail.com', 'john@gmail.com'],
    ['john@gmial.com', 'john@gmail.com'],
    ['john@gamil.com', 'john@gmail.com'],
    ['john@gmail.con', 'john@gmail.com'],
    ['john@gmail.cmo', 'john@gmail.com'],
    ['john@hotmial.com', 'john@hotmail.com'],
    ['john@hotmail.cm', 'john@hotmail.com'],
    ['john@yaho.com', 'john@yahoo.com'],
    ['john@yahooo.com', 'john@yahoo.com'],
    ['john@outlok.com', 'john@outlook.com'],
    ['john@aol.con', 'john@aol.com'],
    ['john@yahooo.co.in', 'john@yahoo.co.in'],
    ['john@sbcgloabl.net', 'john@sbcglobal.net'],
    ['John@GNAIL.com', 'john@gmail.com'],
  ])('%s is invalid with the suggestion %s', (raw, suggestion) => {
    const r = checkEmail(raw);
    expect(r.status).toBe('invalid');
    expect(r.suggestion).toBe(suggestion);
    expect(r.normalized).toBe(raw.toLowerCase());
  });

  it('suggests the well-known domain when its dot is missing', () => {
    expect(checkEmail('john@gmailcom')).toEqual({ status: 'invalid', suggestion: 'john@gmail.com' });
  });

  it.each([
    'mail.com',
    'gmx.com',
    'ymail.com',
    'me.com',
    'live.com',
    'email.com',
    'cloud.com',
    'yahoo.co.in',
    'hotmail.co.uk',
    'yahoo.fi',
    'aim.com',
    'msn.com',
  ])('never flags the real domain %s', (domain) => {
    expect(checkEmail(`john@${domain}`).status).toBe('valid');
  });

  it('leaves ordinary company domains alone, even short ones near a short well-known name', () => {
    for (const domain of [
      'acme.com',
      'aod.com',
      'msc.com',
      'lime.com',
      'gmail.de',
      'mail.gmail.com',
      'outloud.com',
      'xcloud.com',
      'ecloud.com',
      'wahoo.com',
      'amail.com',
    ]) {
      expect(checkEmail(`john@${domain}`).status, domain).toBe('valid');
    }
  });

  it('never flags any domain on the real-domain list', () => {
    const flagged = REAL_MAIL_DOMAINS.filter((d) => checkEmail(`someone@${d}`).status !== 'valid');
    expect(flagged).toEqual([]);
  });
});

describe('checkEmail: role addresses', () => {
  it.each([
    'info',
    'administrator',
    'careers',
    'service',
    'support',
    'sales',
    'noreply',
    'no-reply',
    'postmaster',
  ])('%s@ is a role address', (local) => {
    expect(checkEmail(`${local}@example.com`).status).toBe('role');
  });

  it('matches the whole local part before a +tag, case-insensitively', () => {
    expect(checkEmail('Info+Newsletter@Example.com')).toEqual({
      status: 'role',
      normalized: 'info+newsletter@example.com',
    });
    expect(checkEmail('information@example.com').status).toBe('valid');
    expect(checkEmail('sales.team@example.com').status).toBe('valid');
    expect(checkEmail('john+info@example.com').status).toBe('valid');
  });

  it('takes an organization’s own role names', () => {
    expect(checkEmail('frontdesk@example.com').status).toBe('valid');
    expect(checkEmail('frontdesk@example.com', { extraRoles: [' FrontDesk '] }).status).toBe('role');
    const check = createEmailChecker({ extraRoles: ['kitchen'] });
    expect(check('kitchen+x@example.com').status).toBe('role');
    expect(check('info@example.com').status).toBe('role');
  });

  it('reports a typo before a role (rule 2 before rule 3)', () => {
    expect(checkEmail('info@gnail.com')).toMatchObject({ status: 'invalid', suggestion: 'info@gmail.com' });
  });
});

describe('checkEmail: properties', () => {
  const local = fc.stringMatching(/^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]{1,20}(\.[A-Za-z0-9_+-]{1,10}){0,2}$/);
  const label = fc.stringMatching(/^[A-Za-z0-9]([A-Za-z0-9-]{0,10}[A-Za-z0-9])?$/);
  const unicodeLabel = fc.constantFrom('bücher', 'münchen', '例え', 'ελληνικά', 'café', 'ÅRHUS');
  const domain = fc
    .tuple(
      fc.array(fc.oneof(label, unicodeLabel), { minLength: 1, maxLength: 3 }),
      fc.constantFrom('com', 'de', 'Org', 'xn--jxalpdlp', 'io'),
    )
    .map(([labels, tld]) => [...labels, tld].join('.'));
  const address = fc
    .tuple(fc.stringMatching(/^[ \t]{0,2}$/), local, domain, fc.stringMatching(/^[ \t]{0,2}$/))
    .map(([a, l, d, b]) => `${a}${l}@${d}${b}`);

  it('normalization is idempotent and keeps the verdict', () => {
    fc.assert(
      fc.property(address, (raw) => {
        const first = checkEmail(raw);
        if (first.normalized === undefined) return;
        const second = checkEmail(first.normalized);
        expect(second.normalized).toBe(first.normalized);
        expect(second.status).toBe(first.status);
        expect(second.suggestion).toBe(first.suggestion);
      }),
      { numRuns: 2000 },
    );
  });

  it('no domain on the real-domain list is ever flagged, whatever the local part and case', () => {
    fc.assert(
      fc.property(local, fc.constantFrom(...REAL_MAIL_DOMAINS), fc.boolean(), (l, d, upper) => {
        const r = checkEmail(`${l}@${upper ? d.toUpperCase() : d}`);
        expect(r.suggestion).toBeUndefined();
        expect(['valid', 'role']).toContain(r.status);
      }),
      { numRuns: 2000 },
    );
  });
});
