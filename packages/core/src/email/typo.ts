import { typoDistance } from './distance.ts';
import { REAL_MAIL_DOMAINS, SUGGESTION_TARGETS, TWO_LABEL_SUFFIXES } from './known-domains.ts';

interface Target {
  domain: string;
  /** The registrable name: `gmail` of `gmail.com`, `yahoo` of `yahoo.co.uk`. */
  name: string;
  suffix: string;
  /** How many edits the name may be away: 0 for short names, where one edit lands on other real domains. */
  maxNameEdits: number;
  /** Whether the suffix itself may carry one typo (`.con`, `.cm`): only for the generic `com` and `net`. */
  suffixTypos: boolean;
}

/** The registrable name and public suffix of an ASCII domain, or null when it has subdomains or one label. */
export function splitDomain(domain: string): { name: string; suffix: string } | null {
  const labels = domain.split('.');
  if (labels.length < 2) return null;
  const lastTwo = labels.slice(-2).join('.');
  const suffixLabels = labels.length >= 3 && TWO_LABEL_SUFFIXES.has(lastTwo) ? 2 : 1;
  if (labels.length !== suffixLabels + 1) return null;
  return { name: labels[0]!, suffix: labels.slice(1).join('.') };
}

function nameBudget(name: string): number {
  if (name.length <= 4) return 0;
  if (name.length <= 7) return 1;
  return 2;
}

const TARGETS: readonly Target[] = SUGGESTION_TARGETS.map((domain) => {
  const parts = splitDomain(domain);
  if (!parts) throw new Error(`bad suggestion target ${domain}`);
  return {
    domain,
    name: parts.name,
    suffix: parts.suffix,
    maxNameEdits: nameBudget(parts.name),
    suffixTypos: parts.suffix === 'com' || parts.suffix === 'net',
  };
});

const REAL: ReadonlySet<string> = new Set(REAL_MAIL_DOMAINS);

/** Whether a domain is on the never-flag list of real mailbox domains. */
export function isKnownRealDomain(asciiDomain: string): boolean {
  return REAL.has(asciiDomain);
}

/**
 * The well-known mailbox domain a valid ASCII domain is a likely typo of, or null.
 * Compares name with name and suffix with suffix (so `gnail.com` → `gmail.com`, `gmail.con` → `gmail.com`),
 * allows one typo for names of 5–7 letters and two for longer ones (`typoDistance`: a swap of neighbours,
 * a dropped or doubled letter and a neighbouring key count once, any other substitution twice),
 * at most one in total for short names, and never flags a domain on the real-domain list.
 */
export function suggestDomain(asciiDomain: string): string | null {
  if (REAL.has(asciiDomain)) return null;
  const parts = splitDomain(asciiDomain);
  if (!parts) return null;
  let best: Target | null = null;
  let bestScore = Number.POSITIVE_INFINITY;
  for (const t of TARGETS) {
    const suffixEdits =
      parts.suffix === t.suffix ? 0 : t.suffixTypos ? typoDistance(parts.suffix, t.suffix, 1) : 2;
    if (suffixEdits > 1) continue;
    const budget = Math.max(t.maxNameEdits, 1) - suffixEdits;
    const nameBound = Math.min(t.maxNameEdits, budget);
    const nameEdits = typoDistance(parts.name, t.name, nameBound);
    if (nameEdits > nameBound) continue;
    const score = nameEdits + suffixEdits;
    if (score > 0 && score < bestScore) {
      best = t;
      bestScore = score;
    }
  }
  return best ? best.domain : null;
}

/**
 * For a one-label domain that is a well-known domain with its dot left out (`gmailcom`), that domain.
 */
export function suggestMissingDot(label: string): string | null {
  for (const t of TARGETS) {
    if (label === t.domain.replaceAll('.', '')) return t.domain;
  }
  return null;
}
