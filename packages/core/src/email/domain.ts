/// <reference path="./punycode.d.ts" />
import punycode from 'punycode/punycode.js';
import { hashExact, mix } from './hash.ts';
import { suggestDomain, suggestMissingDot } from './typo.ts';

/** What the policy says about one domain, as written in an address. */
export interface DomainVerdict {
  /** The domain lowercased, in its ASCII (punycode) form; null when it breaks the syntax policy. */
  readonly ascii: string | null;
  /** A well-known mailbox domain this one is a likely typo of. */
  readonly suggestion: string | null;
  /** `hashExact(ascii)`, for the run's seen-email set. */
  readonly asciiHash: number;
  /** The domain as written is already its normalized form. */
  readonly asWritten: boolean;
  /** The domain as written (the cache's key). */
  readonly written: string;
}

export const MAX_DOMAIN_LENGTH = 253;
const MAX_LABEL_LENGTH = 63;

/** Any Unicode control, format, surrogate, private-use or unassigned character, or any separator/space. */
const BAD_UNICODE = /[\p{C}\p{Z}]/u;
const NON_ASCII = /[^\p{ASCII}]/u;

function isLdhLabel(domain: string, from: number, to: number): boolean {
  const len = to - from;
  if (len < 1 || len > MAX_LABEL_LENGTH) return false;
  if (domain.charCodeAt(from) === 45 || domain.charCodeAt(to - 1) === 45) return false;
  for (let i = from; i < to; i++) {
    const c = domain.charCodeAt(i);
    const ok = (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 45;
    if (!ok) return false;
  }
  if (to - from > 4 && domain.startsWith('xn--', from)) {
    // An A-label must be real punycode of a label with non-ASCII characters, round-tripping exactly.
    const encoded = domain.slice(from + 4, to);
    try {
      const decoded = punycode.decode(encoded);
      if (!NON_ASCII.test(decoded) || BAD_UNICODE.test(decoded)) return false;
      if (decoded.toLowerCase().normalize('NFC') !== decoded || punycode.encode(decoded) !== encoded)
        return false;
    } catch {
      return false;
    }
  }
  return true;
}

function allDigits(domain: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = domain.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/**
 * Checks an ASCII, lowercased domain: 2+ labels of letters, digits and hyphens, none starting or
 * ending with a hyphen, at most 63 octets each and 253 in all, a top-level label that is not all digits.
 * `xn--` labels must be valid punycode.
 */
export function isValidAsciiDomain(domain: string): boolean {
  if (domain.length === 0 || domain.length > MAX_DOMAIN_LENGTH) return false;
  let start = 0;
  let labels = 0;
  let lastStart = 0;
  for (let i = 0; i <= domain.length; i++) {
    if (i === domain.length || domain.charCodeAt(i) === 46) {
      if (!isLdhLabel(domain, start, i)) return false;
      labels++;
      lastStart = start;
      start = i + 1;
    }
  }
  if (labels < 2) return false;
  return !allDigits(domain, lastStart, domain.length);
}

function toAsciiDomain(raw: string): string | null {
  let lower = raw.toLowerCase();
  let ascii = true;
  for (let i = 0; i < lower.length; i++) {
    if (lower.charCodeAt(i) > 127) {
      ascii = false;
      break;
    }
  }
  if (ascii) return lower;
  lower = lower.normalize('NFC');
  if (BAD_UNICODE.test(lower)) return null;
  try {
    return punycode.toASCII(lower);
  } catch {
    return null;
  }
}

/** Judges a domain from scratch: syntax, IDN conversion, typo suggestion. Use `domainVerdict` (cached). */
export function judgeDomain(raw: string): DomainVerdict {
  const ascii = toAsciiDomain(raw);
  if (ascii === null) return invalid(raw);
  if (!isValidAsciiDomain(ascii)) {
    // `gmailcom`: a well-known domain with its dot left out is still worth a suggestion.
    const fixed = ascii.includes('.') ? null : suggestMissingDot(ascii);
    return invalid(raw, fixed);
  }
  return {
    ascii,
    suggestion: suggestDomain(ascii),
    asciiHash: hashExact(ascii),
    asWritten: ascii === raw,
    written: raw,
  };
}

function invalid(written: string, suggestion: string | null = null): DomainVerdict {
  return { ascii: null, suggestion, asciiHash: 0, asWritten: false, written };
}

const MAX_CAPACITY = 1 << 17;

/** Whether `raw` holds `key` at `from` (a plain loop: faster than `startsWith` with a position). */
function sameChars(raw: string, from: number, key: string): boolean {
  for (let k = 0; k < key.length; k++) if (raw.charCodeAt(from + k) !== key.charCodeAt(k)) return false;
  return true;
}

/**
 * Verdicts per domain as written, in an open-addressing table probed with the hash the scanner already
 * computed and compared in place (character by character at the offset), so a hit allocates nothing. Real files
 * repeat a few thousand domains over and over; the table grows with them (staying small enough for
 * the processor's cache) and is emptied when it reaches its bound, so memory stays flat.
 */
class DomainCache {
  /** Hashes with the low bit set (so 0 marks an empty slot), beside the verdicts that carry their key. */
  private hashes = new Int32Array(0);
  private verdicts: (DomainVerdict | undefined)[] = [];
  private mask = 0;
  private size = 0;

  constructor() {
    this.reset(1024);
  }

  /** The verdict for `raw[from, to)`, whose `hashExact` is `hash`. */
  get(raw: string, from: number, to: number, hash: number): DomainVerdict {
    const tag = hash | 1;
    const len = to - from;
    const mask = this.mask;
    const hashes = this.hashes;
    let i = mix(hash) & mask;
    for (;;) {
      const h = hashes[i]!;
      if (h === 0) break;
      if (h === tag) {
        const verdict = this.verdicts[i]!;
        const key = verdict.written;
        if (key.length === len && sameChars(raw, from, key)) return verdict;
      }
      i = (i + 1) & mask;
    }
    const verdict = judgeDomain(raw.slice(from, to));
    this.insert(hash, verdict);
    return verdict;
  }

  private insert(hash: number, verdict: DomainVerdict): void {
    const capacity = this.mask + 1;
    if ((this.size + 1) * 2 > capacity) {
      if (capacity < MAX_CAPACITY) this.grow(capacity * 2);
      else this.reset(capacity);
    }
    let i = mix(hash) & this.mask;
    while (this.hashes[i] !== 0) i = (i + 1) & this.mask;
    this.hashes[i] = hash | 1;
    this.verdicts[i] = verdict;
    this.size++;
  }

  private grow(capacity: number): void {
    const { verdicts } = this;
    this.reset(capacity);
    for (const verdict of verdicts)
      if (verdict !== undefined) this.insert(hashExact(verdict.written), verdict);
  }

  private reset(capacity: number): void {
    this.hashes = new Int32Array(capacity);
    this.verdicts = new Array(capacity).fill(undefined);
    this.mask = capacity - 1;
    this.size = 0;
  }
}

const cache = new DomainCache();

/** `judgeDomain` of `raw[from, to)`, cached; `hash` must be `hashExact(raw, from, to)`. */
export function cachedDomainVerdict(raw: string, from: number, to: number, hash: number): DomainVerdict {
  return cache.get(raw, from, to, hash);
}

/** `judgeDomain`, cached per domain as written. */
export function domainVerdict(domain: string): DomainVerdict {
  return cache.get(domain, 0, domain.length, hashExact(domain));
}
