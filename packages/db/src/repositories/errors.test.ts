import { describe, expect, it } from 'vitest';
import { isDeadlock, isTransaction, retryOnDeadlock } from './errors.ts';

/** As drizzle wraps a PostgreSQL error: the code on the cause. */
const wrapped = (code: string) => Object.assign(new Error('Failed query'), { cause: { code } });

describe('retryOnDeadlock', () => {
  it('repeats a statement PostgreSQL made a deadlock victim, at most `attempts` times in all', async () => {
    let calls = 0;
    const answer = await retryOnDeadlock({}, async () => {
      calls += 1;
      if (calls < 3) throw wrapped('40P01');
      return 'deleted';
    });
    expect([answer, calls]).toEqual(['deleted', 3]);

    calls = 0;
    await expect(
      retryOnDeadlock(
        {},
        async () => {
          calls += 1;
          throw wrapped('40P01');
        },
        2,
      ),
    ).rejects.toThrow('Failed query');
    expect(calls).toBe(2);
  });

  it('gives any other error at once', async () => {
    let calls = 0;
    await expect(
      retryOnDeadlock({}, async () => {
        calls += 1;
        throw wrapped('23503');
      }),
    ).rejects.toThrow('Failed query');
    expect(calls).toBe(1);
    expect(isDeadlock(wrapped('23503'))).toBe(false);
    expect(isDeadlock(new Error('deadlock detected'))).toBe(false);
  });

  it('tells a transaction (it can roll back) from the database, and runs a statement on a transaction once', async () => {
    expect(isTransaction({ rollback() {} })).toBe(true);
    expect(isTransaction({ transaction() {} })).toBe(false);
    let calls = 0;
    await expect(
      retryOnDeadlock({ rollback() {} }, async () => {
        calls += 1;
        throw wrapped('40P01');
      }),
    ).rejects.toThrow('Failed query');
    expect(calls).toBe(1);
  });
});
