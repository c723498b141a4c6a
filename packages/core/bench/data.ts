// Synthetic lead records for the benchmark, generated lazily page by page from the record index alone
// (so a duplicate can regenerate an earlier record and memory stays flat whatever n is).

const FIRST = [
  'james',
  'mary',
  'robert',
  'patricia',
  'john',
  'jennifer',
  'michael',
  'linda',
  'david',
  'elizabeth',
  'william',
  'barbara',
  'richard',
  'susan',
  'joseph',
  'jessica',
  'thomas',
  'sarah',
  'priya',
  'rahul',
  'anita',
  'vikram',
  'wei',
  'li',
  'yuki',
  'hiro',
  'fatima',
  'omar',
  'lucas',
  'sofia',
  'mateo',
  'emma',
  'noah',
  'olivia',
];
const LAST = [
  'smith',
  'johnson',
  'williams',
  'brown',
  'jones',
  'garcia',
  'miller',
  'davis',
  'rodriguez',
  'martinez',
  'sharma',
  'patel',
  'kumar',
  'singh',
  'wang',
  'chen',
  'tanaka',
  'sato',
  'muller',
  'schmidt',
  'rossi',
  'dubois',
  'silva',
  'santos',
  'khan',
  'ali',
  'nguyen',
  'kim',
  'lee',
  'park',
  'cohen',
  'haddad',
  'okafor',
  'mensah',
];
const WORDS = [
  'acme',
  'globex',
  'initech',
  'umbrella',
  'stark',
  'wayne',
  'wonka',
  'hooli',
  'vandelay',
  'soylent',
  'cyberdyne',
  'tyrell',
  'oscorp',
  'aperture',
  'blue',
  'green',
  'north',
  'south',
  'alpha',
  'delta',
  'apex',
  'nova',
  'prime',
  'smart',
  'data',
  'cloud',
  'tech',
  'labs',
  'works',
  'group',
  'media',
  'retail',
  'foods',
  'health',
  'bio',
];
const TLDS = ['com', 'com', 'com', 'net', 'org', 'io', 'co.uk', 'de', 'in', 'co.in', 'fr', 'com.au', 'ca'];
const MAILBOX = [
  ['gmail.com', 200],
  ['yahoo.com', 60],
  ['hotmail.com', 50],
  ['outlook.com', 40],
  ['icloud.com', 20],
  ['aol.com', 10],
  ['live.com', 10],
  ['yahoo.co.in', 10],
  ['hotmail.co.uk', 8],
  ['gmx.de', 6],
  ['mail.com', 4],
  ['rediffmail.com', 6],
  ['protonmail.com', 5],
  ['comcast.net', 6],
  ['me.com', 4],
  ['ymail.com', 3],
] as const;
const TYPOS = [
  'gnail.com',
  'gmial.com',
  'gmail.con',
  'gamil.com',
  'hotmial.com',
  'hotmail.cm',
  'yaho.com',
  'yahooo.com',
  'outlok.com',
  'iclod.com',
  'gmail.cmo',
  'hotmai.com',
];
const ROLES = [
  'info',
  'sales',
  'support',
  'admin',
  'contact',
  'careers',
  'noreply',
  'billing',
  'hr',
  'office',
];
const INVALID = [
  'john.doe',
  'john@',
  '@example.com',
  'john@@example.com',
  'john doe@example.com',
  'john@example',
  '"john"@example.com',
  'john..doe@example.com',
  'john@example..com',
  'john@-example.com',
  'john@[10.0.0.1]',
  'john@example.com\n',
  'jo\u0000hn@example.com',
  'john@exa_mple.com',
];

/** A fast 32-bit integer hash of (index, salt): every choice about record i derives from it. */
function h(i: number, salt: number): number {
  let x = Math.imul(i ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(salt + 0x632be5ab, 0xc2b2ae35);
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

const pick = <T>(list: readonly T[], i: number, salt: number): T => list[h(i, salt) % list.length]!;

/** About 4,500 company domains, built from the index so thousands of distinct domains recur. */
function companyDomain(k: number): string {
  const a = WORDS[k % WORDS.length]!;
  const b = WORDS[Math.floor(k / WORDS.length) % WORDS.length]!;
  const tld = TLDS[Math.floor(k / (WORDS.length * WORDS.length)) % TLDS.length]!;
  return `${a}${b}.${tld}`;
}

const MAILBOX_TOTAL = MAILBOX.reduce((s, [, w]) => s + w, 0);
function mailboxDomain(i: number): string {
  let r = h(i, 7) % MAILBOX_TOTAL;
  for (const [domain, w] of MAILBOX) {
    if (r < w) return domain;
    r -= w;
  }
  return 'gmail.com';
}

function personEmail(i: number): string {
  const local = `${pick(FIRST, i, 1)}.${pick(LAST, i, 2)}${i % 9973}`;
  const domain = h(i, 3) % 100 < 45 ? mailboxDomain(i) : companyDomain(h(i, 4) % 4500);
  return `${local}@${domain}`;
}

/** Cosmetic variants real exports have: capitals, spaces, tabs. */
function dress(email: string, i: number): string {
  const r = h(i, 5) % 100;
  if (r < 8) return email.charAt(0).toUpperCase() + email.slice(1);
  if (r < 10) return email.toUpperCase();
  if (r < 13) return ` ${email} `;
  if (r < 14) return `\t${email}`;
  return email;
}

/** The mapped email of record i: most valid over thousands of domains, plus typos, roles, duplicates, empties, junk. */
export function emailFor(i: number): unknown {
  const kind = h(i, 0) % 1000;
  if (kind < 20) return kind < 10 ? '' : kind < 15 ? '   ' : null;
  if (kind < 45) return pick(INVALID, i, 6);
  if (kind < 75) return `${pick(FIRST, i, 1)}.${pick(LAST, i, 2)}@${pick(TYPOS, i, 8)}`;
  if (kind < 115) return `${pick(ROLES, i, 9)}@${companyDomain(h(i, 4) % 4500)}`;
  if (kind < 175 && i > 0) {
    const earlier = emailFor(duplicateOf(i));
    return typeof earlier === 'string' ? dress(earlier, i) : earlier;
  }
  return dress(personEmail(i), i);
}

function duplicateOf(i: number): number {
  return i - 1 - (h(i, 10) % Math.min(i, 50_000));
}

/** The normalized email of record i when it is a person's address (its own or a repeat), else undefined. */
export function personFor(i: number): string | undefined {
  const kind = h(i, 0) % 1000;
  if (kind < 115) return undefined;
  if (kind < 175 && i > 0) return personFor(duplicateOf(i));
  return personEmail(i);
}

export type LeadStatus = 'active' | 'deleted' | 'bounced' | 'do_not_mail';

export interface BenchRecord {
  sourceId: string;
  email: unknown;
}

/** One page of records [from, from + size), with what the database would answer for it (one query). */
export function page(
  from: number,
  size: number,
): { records: BenchRecord[]; existing: Map<string, LeadStatus> } {
  const records: BenchRecord[] = new Array(size);
  const existing = new Map<string, LeadStatus>();
  for (let k = 0; k < size; k++) {
    records[k] = { sourceId: String(from + k), email: emailFor(from + k) };
    const person = personFor(from + k);
    const status = person === undefined ? undefined : existingStatus(person);
    if (status) existing.set(person!, status);
  }
  // Through JSON, as a connector's page arrives: flat strings, not the generator's string ropes.
  return { records: JSON.parse(JSON.stringify(records)) as BenchRecord[], existing };
}

/** The existing leads, as a pure function of the normalized email: 12% active, 2% deleted, 1% bounced, 1% do not mail. */
export function existingStatus(email: string): LeadStatus | undefined {
  let x = 0x811c9dc5;
  for (let k = 0; k < email.length; k++) x = Math.imul(x ^ email.charCodeAt(k), 0x01000193);
  const r = (x >>> 0) % 100;
  if (r < 12) return 'active';
  if (r < 14) return 'deleted';
  if (r < 15) return 'bounced';
  if (r < 16) return 'do_not_mail';
  return undefined;
}
