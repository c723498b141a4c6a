import { domainCache, PLAIN, SLOT_ASCII_HASH, SLOT_LENGTH } from './domain.ts';
import { combineEmailHash, FNV_OFFSET, FNV_PRIME, hashFolded } from './hash.ts';
import { roleSet } from './roles.ts';

export const MAX_LOCAL_LENGTH = 64;
export const MAX_ADDRESS_LENGTH = 254;

export const EMPTY = 0;
export const INVALID = 1;
export const ROLE = 2;
export const VALID = 3;
export type ScanStatus = typeof EMPTY | typeof INVALID | typeof ROLE | typeof VALID;

/** What one scan found; reused from call to call, so read it before the next scan. */
export interface ScanResult {
  status: ScanStatus;
  /** Set for ROLE, VALID and typo-INVALID. */
  normalized: string | undefined;
  suggestion: string | undefined;
  /** `hashNormalizedEmail(normalized)`, when `normalized` is set. */
  hash: number;
}

export function newScanResult(): ScanResult {
  return { status: EMPTY, normalized: undefined, suggestion: undefined, hash: 0 };
}

/** Role names compiled for the scanner: a 64-kbit filter on the base's hash, then the exact name. */
export interface RoleTable {
  readonly names: ReadonlySet<string>;
  readonly filter: Uint8Array;
}

const FILTER_MASK = 0xffff;

export function compileRoles(extraRoles?: Iterable<string>): RoleTable {
  const names = roleSet(extraRoles);
  const filter = new Uint8Array((FILTER_MASK + 1) >> 3);
  for (const name of names) {
    const bit = hashFolded(name) & FILTER_MASK;
    filter[bit >> 3]! |= 1 << (bit & 7);
  }
  return { names, filter };
}

function mayBeRole(roles: RoleTable, baseHash: number): boolean {
  const bit = baseHash & FILTER_MASK;
  return (roles.filter[bit >> 3]! & (1 << (bit & 7))) !== 0;
}

/** Character classes of the local part: RFC 5322 atext (ASCII only), split where the scanner acts. */
const BAD = 0;
const ATEXT = 1; // a-z 0-9 ! # $ % & ' * - / = ? ^ _ ` { | } ~
const UPPER = 2; // A-Z: folded to lowercase
const PLUS = 3; // + : ends the role base
const DOT = 4;
const AT = 5;
const CLASS = new Uint8Array(128);
for (const ch of "!#$%&'*-/=?^_`{|}~0123456789abcdefghijklmnopqrstuvwxyz") CLASS[ch.charCodeAt(0)] = ATEXT;
for (let c = 65; c <= 90; c++) CLASS[c] = UPPER;
CLASS[43] = PLUS;
CLASS[46] = DOT;
CLASS[64] = AT;

function fail(out: ScanResult, status: ScanStatus): ScanStatus {
  out.status = status;
  out.normalized = undefined;
  out.suggestion = undefined;
  out.hash = 0;
  return status;
}

/**
 * The syntax policy of DESIGN.md section 2 in one pass over the char codes, hand-written because it is
 * the hot path of every import: trim spaces/tabs, check the dot-atom local part against a lookup table
 * while hashing it (lowercased) and its role base (before `+`), hash the domain as written and fetch its
 * cached verdict (IDN, labels, typo) without cutting a substring. An address that is already normalized
 * is returned as the same string; otherwise the only allocations are the lowercased parts.
 */
export function scanEmail(raw: string, roles: RoleTable, out: ScanResult): ScanStatus {
  let start = 0;
  let end = raw.length;
  while (start < end && isBlank(raw.charCodeAt(start))) start++;
  while (end > start && isBlank(raw.charCodeAt(end - 1))) end--;
  if (start === end) return fail(out, EMPTY);

  let i = start;
  let upper = false;
  let afterDot = true; // a leading dot is an error, like two dots in a row
  let h = FNV_OFFSET;
  let baseHash = 0;
  let baseEnd = -1;
  for (; i < end; i++) {
    let c = raw.charCodeAt(i);
    const kind = c < 128 ? CLASS[c]! : BAD;
    if (kind === ATEXT) {
      afterDot = false;
    } else if (kind === AT) {
      break;
    } else if (kind === DOT) {
      if (afterDot) return fail(out, INVALID);
      afterDot = true;
    } else if (kind === UPPER) {
      upper = true;
      c |= 32;
      afterDot = false;
    } else if (kind === PLUS) {
      if (baseEnd < 0) {
        baseEnd = i;
        baseHash = h;
      }
      afterDot = false;
    } else {
      return fail(out, INVALID);
    }
    h = Math.imul(h ^ c, FNV_PRIME);
  }
  if (i === end || i === start || afterDot || i - start > MAX_LOCAL_LENGTH) return fail(out, INVALID);
  const at = i;
  if (baseEnd < 0) {
    baseEnd = at;
    baseHash = h;
  }

  let dh = FNV_OFFSET;
  for (let j = at + 1; j < end; j++) dh = Math.imul(dh ^ raw.charCodeAt(j), FNV_PRIME);
  const slot = domainCache.slot(raw, at + 1, end, dh);
  const slots = domainCache.slots;
  let normalized: string;
  if ((slots[slot + SLOT_LENGTH]! & PLAIN) !== 0) {
    // The common case: a valid domain, written in its normalized form, not a typo.
    if (end - start > MAX_ADDRESS_LENGTH) return fail(out, INVALID);
    normalized =
      !upper && start === 0 && end === raw.length
        ? raw
        : `${localPart(raw, start, at, upper)}@${raw.slice(at + 1, end)}`;
  } else {
    const verdict = domainCache.verdict(slot);
    const ascii = verdict.ascii;
    if (ascii === null) {
      if (verdict.suggestion === null) return fail(out, INVALID);
      fail(out, INVALID);
      out.suggestion = `${localPart(raw, start, at, upper)}@${verdict.suggestion}`;
      return INVALID;
    }
    if (at - start + 1 + ascii.length > MAX_ADDRESS_LENGTH) return fail(out, INVALID);
    normalized = `${localPart(raw, start, at, upper)}@${ascii}`;
    if (verdict.suggestion !== null) {
      out.normalized = normalized;
      out.hash = combineEmailHash(h, verdict.asciiHash);
      out.status = INVALID;
      out.suggestion = `${normalized.slice(0, at - start)}@${verdict.suggestion}`;
      return INVALID;
    }
  }
  out.normalized = normalized;
  out.hash = combineEmailHash(h, slots[slot + SLOT_ASCII_HASH]!);
  out.suggestion = undefined;
  out.status =
    mayBeRole(roles, baseHash) && roles.names.has(normalized.slice(0, baseEnd - start)) ? ROLE : VALID;
  return out.status;
}

/** Only spaces and tabs are trimmed; CR, LF and every other control character make an address invalid. */
function isBlank(c: number): boolean {
  return c === 32 || c === 9;
}

function localPart(raw: string, start: number, at: number, upper: boolean): string {
  const local = raw.slice(start, at);
  return upper ? local.toLowerCase() : local;
}
