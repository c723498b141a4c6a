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
const MAX_ARENA = 1 << 22;
/** Longer domains (always invalid) are judged without being cached. */
const MAX_CACHED_LENGTH = 1024;

/** Slot layout: four int32 per slot, so one probe reads one cache line. */
const STRIDE = 4;
const TAG = 0; // hash with the low bit set; 0 marks an empty slot
const LENGTH = 1; // length of the domain as written, and the PLAIN flag
const OFFSET = 2; // where its characters start in the arena
const ASCII_HASH = 3;
/** The domain is valid, already normalized as written, and no typo: the scanner needs nothing else. */
export const PLAIN = 1 << 16;

/**
 * Verdicts per domain as written, in an open-addressing table probed with the hash the scanner already
 * computed. A slot keeps what the common case needs in four integers, and the domain's characters sit in
 * one arena, so a hit reads two cache lines and allocates nothing; equality is exact (the characters are
 * compared). Real files repeat a few thousand domains over and over; the table grows with them and is
 * emptied when it reaches its bound, so memory stays flat.
 */
export class DomainCache {
  slots = new Int32Array(0);
  verdicts: (DomainVerdict | undefined)[] = [];
  private arena = new Uint16Array(0);
  private used = 0;
  private mask = 0;
  private size = 0;

  constructor() {
    this.reset(1024, 16 * 1024);
  }

  /** The slot (index into `slots`) of `raw[from, to)`, whose `hashExact` is `hash`; judged and added if new. */
  slot(raw: string, from: number, to: number, hash: number): number {
    const tag = hash | 1;
    const len = to - from;
    const slots = this.slots;
    const mask = this.mask;
    let i = mix(hash) & mask;
    for (;;) {
      const at = i * STRIDE;
      const t = slots[at + TAG]!;
      if (t === 0) break;
      if (
        t === tag &&
        (slots[at + LENGTH]! & 0xffff) === len &&
        this.same(raw, from, len, slots[at + OFFSET]!)
      ) {
        return at;
      }
      i = (i + 1) & mask;
    }
    return this.insert(raw.slice(from, to), hash);
  }

  private same(raw: string, from: number, len: number, offset: number): boolean {
    const arena = this.arena;
    for (let k = 0; k < len; k++) if (raw.charCodeAt(from + k) !== arena[offset + k]) return false;
    return true;
  }

  /** The verdict of a slot `slot` returned. */
  verdict(slot: number): DomainVerdict {
    return this.verdicts[slot / STRIDE]!;
  }

  private insert(domain: string, hash: number): number {
    const verdict = judgeDomain(domain);
    if (domain.length > MAX_CACHED_LENGTH) return this.scratch(verdict, hash);
    const capacity = this.mask + 1;
    const needSlots = (this.size + 1) * 2 > capacity;
    const needChars = this.used + domain.length > this.arena.length;
    if (needSlots || needChars) {
      const slots = needSlots ? capacity * 2 : capacity;
      const chars = needChars ? this.arena.length * 2 : this.arena.length;
      if (slots <= MAX_CAPACITY && chars <= MAX_ARENA) this.rebuild(slots, chars);
      else this.reset(capacity, this.arena.length);
    }
    return this.place(domain, hash, verdict);
  }

  private place(domain: string, hash: number, verdict: DomainVerdict): number {
    let i = mix(hash) & this.mask;
    while (this.slots[i * STRIDE + TAG] !== 0) i = (i + 1) & this.mask;
    const at = i * STRIDE;
    const plain = verdict.ascii !== null && verdict.asWritten && verdict.suggestion === null;
    this.slots[at + TAG] = hash | 1;
    this.slots[at + LENGTH] = domain.length | (plain ? PLAIN : 0);
    this.slots[at + OFFSET] = this.used;
    this.slots[at + ASCII_HASH] = verdict.asciiHash;
    for (let k = 0; k < domain.length; k++) this.arena[this.used + k] = domain.charCodeAt(k);
    this.used += domain.length;
    this.verdicts[i] = verdict;
    this.size++;
    return at;
  }

  /** A slot outside the table for a domain too long to cache (overwritten by the next one). */
  private scratch(verdict: DomainVerdict, hash: number): number {
    const at = (this.mask + 1) * STRIDE;
    this.slots[at + TAG] = hash | 1;
    this.slots[at + LENGTH] = 0;
    this.slots[at + OFFSET] = 0;
    this.slots[at + ASCII_HASH] = verdict.asciiHash;
    this.verdicts[this.mask + 1] = verdict;
    return at;
  }

  private rebuild(capacity: number, arenaLength: number): void {
    const oldVerdicts = this.verdicts;
    const oldCapacity = this.mask + 1;
    this.reset(capacity, arenaLength);
    for (let i = 0; i < oldCapacity; i++) {
      const verdict = oldVerdicts[i];
      if (verdict !== undefined) this.place(verdict.written, hashExact(verdict.written), verdict);
    }
  }

  private reset(capacity: number, arenaLength: number): void {
    // One spare slot past the table for `scratch`.
    this.slots = new Int32Array((capacity + 1) * STRIDE);
    this.verdicts = new Array(capacity + 1).fill(undefined);
    this.arena = new Uint16Array(arenaLength);
    this.used = 0;
    this.mask = capacity - 1;
    this.size = 0;
  }
}

/** Offsets of the scanner's fields in a slot, for `scan.ts`. */
export const SLOT_ASCII_HASH = ASCII_HASH;
export const SLOT_LENGTH = LENGTH;

export const domainCache = new DomainCache();

/** `judgeDomain`, cached per domain as written. */
export function domainVerdict(domain: string): DomainVerdict {
  return domainCache.verdict(domainCache.slot(domain, 0, domain.length, hashExact(domain)));
}
