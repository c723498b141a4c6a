/**
 * Numbering of repeated source ids (`#n`) in memory that does not grow with the file.
 *
 * A first pass over the file adds every base id to a Bloom filter of about 10 bits a row (1.2 MB for a million
 * rows): an id found there already is a repeat candidate (every real repeat, and about 1% of the rest). The reading
 * pass then counts occurrences exactly, but of the candidates alone (RepeatNumbering); every other id occurs once.
 * Ids are keyed by the first 64 bits of their SHA-1 (hex); two ids with the same 64 bits (about 1 in 10^7 for a
 * million rows) would only share a counter: their ids stay distinct, one of them gets a `#n` it need not have.
 */

/** The 64-bit key of a hex SHA-1, as two 32-bit halves. */
function keyOf(sha1Hex: string): [number, number] {
  return [Number.parseInt(sha1Hex.slice(0, 8), 16) >>> 0, Number.parseInt(sha1Hex.slice(8, 16), 16) >>> 0];
}

/** How many times each key has been counted, in 12 bytes a slot (open addressing, at most half full). */
export class OccurrenceCounter {
  private high = new Uint32Array(1 << 10);
  private low = new Uint32Array(1 << 10);
  private counts = new Uint32Array(1 << 10);
  private size = 0;

  /** Counts one more occurrence of the id whose hex SHA-1 is given; returns the count (1 the first time). */
  next(sha1Hex: string): number {
    const [high, low] = keyOf(sha1Hex);
    if ((this.size + 1) * 2 > this.counts.length) this.grow();
    const slot = this.find(high, low);
    if (this.counts[slot] === 0) {
      this.high[slot] = high;
      this.low[slot] = low;
      this.size++;
    }
    this.counts[slot]!++;
    return this.counts[slot]!;
  }

  /** Whether the id has been counted. */
  has(sha1Hex: string): boolean {
    const [high, low] = keyOf(sha1Hex);
    return this.counts[this.find(high, low)] !== 0;
  }

  private find(high: number, low: number): number {
    const mask = this.counts.length - 1;
    let slot = (low ^ Math.imul(high, 0x9e3779b1)) & mask;
    while (this.counts[slot] !== 0 && (this.high[slot] !== high || this.low[slot] !== low)) {
      slot = (slot + 1) & mask;
    }
    return slot;
  }

  private grow(): void {
    const { high, low, counts } = this;
    this.high = new Uint32Array(counts.length * 2);
    this.low = new Uint32Array(counts.length * 2);
    this.counts = new Uint32Array(counts.length * 2);
    for (let i = 0; i < counts.length; i++) {
      if (counts[i] === 0) continue;
      const slot = this.find(high[i]!, low[i]!);
      this.high[slot] = high[i]!;
      this.low[slot] = low[i]!;
      this.counts[slot] = counts[i]!;
    }
  }
}

const BLOOM_BITS_PER_KEY = 10;
const BLOOM_HASHES = 7;

/** A Bloom filter of 64-bit keys (the hex SHA-1 of ids: their bits are already uniform), sized for `expected`. */
export class BloomFilter {
  private readonly bits: Uint32Array;
  private readonly mask: number;

  constructor(expected: number) {
    let size = 1 << 13; // bits
    while (size < expected * BLOOM_BITS_PER_KEY && size < 2 ** 31) size *= 2;
    this.bits = new Uint32Array(size / 32);
    this.mask = size - 1;
  }

  /** Adds the key; returns whether it may have been added before (always true when it was). */
  add(sha1Hex: string): boolean {
    const [high, low] = keyOf(sha1Hex);
    let seen = true;
    for (let i = 0; i < BLOOM_HASHES; i++) {
      const bit = (high + Math.imul(i, low | 1)) & this.mask;
      const word = bit >>> 5;
      const flag = 1 << (bit & 31);
      if ((this.bits[word]! & flag) === 0) {
        seen = false;
        this.bits[word]! |= flag;
      }
    }
    return seen;
  }
}

/** Numbers the occurrences of ids (1 for the first) given the repeat candidates of the file: see above. */
export class RepeatNumbering {
  private readonly counts = new OccurrenceCounter();

  constructor(private readonly candidates: OccurrenceCounter) {}

  next(sha1Hex: string): number {
    return this.candidates.has(sha1Hex) ? this.counts.next(sha1Hex) : 1;
  }
}
