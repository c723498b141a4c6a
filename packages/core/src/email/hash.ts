// 32-bit hashes computed while an address is scanned, so lookups need no extra pass and no substring.

export const FNV_OFFSET = 0x811c9dc5 | 0;
export const FNV_PRIME = 0x01000193;

/** Final avalanche (murmur3 fmix32), so linear probing spreads well. */
export function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

/** FNV-1a over `s[from, to)` with ASCII capitals folded to lowercase. */
export function hashFolded(s: string, from = 0, to = s.length): number {
  let h = FNV_OFFSET;
  for (let i = from; i < to; i++) {
    let c = s.charCodeAt(i);
    if (c >= 65 && c <= 90) c |= 32;
    h = Math.imul(h ^ c, FNV_PRIME);
  }
  return h;
}

/** FNV-1a over `s[from, to)` exactly as written. */
export function hashExact(s: string, from = 0, to = s.length): number {
  let h = FNV_OFFSET;
  for (let i = from; i < to; i++) h = Math.imul(h ^ s.charCodeAt(i), FNV_PRIME);
  return h;
}

/** The hash of a normalized address from its local-part and domain hashes. */
export function combineEmailHash(localHash: number, domainHash: number): number {
  return mix(Math.imul(localHash, 0x9e3779b1) ^ domainHash);
}

/** The hash `combineEmailHash` gives a normalized address, computed from the whole string. */
export function hashNormalizedEmail(email: string): number {
  const at = email.lastIndexOf('@');
  if (at < 0) return mix(hashExact(email));
  return combineEmailHash(hashFolded(email, 0, at), hashExact(email, at + 1));
}
