import { describe, expect, it } from 'vitest';
import { RateLimiter } from './rate-limit.ts';

describe('the per-key rate limiter', () => {
  it('lets a burst through, then asks to wait, and refills at the sustained rate', () => {
    let now = 0;
    const limiter = new RateLimiter({ burst: 3, perSecond: 0.5 }, () => now);
    expect([limiter.take('k'), limiter.take('k'), limiter.take('k')]).toEqual([0, 0, 0]);
    expect(limiter.take('k')).toBe(2);
    expect(limiter.wait('k')).toBe(2);
    now += 2_000;
    expect(limiter.take('k')).toBe(0);
    expect(limiter.take('other')).toBe(0);
  });

  it('holds a bounded number of buckets whatever keys callers choose (least recently used go first)', () => {
    const limiter = new RateLimiter({ burst: 1, perSecond: 0.001 }, () => 0, 100);
    limiter.take('kept');
    for (let i = 0; i < 10_000; i++) {
      limiter.take(`address-${i}`);
      if (i % 50 === 0) limiter.wait('kept');
    }
    expect(limiter.size).toBe(100);
    // The bucket in use was kept (still empty): it is not reset by the flood of new keys.
    expect(limiter.take('kept')).toBeGreaterThan(0);
  });
});
