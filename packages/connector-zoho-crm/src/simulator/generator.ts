import { INTERESTS, LEAD_SOURCES, TIERS } from './fields.ts';
import type { CrmModuleName, RecordInput } from './types.ts';

/** Shares of generated records whose email a mailing list must refuse or treat apart. */
export interface EmailMix {
  empty: number;
  /** Not an address by the mailing-list syntax policy. */
  invalid: number;
  /** A likely typo of a well-known mailbox domain. */
  typoDomain: number;
  /** A role address (`info@`). */
  role: number;
  /** An earlier record's email again. */
  duplicate: number;
}

export const DEFAULT_EMAIL_MIX: EmailMix = {
  empty: 0.03,
  invalid: 0.02,
  typoDomain: 0.03,
  role: 0.03,
  duplicate: 0.02,
};

/** A seeded xorshift generator: the same seed gives the same records on every machine. */
export function seededRandom(seed: number): () => number {
  let x = seed >>> 0 || 0x9e3779b9;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 4294967296;
  };
}

const FIRST = [
  'Aarav',
  'Beatriz',
  'Chen',
  'Dmitri',
  'Elif',
  'Fatima',
  'Gustav',
  'Hana',
  'Ibrahim',
  'Jonas',
  'Kavya',
];
const LAST = [
  'Okafor',
  'Lindqvist',
  'Tanaka',
  'Moreau',
  'Petrova',
  'Haddad',
  'Silva',
  'Nguyen',
  'Kowalski',
  'Rossi',
];
const COMPANIES = ['Zylker Corp', 'Northwind Traders', 'Acme Widgets', 'Globex', 'Initech', 'Umbrella Foods'];
const COUNTRIES = ['India', 'United Kingdom', 'Germany', 'United States', 'Japan', 'Brazil', 'Canada'];
const DOMAINS = ['gmail.com', 'outlook.com', 'zylker.com', 'example.org', 'mail.co.uk', 'yahoo.co.jp'];
const TYPOS = ['gnail.com', 'gmial.com', 'outlok.com', 'yaho.com'];
const ROLES = ['info', 'sales', 'support', 'admin'];
const OWNERS = [
  { name: 'Patricia Boyle', id: '4150868000000225013', email: 'patricia.boyle@zylker.com' },
  { name: 'Ravi Menon', id: '4150868000000225027', email: 'ravi.menon@zylker.com' },
];

/**
 * Realistic records of a module from a seed (the same seed, count and options give the same records; ids are given
 * when they are added), modified at distinct, increasing times over `spreadDays` before now.
 */
export function generateRecords(
  module: CrmModuleName,
  count: number,
  seed: number,
  options: { emailMix?: Partial<EmailMix>; spreadDays?: number } = {},
): RecordInput[] {
  const random = seededRandom(seed * 31 + (module === 'Leads' ? 1 : 2));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const mix = { ...DEFAULT_EMAIL_MIX, ...options.emailMix };
  const spreadMs = (options.spreadDays ?? 20) * 86_400_000;
  const step = Math.max(1000, Math.floor(spreadMs / Math.max(1, count)));
  const start = Math.floor(Date.now() / 1000) * 1000 - step * (count + 1);
  const emails: string[] = [];
  const records: RecordInput[] = [];
  for (let i = 0; i < count; i++) {
    const first = pick(FIRST);
    const last = pick(LAST);
    let email: string | null = `${first}.${last}${i}@${pick(DOMAINS)}`.toLowerCase();
    let roll = random();
    for (const kind of ['empty', 'invalid', 'typoDomain', 'role', 'duplicate'] as const) {
      roll -= mix[kind];
      if (roll >= 0) continue;
      if (kind === 'empty') email = null;
      else if (kind === 'invalid') email = `${first} ${last}@@${pick(DOMAINS)}`;
      else if (kind === 'typoDomain') email = `${first}.${last}${i}@${pick(TYPOS)}`.toLowerCase();
      else if (kind === 'role') email = `${pick(ROLES)}@${pick(COMPANIES).split(' ')[0]?.toLowerCase()}.com`;
      else if (emails.length > 0) email = pick(emails);
      break;
    }
    if (email) emails.push(email);
    const time = new Date(start + i * step).toISOString();
    const base: RecordInput = {
      Owner: pick(OWNERS),
      First_Name: first,
      Last_Name: last,
      Full_Name: `${first} ${last}`,
      Email: email,
      Phone: `+1-555-${String(1000 + Math.floor(random() * 9000))}`,
      Mobile: null,
      Lead_Source: random() < 0.1 ? null : pick(LEAD_SOURCES),
      Email_Opt_Out: random() < 0.05,
      Created_Time: time,
      Modified_Time: time,
    };
    const interests = INTERESTS.filter(() => random() < 0.3);
    records.push(
      module === 'Leads'
        ? {
            ...base,
            Company: pick(COMPANIES),
            Lead_Status: 'Not Contacted',
            No_of_Employees: Math.floor(random() * 500),
            Annual_Revenue: Math.round(random() * 1e6) / 100,
            Country: pick(COUNTRIES),
            Interests: interests,
            Trade_Show_Name: base.Lead_Source === 'Trade Show' ? 'CRM Expo' : null,
          }
        : {
            ...base,
            Account_Name: { name: pick(COMPANIES), id: String(4_150_868_000_000_300_000 + (i % 50)) },
            Title: random() < 0.5 ? 'Manager' : null,
            Mailing_Country: pick(COUNTRIES),
            Date_of_Birth: null,
            Customer_Tier: pick(TIERS),
            Newsletter_Topics: interests,
          },
    );
  }
  return records;
}
