import { describe, expect, it } from 'vitest';
import { ReadAhead } from './read-ahead.ts';

/** An iterator over 1..n that records how far it was asked, and fails at `failAt` when given. */
function counting(n: number, failAt?: number) {
  const log = { asked: 0, returned: false, concurrent: false };
  let busy = false;
  const iterator: AsyncIterator<number> = {
    async next() {
      if (busy) log.concurrent = true;
      busy = true;
      await new Promise((resolve) => setTimeout(resolve, 1));
      busy = false;
      log.asked++;
      if (failAt !== undefined && log.asked === failAt) throw new Error(`failed at ${failAt}`);
      return log.asked <= n ? { done: false, value: log.asked } : { done: true, value: undefined };
    },
    async return() {
      log.returned = true;
      return { done: true, value: undefined };
    },
  };
  return { iterator, log };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 30));

describe('ReadAhead', () => {
  it('yields every item in order, then undefined, and never calls next() twice at once', async () => {
    const { iterator, log } = counting(5);
    const ahead = new ReadAhead(iterator, 2);
    const taken: (number | undefined)[] = [];
    for (let i = 0; i < 6; i++) taken.push(await ahead.take());
    expect(taken).toEqual([1, 2, 3, 4, 5, undefined]);
    expect(log.concurrent).toBe(false);
  });

  it('reads at most `capacity` items ahead of the consumer', async () => {
    const { iterator, log } = counting(100);
    const ahead = new ReadAhead(iterator, 3);
    await settle();
    expect(log.asked).toBe(3);
    await ahead.take();
    await settle();
    expect(log.asked).toBe(4);
    ahead.stop();
  });

  it('surfaces the source error only after the items read before it', async () => {
    const { iterator } = counting(10, 3);
    const ahead = new ReadAhead(iterator, 5);
    expect(await ahead.take()).toBe(1);
    expect(await ahead.take()).toBe(2);
    await expect(ahead.take()).rejects.toThrow('failed at 3');
  });

  it('stop() ends the read and tells the iterator to finish', async () => {
    const { iterator, log } = counting(100);
    const ahead = new ReadAhead(iterator, 2);
    expect(await ahead.take()).toBe(1);
    ahead.stop();
    await settle();
    expect(log.returned).toBe(true);
    const asked = log.asked;
    await settle();
    expect(log.asked).toBe(asked);
  });
});
