import { hashNormalizedEmail } from '../email/hash.ts';

const EMPTY_SLOT = 0;

/**
 * The normalized emails seen so far in a run (rule 4), hand-written for a million entries:
 * an open-addressing table of the 32-bit hashes the email scanner computes anyway, and the emails'
 * characters copied into one byte arena (normalized addresses are ASCII). A probe compares hashes in
 * a typed array and the characters only on a hash match, so equality is exact; and the set holds no
 * JavaScript objects, so the garbage collector has nothing to trace or promote however big a run gets.
 * Strings with characters above U+00FF (never a normalized address) go to a plain `Set` beside it.
 */
export class EmailSet implements Iterable<string> {
  /** Pairs [hash, entry index + 1 or EMPTY_SLOT], interleaved so a probe touches one cache line. */
  private table: Int32Array;
  private mask: number;
  private offsets: Int32Array;
  private lengths: Int32Array;
  private arena: Uint8Array;
  private used = 0; // bytes of the arena in use
  private count = 0; // entries in the arena
  private wide = new Set<string>();

  constructor(emails?: Iterable<string>) {
    const capacity = 1024;
    this.table = new Int32Array(capacity * 2);
    this.mask = capacity - 1;
    this.offsets = new Int32Array(capacity >> 1);
    this.lengths = new Int32Array(capacity >> 1);
    this.arena = new Uint8Array(capacity * 16);
    if (emails) for (const e of emails) this.add(e);
  }

  get size(): number {
    return this.count + this.wide.size;
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
    return this.find(email, hash) < 0 || this.wide.has(email);
  }

  /** `add` with the hash already known (`hashNormalizedEmail(email)`); true when it was new. */
  addHashed(email: string, hash: number): boolean {
    const at = this.find(email, hash);
    if (at < 0) return false;
    if (this.insert(at, email, hash)) return true;
    const before = this.wide.size;
    this.wide.add(email);
    return this.wide.size > before;
  }

  /** Removes emails (a failed page's); rare, so it rebuilds the table. */
  deleteAll(emails: Iterable<string>): void {
    const gone = new Set(emails);
    const fresh = new EmailSet([...this].filter((e) => !gone.has(e)));
    Object.assign(this, fresh);
  }

  *[Symbol.iterator](): Iterator<string> {
    for (let e = 0; e < this.count; e++) {
      const from = this.offsets[e]!;
      yield String.fromCharCode(...this.arena.subarray(from, from + this.lengths[e]!));
    }
    yield* this.wide;
  }

  values(): Iterator<string> {
    return this[Symbol.iterator]();
  }

  toJSON(): string[] {
    return [...this];
  }

  /** -1 when the arena holds the email, else the table position to insert it at. */
  private find(email: string, hash: number): number {
    const table = this.table;
    const mask = this.mask;
    let i = hash & mask;
    for (;;) {
      const slot = table[2 * i + 1]!;
      if (slot === EMPTY_SLOT) return i;
      if (table[2 * i] === hash && this.equals(slot - 1, email)) return -1;
      i = (i + 1) & mask;
    }
  }

  private equals(entry: number, email: string): boolean {
    const len = this.lengths[entry]!;
    if (len !== email.length) return false;
    const arena = this.arena;
    const from = this.offsets[entry]!;
    for (let k = 0; k < len; k++) if (arena[from + k] !== email.charCodeAt(k)) return false;
    return true;
  }

  /** Copies the email into the arena at table position i; false (nothing kept) for a wide string. */
  private insert(i: number, email: string, hash: number): boolean {
    const len = email.length;
    if (this.used + len > this.arena.length) {
      const bigger = new Uint8Array(Math.max(this.arena.length * 2, this.used + len));
      bigger.set(this.arena);
      this.arena = bigger;
    }
    const arena = this.arena;
    const from = this.used;
    for (let k = 0; k < len; k++) {
      const c = email.charCodeAt(k);
      if (c > 0xff) return false;
      arena[from + k] = c;
    }
    const entry = this.count;
    if (entry === this.offsets.length) {
      this.offsets = grown(this.offsets, this.offsets.length * 2);
      this.lengths = grown(this.lengths, this.lengths.length * 2);
    }
    this.offsets[entry] = from;
    this.lengths[entry] = len;
    this.used += len;
    this.count++;
    this.table[2 * i] = hash;
    this.table[2 * i + 1] = entry + 1;
    if (this.count * 2 > this.mask + 1) this.rehash((this.mask + 1) * 2);
    return true;
  }

  private rehash(capacity: number): void {
    const old = this.table;
    const table = new Int32Array(capacity * 2);
    const mask = capacity - 1;
    for (let j = 0; j < old.length; j += 2) {
      const slot = old[j + 1]!;
      if (slot === EMPTY_SLOT) continue;
      const hash = old[j]!;
      let i = hash & mask;
      while (table[2 * i + 1] !== EMPTY_SLOT) i = (i + 1) & mask;
      table[2 * i] = hash;
      table[2 * i + 1] = slot;
    }
    this.table = table;
    this.mask = mask;
  }
}

function grown(a: Int32Array, length: number): Int32Array {
  const b = new Int32Array(length);
  b.set(a);
  return b;
}
