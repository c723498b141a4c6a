import {
  type BudgetTake,
  type DailyQuota,
  DEFAULT_QUOTA_RESERVE_SHARE,
  type RateLimit,
  type RequestBudget,
} from '@leadsync/connector-sdk';
import { sql } from 'drizzle-orm';
import type { Database } from '../client.ts';

/** A new account's bucket is full; the take's refill caps it at the burst. */
const FULL = 1e15;

function perSecond(limit: RateLimit): number {
  return limit.requestsPerMinute / 60;
}

/**
 * The request budget of every source account in PostgreSQL (table `request_budgets`), so that every worker on every
 * machine spends one budget per account. A take is one statement that locks the account's row for its own duration
 * (no transaction is held open while a request waits): it refills the bucket, books the next slot and says how long
 * to wait for it, or refuses when the daily quota less its reserve is spent. Cross-tenant by nature: the row belongs
 * to the source account, not to a Leadsync organization.
 */
export function createDatabaseBudget(db: Database): RequestBudget {
  async function ensure(account: string): Promise<void> {
    await db.execute(sql`
      insert into request_budgets (account, tokens, updated_at) values (${account}, ${FULL}, clock_timestamp())
      on conflict (account) do nothing`);
  }

  async function take(account: string, limit: RateLimit, count = 1): Promise<BudgetTake> {
    const share = limit.quotaReserveShare ?? DEFAULT_QUOTA_RESERVE_SHARE;
    for (let attempt = 0; ; attempt++) {
      const rows = await db.execute<{
        tokens: number;
        blocked: boolean;
        quota_reset_at: Date | string | null;
      }>(sql`
        with cur as (
          select account, clock_timestamp() as t,
                 coalesce(quota_reset_at > clock_timestamp()
                          and quota_remaining - ${count}::int < ceil(quota_limit * ${share}::float8), false) as blocked
          from request_budgets where account = ${account} for update
        )
        update request_budgets b set
          tokens = case when cur.blocked then b.tokens
                        else least(${limit.burst}::float8,
                                   b.tokens + extract(epoch from cur.t - b.updated_at) * ${perSecond(limit)}::float8) - ${count}::float8
                   end,
          updated_at = case when cur.blocked then b.updated_at else cur.t end,
          quota_remaining = case when not cur.blocked and b.quota_reset_at > cur.t then b.quota_remaining - ${count}::int
                                 else b.quota_remaining end
        from cur where b.account = cur.account
        returning b.tokens, cur.blocked, b.quota_reset_at`);
      const row = rows[0];
      if (!row) {
        if (attempt > 0) throw new Error('request budget row missing after insert');
        await ensure(account);
        continue;
      }
      if (row.blocked) return { granted: false, resumeAt: new Date(row.quota_reset_at ?? Date.now()) };
      const tokens = Number(row.tokens);
      return {
        granted: true,
        waitMs: tokens >= 0 ? 0 : Math.ceil((-tokens / perSecond(limit)) * 1000),
      };
    }
  }

  return {
    take,
    async pause(account, ms, limit) {
      await ensure(account);
      await db.execute(sql`
        update request_budgets b set
          tokens = least(0, least(${limit.burst}::float8,
                                  b.tokens + extract(epoch from clock_timestamp() - b.updated_at) * ${perSecond(limit)}::float8))
                   - ${ms / 1000}::float8 * ${perSecond(limit)}::float8,
          updated_at = clock_timestamp()
        where account = ${account}`);
    },
    async observe(account, quota: DailyQuota) {
      // Within one quota period the lower count wins: requests booked here but not yet answered are not in the
      // source's figure. A new period (the old one is over, or another reset time: the header has whole seconds)
      // takes the source's figure as it is.
      await db.execute(sql`
        insert into request_budgets as b (account, tokens, updated_at, quota_limit, quota_remaining, quota_reset_at)
        values (${account}, ${FULL}, clock_timestamp(), ${quota.limit}, ${quota.remaining},
                ${quota.resetAt.toISOString()}::timestamptz)
        on conflict (account) do update set
          quota_limit = excluded.quota_limit,
          quota_remaining = case
            when b.quota_reset_at > clock_timestamp()
                 and abs(extract(epoch from excluded.quota_reset_at - b.quota_reset_at)) < 3
            then least(b.quota_remaining, excluded.quota_remaining)
            else excluded.quota_remaining end,
          quota_reset_at = excluded.quota_reset_at`);
    },
    async quota(account) {
      const rows = await db.execute<{
        quota_limit: number;
        quota_remaining: number;
        quota_reset_at: Date | string;
      }>(sql`
        select quota_limit, quota_remaining, quota_reset_at from request_budgets
        where account = ${account} and quota_reset_at > clock_timestamp() and quota_limit is not null`);
      const row = rows[0];
      return row
        ? {
            limit: Number(row.quota_limit),
            remaining: Number(row.quota_remaining),
            resetAt: new Date(row.quota_reset_at),
          }
        : undefined;
    },
  };
}
