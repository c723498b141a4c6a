/**
 * Pulls an async iterator up to `capacity` items ahead of its consumer, one `next()` at a time (so any iterator works,
 * not only async generators, which queue concurrent calls). The engine reads the source's next pages while it writes
 * the current ones. An error of the source surfaces once the items read before it have been taken, so the pages that
 * were read are still written.
 */
export class ReadAhead<T> {
  private readonly items: T[] = [];
  private ended = false;
  private stopped = false;
  private failure: { error: unknown } | undefined;
  private wakeTaker: (() => void) | undefined;
  private wakePump: (() => void) | undefined;

  constructor(
    private readonly iterator: AsyncIterator<T>,
    private readonly capacity: number,
  ) {
    void this.pump();
  }

  /** The next item; undefined once the iterator is done. Rethrows the iterator's error after the items before it. */
  async take(): Promise<T | undefined> {
    while (this.items.length === 0 && !this.ended) {
      await new Promise<void>((resolve) => {
        this.wakeTaker = resolve;
      });
    }
    const item = this.items.shift();
    this.wakePump?.();
    if (item !== undefined) return item;
    if (this.failure) throw this.failure.error;
    return undefined;
  }

  /** Stops reading; the iterator is told to finish (`return`) once its pending `next()` has settled. */
  stop(): void {
    this.stopped = true;
    this.wakePump?.();
  }

  private async pump(): Promise<void> {
    try {
      while (!this.stopped) {
        if (this.items.length >= this.capacity) {
          await new Promise<void>((resolve) => {
            this.wakePump = resolve;
          });
          continue;
        }
        const step = await this.iterator.next();
        if (step.done) return;
        this.items.push(step.value);
        this.wakeTaker?.();
      }
      await this.iterator.return?.();
    } catch (error) {
      if (!this.stopped) this.failure = { error };
    } finally {
      this.ended = true;
      this.wakeTaker?.();
    }
  }
}
