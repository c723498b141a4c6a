/**
 * Seeded realistic contacts. Over 300 lines because about 220 of them are the word lists (names, companies,
 * countries, cities, domains) the generator draws from; the logic is the last 90 lines.
 */
import { SeededRandom } from './random.ts';
import type { ContactInput } from './types.ts';

/** Shares (0..1) of the generated contacts whose primary email is deliberately troublesome. */
export interface EmailMix {
  /** A likely typo of a well-known mailbox domain (`gnail.com`). */
  typoDomain: number;
  /** A role/group address (`info@`, `support@`). */
  role: number;
  /** The email of an earlier generated contact again (sometimes in another letter case). */
  duplicate: number;
  /** No email at all. */
  empty: number;
  /** Not an email address by the mailing-list syntax policy. */
  invalid: number;
}

export const DEFAULT_EMAIL_MIX: EmailMix = {
  typoDomain: 0.03,
  role: 0.03,
  duplicate: 0.02,
  empty: 0.03,
  invalid: 0.02,
};

export interface GeneratorOptions {
  emailMix?: Partial<EmailMix>;
  /** Share of contacts with one or two further contact persons (each with an email). */
  extraContactPersons?: number;
  /** Generated contacts were last modified within this many days before now. */
  spreadDays?: number;
}

const FIRST_NAMES = [
  'Olivia',
  'Liam',
  'Emma',
  'Noah',
  'Ava',
  'Mateo',
  'Sofia',
  'Lucas',
  'Priya',
  'Arjun',
  'Ananya',
  'Rohan',
  'Yuki',
  'Haruto',
  'Mei',
  'Wei',
  'Fatima',
  'Omar',
  'Layla',
  'Youssef',
  'Chloe',
  'Louis',
  'Léa',
  'Jonas',
  'Greta',
  'Lukas',
  'Isabella',
  'Santiago',
  'Camila',
  'Diego',
  'Zoe',
  'Ethan',
  'Amelia',
  'Oliver',
  'Freya',
  'Aiden',
  'Nora',
  'Henrik',
  'Ingrid',
  'José',
  'Siobhan',
  'Kwame',
  'Amara',
  'Chen',
  'Dmitri',
  'Elif',
];
const LAST_NAMES = [
  'Smith',
  'Johnson',
  'Williams',
  'Brown',
  'Garcia',
  'Martinez',
  'Patel',
  'Sharma',
  'Iyer',
  'Reddy',
  'Nakamura',
  'Sato',
  'Tanaka',
  'Wang',
  'Li',
  'Zhang',
  'Al-Farsi',
  'Haddad',
  'Müller',
  'Schmidt',
  'Fischer',
  'Dubois',
  'Laurent',
  'Moreau',
  'Rossi',
  'Bianchi',
  'Silva',
  'Santos',
  'Oliveira',
  'Kowalski',
  'Nowak',
  'Jensen',
  'Larsen',
  'Andersson',
  "O'Brien",
  'Murphy',
  'Kelly',
  'Mensah',
  'Okafor',
  'Ivanov',
  'Yilmaz',
  'Thompson',
];
const COMPANY_WORDS = [
  'Northwind',
  'Bluebird',
  'Summit',
  'Evergreen',
  'Pioneer',
  'Harbor',
  'Silverline',
  'Redwood',
  'Brightpath',
  'Cobalt',
  'Granite',
  'Lotus',
  'Meridian',
  'Orchid',
  'Sapphire',
  'Tidewater',
  'Vertex',
  'Willow',
  'Zenith',
  'Aurora',
  'Cedar',
  'Falcon',
  'Ironbridge',
  'Juniper',
  'Keystone',
  'Maple',
  'Nimbus',
  'Oakridge',
  'Quartz',
];
const COMPANY_SUFFIXES = [
  'Traders',
  'Logistics',
  'Consulting',
  'Studios',
  'Labs',
  'Foods',
  'Retail',
  'Health',
  'Builders',
  'Analytics',
  'Textiles',
  'Motors',
  'Design',
  'Pharma',
  'Energy',
  'Travel',
];
const COMPANY_FORMS = ['Inc.', 'LLC', 'Ltd', 'GmbH', 'Pvt. Ltd.', 'S.A.', 'Pty Ltd', 'K.K.', ''];
const COUNTRIES = [
  'U.S.A',
  'India',
  'United Kingdom',
  'Germany',
  'France',
  'Australia',
  'Canada',
  'Japan',
  'Brazil',
  'Spain',
  'Netherlands',
  'Saudi Arabia',
  'United Arab Emirates',
  'Singapore',
  'Mexico',
  'South Africa',
  'Italy',
];
const CITIES: Record<string, string[]> = {
  'U.S.A': ['New York', 'Austin', 'Seattle', 'Chicago'],
  India: ['Chennai', 'Bengaluru', 'Mumbai', 'Pune'],
  'United Kingdom': ['London', 'Manchester', 'Leeds'],
  Germany: ['Berlin', 'Munich', 'Hamburg'],
  France: ['Paris', 'Lyon', 'Toulouse'],
  Australia: ['Sydney', 'Melbourne', 'Brisbane'],
  Canada: ['Toronto', 'Vancouver', 'Montréal'],
  Japan: ['Tokyo', 'Osaka', 'Kyoto'],
};
const MAILBOX_DOMAINS = [
  'gmail.com',
  'yahoo.com',
  'outlook.com',
  'hotmail.com',
  'icloud.com',
  'gmx.de',
  'mail.com',
];
const TYPO_DOMAINS = [
  'gnail.com',
  'gmial.com',
  'gmai.com',
  'yaho.com',
  'yahooo.com',
  'hotmial.com',
  'outlok.com',
  'hotmal.com',
  'iclod.com',
];
const ROLE_LOCALS = [
  'info',
  'support',
  'sales',
  'admin',
  'administrator',
  'careers',
  'service',
  'billing',
  'office',
];
const INDUSTRIES = [
  'Retail',
  'Manufacturing',
  'Healthcare',
  'Education',
  'Hospitality',
  'Technology',
  'Finance',
  'Logistics',
  'Agriculture',
  'Media',
];
const LEAD_SOURCES = ['Website', 'Referral', 'Trade show', 'Cold call', 'Partner', 'Advertisement'];

function slug(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '');
}

function invalidEmail(random: SeededRandom, first: string, last: string): string {
  const local = `${slug(first)}.${slug(last)}`;
  return random.pick([
    `${local}@`,
    `${local}@@example.com`,
    `${slug(first)} ${slug(last)}@example.com`,
    `${local}..x@example.com`,
    `@example.com`,
    `${local}@localhost`,
    `${local}@[192.168.0.1]`,
    `${local}@example..com`,
    `${local}@-example.com`,
    `${local}(work)@example.com`,
  ]);
}

function emailKind(roll: number, mix: EmailMix): keyof EmailMix | 'good' {
  let threshold = 0;
  for (const kind of ['empty', 'invalid', 'typoDomain', 'role', 'duplicate'] as const) {
    threshold += mix[kind];
    if (roll < threshold) return kind;
  }
  return 'good';
}

/**
 * Realistic contacts from a seed: the same seed, count and options give the same contacts (ids and times are
 * given by the simulator when they are added).
 */
export function generateContacts(
  seed: number,
  count: number,
  options: GeneratorOptions = {},
): ContactInput[] {
  const random = new SeededRandom(seed);
  const mix = { ...DEFAULT_EMAIL_MIX, ...options.emailMix };
  const extraShare = options.extraContactPersons ?? 0.1;
  const spreadMs = (options.spreadDays ?? 20) * 86_400_000;
  const now = Date.now();
  const usedEmails: string[] = [];
  const contacts: ContactInput[] = [];
  // Distinct, increasing modification times, as a real account that grew over weeks has.
  const step = Math.max(1000, Math.floor(spreadMs / Math.max(1, count)));
  const start = now - step * (count + 1);

  for (let i = 0; i < count; i++) {
    const first = random.pick(FIRST_NAMES);
    const last = random.pick(LAST_NAMES);
    const isBusiness = random.chance(0.75);
    const companyName = isBusiness
      ? `${random.pick(COMPANY_WORDS)} ${random.pick(COMPANY_SUFFIXES)} ${random.pick(COMPANY_FORMS)}`.trim()
      : '';
    const companyDomain = companyName ? `${slug(companyName.split(' ')[0] ?? 'company')}.example.com` : '';
    const country = random.pick(COUNTRIES);

    let email: string;
    const kind = emailKind(random.next(), mix);
    if (kind === 'empty') email = '';
    else if (kind === 'invalid') email = invalidEmail(random, first, last);
    else if (kind === 'typoDomain')
      email = `${slug(first)}.${slug(last)}${random.int(1, 99)}@${random.pick(TYPO_DOMAINS)}`;
    else if (kind === 'role')
      email = `${random.pick(ROLE_LOCALS)}@${companyDomain || `${slug(last)}-family.example.com`}`;
    else if (kind === 'duplicate' && usedEmails.length > 0) {
      const earlier = random.pick(usedEmails);
      email = random.chance(0.5) ? earlier.toUpperCase() : earlier;
    } else {
      const domain = companyDomain && random.chance(0.6) ? companyDomain : random.pick(MAILBOX_DOMAINS);
      const local = random.pick([
        `${slug(first)}.${slug(last)}`,
        `${slug(first)}${slug(last)}${random.int(1, 999)}`,
        `${slug(first).charAt(0)}${slug(last)}`,
      ]);
      email = `${local}@${domain}`;
      // Spreadsheet habits: the odd stray space or capital.
      if (random.chance(0.02)) email = ` ${email}`;
      if (random.chance(0.03)) email = email.replace(/^./, (c) => c.toUpperCase());
      usedEmails.push(email.trim());
    }

    const customFields: { label: string; value: string | number }[] = [
      { label: 'Industry', value: random.pick(INDUSTRIES) },
    ];
    if (random.chance(0.7)) customFields.push({ label: 'Lead Source', value: random.pick(LEAD_SOURCES) });
    if (isBusiness && random.chance(0.5))
      customFields.push({ label: 'Employees', value: random.int(2, 5000) });

    const extraPersons = random.chance(extraShare) ? random.int(1, 2) : 0;
    const contactPersons = Array.from({ length: extraPersons }, () => {
      const pf = random.pick(FIRST_NAMES);
      const pl = random.pick(LAST_NAMES);
      return {
        first_name: pf,
        last_name: pl,
        email: `${slug(pf)}.${slug(pl)}@${companyDomain || random.pick(MAILBOX_DOMAINS)}`,
        phone: `+1 555 ${String(random.int(100, 999))} ${String(random.int(1000, 9999))}`,
      };
    });
    const modified = start + step * i + random.int(0, Math.max(0, step - 1000));
    const created = modified - random.int(0, 30) * 86_400_000;

    contacts.push({
      contact_name: companyName || `${first} ${last}`,
      company_name: companyName,
      first_name: first,
      last_name: last,
      email,
      phone: random.chance(0.8)
        ? `+${random.int(1, 99)} ${random.int(100, 999)} ${random.int(100000, 9999999)}`
        : '',
      website: companyDomain ? `https://www.${companyDomain}` : '',
      status: random.chance(0.92) ? 'active' : 'inactive',
      billing_address: { country, city: random.pick(CITIES[country] ?? ['']), state: '', zip: '' },
      custom_fields: customFields,
      contact_persons: contactPersons,
      created_time: new Date(created).toISOString(),
      last_modified_time: new Date(modified).toISOString(),
    });
  }
  return contacts;
}
