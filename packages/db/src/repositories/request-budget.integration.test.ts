import { createMemoryBudget, type RequestBudget } from '@leadsync/connector-sdk';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import * as schema from '../schema/index.ts';
import { useTestDatabase } from '../test-support.ts';
import { createDatabaseBudget } from './request-budget.ts';

const t = useTestDatabase();
const pools: postgres.Sql[] = [];

/** A budget on a pool of its own, as another worker process would have. */
function anotherProcess(): RequestBudget {
  const sql = postgres(t.url, { max: 4, onnotice: () => {} });
  pools.push(sql);
  return createDatabaseBudget(drizzle(sql, { schema, casing: 'snake_case' }));
}

afterAll(async () => {
  await Promise.all(pools.map((p) => p.end()));
});

/** When each of `n` takes may send, in ms from the first take, as the budget books them. */
async function bookedSlots(budgets: RequestBudget[], account: string, n: number, rpm: number, burst: number) {
  const start = Date.now();
  const slots = await Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const took = await budgets[i % budgets.length]!.take(account, { requestsPerMinute: rpm, burst });
      if (!took.granted) throw new Error('refused');
      return Date.now() - start + took.waitMs;
    }),
  );
  return slots.sort((a, b) => a - b);
}

describe('the request budget in PostgreSQL', () => {
  it('books one bucket for every process: the burst at once, then one slot per 1/rate', async () => {
    const budgets = [anotherProcess(), anotherProcess(), anotherProcess()];
    // Connected first, so that the connections' start-up is not taken for waiting.
    await Promise.all(budgets.map((b) => b.quota('warm-up')));
    // 600 a minute = one per 100 ms, burst 5: 30 takes from three processes need 25 slots after the burst.
    const slots = await bookedSlots(budgets, 'https://api.example|org-a', 30, 600, 5);
    expect(slots.filter((s) => s < slots[0]! + 90).length).toBeLessThanOrEqual(6);
    expect(slots.at(-1)).toBeGreaterThanOrEqual(2400);
    // Any window of 1 s holds at most burst + rate × 1 s = 15 booked slots.
    for (let i = 0; i < slots.length; i++) {
      const inWindow = slots.filter((s) => s >= slots[i]! && s < slots[i]! + 1000).length;
      expect(inWindow).toBeLessThanOrEqual(15);
    }
  });

  it('keeps accounts apart', async () => {
    const budget = anotherProcess();
    const a = await budget.take('https://api.example|org-1', { requestsPerMinute: 60, burst: 1 });
    const b = await budget.take('https://api.example|org-2', { requestsPerMinute: 60, burst: 1 });
    expect(a).toEqual({ granted: true, waitMs: 0 });
    expect(b).toEqual({ granted: true, waitMs: 0 });
  });

  it('holds every process back for a pause (a 429)', async () => {
    const [one, two] = [anotherProcess(), anotherProcess()];
    const limit = { requestsPerMinute: 60_000, burst: 10 };
    await one.pause('https://api.example|paused', 2000, limit);
    const took = await two.take('https://api.example|paused', limit);
    expect(took.granted && took.waitMs).toBeGreaterThanOrEqual(1900);
  });

  it('refuses requests that would eat into the reserve of the daily quota, until the reset', async () => {
    const [one, two] = [anotherProcess(), anotherProcess()];
    const account = 'https://api.example|quota';
    const limit = { requestsPerMinute: 60_000, burst: 100 };
    const resetAt = new Date(Date.now() + 3_600_000);
    await one.observe(account, { limit: 1000, remaining: 103, resetAt });
    // The reserve is 10% (100): three more requests may go, the fourth is refused, in any process.
    for (let i = 0; i < 3; i++) expect((await two.take(account, limit)).granted).toBe(true);
    const refused = await one.take(account, limit);
    expect(refused.granted).toBe(false);
    expect(!refused.granted && Math.abs(refused.resumeAt.getTime() - resetAt.getTime())).toBeLessThan(1000);
    expect((await two.quota(account))?.remaining).toBe(100);
    // The source's own count, lower than ours, wins within the period; a new period starts from its figure.
    await two.observe(account, { limit: 1000, remaining: -5, resetAt });
    expect((await one.quota(account))?.remaining).toBe(-5);
    await two.observe(account, { limit: 1000, remaining: 1000, resetAt: new Date(Date.now() - 1) });
    expect(await one.quota(account)).toBeUndefined();
    expect((await one.take(account, limit)).granted).toBe(true);
  });

  it('gives the same bookings as the in-memory budget it replaces', async () => {
    const memory = createMemoryBudget();
    const database = anotherProcess();
    const limit = { requestsPerMinute: 6000, burst: 3 };
    const fromMemory: number[] = [];
    const fromDatabase: number[] = [];
    for (let i = 0; i < 6; i++) {
      const m = await memory.take('acct', limit);
      const d = await database.take('acct-same', limit);
      fromMemory.push(m.granted ? Math.round(m.waitMs / 10) : -1);
      fromDatabase.push(d.granted ? Math.round(d.waitMs / 10) : -1);
    }
    // Slots of 10 ms: 0,0,0 then about 1, 2, 3 slots ahead (a few ms of clock between the statements).
    expect(fromDatabase.slice(0, 3)).toEqual([0, 0, 0]);
    expect(fromMemory.slice(0, 3)).toEqual([0, 0, 0]);
    for (let i = 3; i < 6; i++) expect(Math.abs(fromDatabase[i]! - fromMemory[i]!)).toBeLessThanOrEqual(1);
  });
});
