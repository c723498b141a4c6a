import { hashNormalizedEmail } from '../email/hash.ts';

/**
 * The normalized emails seen so far in a run (rule 4). A hand-written open-addressing set keyed by the
 * hash the email scanner computes anyway: a probe compares 32-bit hashes in a typed array and touches a
 * string only on a hash match, so a run of a million distinct emails costs a fraction of a `Set<string>`
 * (fewer cache misses, no rehashing of strings on growth, half the memory). Exact: equal hashes are
 * always confirmed by comparing the strings.
 */
export class EmailSet implements Iterable<string> {
  private keys: (string | undefined)[];
  private hashes: Int32Array;
  private mask: number;
  private count = 0;

  constructor(emails?: Iterable<string>) {
    const capacity = 1024;
    this.keys = new Array(capacity).fill(undefined);
    this.hashes = new Int32Array(capacity);
    this.mask = capacity - 1;
    if (emails) for (const e of emails) this.add(e);
  }

  get size(): number {
    return this.count;
  }

  has(email: string): boolean {
    return this.hasHashed(email, hashNormalizedEmail(email));
  }

  /** Adds an email; true when it was not there yet. */
  add(email: string): boolean {
    return this.addHashed(email, hashNormalizedEmail(email));
  }

  /** `has` with the hash already known (`hashNormalizedEmail(email)`). */
  hasHashed(email: string, hash: number): boolean {
    const keys = this.keys;
    const hashes = this.hashes;
    const mask = this.mask;
    let i = hash & mask;
    for (;;) {
      const key = keys[i];
      if (key === undefined) return false;
      if (hashes[i] === hash && key === email) return true;
      i = (i + 1) & mask;
    }
  }

  /** `add` with the hash already known (`hashNormalizedEmail(email)`); true when it was new. */
  addHashed(email: string, hash: number): boolean {
    const keys = this.keys;
    const hashes = this.hashes;
    const mask = this.mask;
    let i = hash & mask;
    for (;;) {
      const key = keys[i];
      if (key === undefined) break;
      if (hashes[i] === hash && key === email) return false;
      i = (i + 1) & mask;
    }
    keys[i] = email;
    hashes[i] = hash;
    if (++this.count * 2 > keys.length) this.grow();
    return true;
  }

  /** Removes emails (a failed page's); rare, so it rebuilds the table. */
  deleteAll(emails: Iterable<string>): void {
    const gone = new Set(emails);
    const keep = [...this].filter((e) => !gone.has(e));
    const fresh = new EmailSet(keep);
    this.keys = fresh.keys;
    this.hashes = fresh.hashes;
    this.mask = fresh.mask;
    this.count = fresh.count;
  }

  *[Symbol.iterator](): Iterator<string> {
    for (const key of this.keys) if (key !== undefined) yield key;
  }

  values(): Iterator<string> {
    return this[Symbol.iterator]();
  }

  toJSON(): string[] {
    return [...this];
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldHashes = this.hashes;
    const capacity = oldKeys.length * 2;
    const keys: (string | undefined)[] = new Array(capacity).fill(undefined);
    const hashes = new Int32Array(capacity);
    const mask = capacity - 1;
    for (let j = 0; j < oldKeys.length; j++) {
      const key = oldKeys[j];
      if (key === undefined) continue;
      const hash = oldHashes[j]!;
      let i = hash & mask;
      while (keys[i] !== undefined) i = (i + 1) & mask;
      keys[i] = key;
      hashes[i] = hash;
    }
    this.keys = keys;
    this.hashes = hashes;
    this.mask = mask;
  }
}
