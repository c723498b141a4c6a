import fc from 'fast-check';

/**
 * Email cells as real exports hold them: valid addresses from small pools (so duplicates are frequent), the same
 * upper-cased or padded with spaces and tabs, role addresses, typo domains, invalid shapes, random strings, empty.
 */
const DOMAINS = ['example.com', 'Example.org', 'mail.example.net', 'bücher.example'];
const LOCALS = ['ana', 'bob', 'chloé', 'd.smith', 'eve+news', 'FRANK', 'o\u2019neil'];

const validEmail = fc
  .tuple(fc.constantFrom(...LOCALS), fc.constantFrom(...DOMAINS), fc.constantFrom('', ' ', '\t', '  '))
  .map(([local, domain, pad]) => `${pad}${local}@${domain}${pad}`);
const caseVariant = validEmail.map((e) => e.toUpperCase());
const roleEmail = fc
  .tuple(
    fc.constantFrom('info', 'support', 'careers', 'Admin', 'service', 'sales'),
    fc.constantFrom(...DOMAINS),
  )
  .map(([local, domain]) => `${local}@${domain}`);
const typoEmail = fc
  .tuple(fc.constantFrom(...LOCALS), fc.constantFrom('gnail.com', 'hotmial.com', 'yaho.com', 'outlok.com'))
  .map(([local, domain]) => `${local}@${domain}`);
const invalidEmail = fc.oneof(
  fc.constantFrom(
    'no-at-sign',
    'a@@example.com',
    'a b@example.com',
    'x@-bad.example.com',
    'x@example.123',
    'x@localhost',
    '"quoted"@example.com',
    'x@[127.0.0.1]',
    'line@break.example.com\n',
    'tab\tin@example.com',
    'a@b',
    '@example.com',
    'x@',
    `${'l'.repeat(65)}@example.com`,
    'dot.@example.com',
    'x@exa_mple.com',
  ),
  fc.string({ maxLength: 30 }),
);
const emptyEmail = fc.constantFrom('', ' ', '\t', '   ');
export const emailCell = fc.oneof(
  { arbitrary: validEmail, weight: 6 },
  { arbitrary: caseVariant, weight: 2 },
  { arbitrary: roleEmail, weight: 2 },
  { arbitrary: typoEmail, weight: 2 },
  { arbitrary: invalidEmail, weight: 3 },
  { arbitrary: emptyEmail, weight: 2 },
);

/** Names and other texts as people type them into an app: random strings, graphemes, quotes, line breaks, HTML, emoji. */
export const typedText = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  fc.constantFrom('', ' ', 'O\u2019Brien', 'Zoë', '李', 'مريم', '"quoted"', 'a\nb', '<b>x</b>', '🙂'),
);
