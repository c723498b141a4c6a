import { describe, expect, it } from 'vitest';
import { TokenBucket } from './token-bucket.ts';

describe('token bucket', () => {
  it('lets a burst through at once, then paces to the rate', async () => {
    const bucket = new TokenBucket({ requestsPerMinute: 600, burst: 3 }); // one per 100 ms
    const start = Date.now();
    const times: number[] = [];
    for (let i = 0; i < 6; i++) {
      await bucket.take();
      times.push(Date.now() - start);
    }
    expect(times.slice(0, 3).every((t) => t < 50)).toBe(true);
    expect(times[5]).toBeGreaterThanOrEqual(250);
    expect(times[5]).toBeLessThan(600);
  });

  it('holds every caller back during a pause', async () => {
    const bucket = new TokenBucket({ requestsPerMinute: 60_000, burst: 10 });
    bucket.pause(200);
    const start = Date.now();
    await Promise.all([bucket.take(), bucket.take()]);
    expect(Date.now() - start).toBeGreaterThanOrEqual(190);
  });

  it('stops waiting when the run is aborted', async () => {
    const bucket = new TokenBucket({ requestsPerMinute: 1, burst: 1 });
    await bucket.take();
    const controller = new AbortController();
    const waiting = bucket.take(controller.signal);
    controller.abort(new Error('stopped'));
    await expect(waiting).rejects.toThrow('stopped');
  });
});
