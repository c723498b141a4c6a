/**
 * How many times each source id has been seen so far in a file, in a fixed 12 bytes a slot: the first 64 bits of
 * the id's SHA-1 (hex) as the key. A run of a million distinct rows holds about 24 MB here instead of a Map of
 * strings (~100 MB). Two different ids with the same 64 bits (about 1 in 10^7 for a million rows) would only share
 * a counter: their ids stay distinct, one of them gets a `#n` it need not have.
 */
export class OccurrenceCounter {
  private high = new Uint32Array(1 << 12);
  private low = new Uint32Array(1 << 12);
  private counts = new Uint32Array(1 << 12);
  private size = 0;

  /** Counts one more occurrence of the id whose hex SHA-1 is given; returns the count (1 the first time). */
  next(sha1Hex: string): number {
    const high = Number.parseInt(sha1Hex.slice(0, 8), 16) >>> 0;
    const low = Number.parseInt(sha1Hex.slice(8, 16), 16) >>> 0;
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
