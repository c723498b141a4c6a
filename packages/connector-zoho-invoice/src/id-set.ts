const EMPTY = -1;

/**
 * A set of contact ids that stays small and off the JavaScript heap for a million of them. Zoho's ids are numbers of
 * up to 18 digits: each is kept as two int32 (the digits before the last nine, and the last nine) in an
 * open-addressing table of a typed array (8 bytes a slot, at most half full), which the garbage collector neither
 * traces nor counts towards the heap it lets grow. Any other id goes to a plain `Set`.
 */
export class IdSet {
  private table = new Int32Array(2 * 1024).fill(EMPTY);
  private mask = 1023;
  private count = 0;
  private readonly other = new Set<string>();

  get size(): number {
    return this.count + this.other.size;
  }

  /** Adds `id`; false when it was there already. */
  add(id: string): boolean {
    const low = IdSet.low(id);
    if (low < 0) {
      if (this.other.has(id)) return false;
      this.other.add(id);
      return true;
    }
    const high = Number(id.slice(0, -9));
    if (!this.insert(high, low)) return false;
    if (++this.count * 2 > this.mask + 1) this.grow();
    return true;
  }

  private insert(high: number, low: number): boolean {
    const table = this.table;
    let slot = IdSet.hash(high, low) & this.mask;
    for (;;) {
      const at = slot * 2;
      const h = table[at]!;
      if (h === EMPTY) {
        table[at] = high;
        table[at + 1] = low;
        return true;
      }
      if (h === high && table[at + 1] === low) return false;
      slot = (slot + 1) & this.mask;
    }
  }

  private grow(): void {
    const old = this.table;
    const capacity = (this.mask + 1) * 2;
    this.table = new Int32Array(2 * capacity).fill(EMPTY);
    this.mask = capacity - 1;
    for (let at = 0; at < old.length; at += 2) {
      if (old[at] !== EMPTY) this.insert(old[at]!, old[at + 1]!);
    }
  }

  private static hash(high: number, low: number): number {
    return (Math.imul(high, 0x9e3779b1) ^ Math.imul(low, 0x85ebca77)) >>> 7;
  }

  /**
   * The last nine digits of a 10 to 18 digit id without a leading zero (with the digits before them, a unique
   * pair of non-negative int32), or -1 for any other id.
   */
  private static low(id: string): number {
    const length = id.length;
    if (length < 10 || length > 18 || id.charCodeAt(0) === 48) return -1;
    let low = 0;
    for (let i = 0; i < length; i++) {
      const digit = id.charCodeAt(i) - 48;
      if (digit < 0 || digit > 9) return -1;
      if (i >= length - 9) low = low * 10 + digit;
    }
    return low;
  }
}
