import { setTimeout as sleep } from 'node:timers/promises';
import { type Database, SyncRunRepository } from '@leadsync/db';
import { type SyncRun, syncRuns } from '@leadsync/db/schema';
import type { RunEngine } from '@leadsync/jobs';
import { and, eq, inArray, sql } from 'drizzle-orm';

/**
 * A stand-in for `@leadsync/engine` in the scheduling tests: it keeps the engine's contract (a queued run becomes
 * `running`, pages are committed one by one with the checkpoint, a signal stops it between pages leaving it
 * `running`, a `running` run resumes from its checkpoint) and records every page it executes in `test_pages`, so a
 * test can prove that no page ran twice and none was lost. The database is real.
 */
export const TEST_PAGES_TABLE = sql`
  CREATE TABLE IF NOT EXISTS test_pages (
    run_id uuid NOT NULL,
    page integer NOT NULL,
    worker text NOT NULL,
    at timestamptz NOT NULL DEFAULT clock_timestamp()
  )`;

export interface FakeEngineOptions {
  db: Database;
  /** Who executed a page (a process label). */
  worker: string;
  pages: number;
  pageMs: number;
}

export function createFakeEngine(options: FakeEngineOptions): RunEngine {
  const { db } = options;
  return {
    async queueRun(organizationId, syncId, { trigger, dryRun }) {
      // The engine's rule, db's: a sync's real run already queued or running is returned instead of a new one.
      const queued = await new SyncRunRepository(db, organizationId).createQueued({
        syncId,
        trigger,
        dryRun: dryRun ?? false,
      });
      return queued.run;
    },

    async executeRun(runId, { signal, heartbeat } = {}) {
      let [run] = await db
        .update(syncRuns)
        .set({ status: 'running', startedAt: sql`coalesce(${syncRuns.startedAt}, now())` })
        .where(and(eq(syncRuns.id, runId), inArray(syncRuns.status, ['queued', 'running'])))
        .returning();
      if (!run) return mustLoad(db, runId);
      let page = Number(run.checkpoint?.page ?? 0);
      while (page < options.pages) {
        if (signal?.aborted) return run;
        await sleep(options.pageMs);
        const done = page;
        run = await db.transaction(async (tx) => {
          await tx.execute(
            sql`INSERT INTO test_pages (run_id, page, worker) VALUES (${runId}, ${done}, ${options.worker})`,
          );
          const [updated] = await tx
            .update(syncRuns)
            .set({
              checkpoint: { page: done + 1 },
              processedCount: sql`${syncRuns.processedCount} + 1`,
              total: sql`${syncRuns.total} + 1`,
            })
            .where(eq(syncRuns.id, runId))
            .returning();
          if (!updated) throw new Error(`run ${runId} vanished`);
          return updated;
        });
        page = done + 1;
        await heartbeat?.();
      }
      const [finished] = await db
        .update(syncRuns)
        .set({ status: 'succeeded', finishedAt: new Date() })
        .where(eq(syncRuns.id, runId))
        .returning();
      return finished ?? mustLoad(db, runId);
    },
  };
}

async function mustLoad(db: Database, runId: string): Promise<SyncRun> {
  const [run] = await db.select().from(syncRuns).where(eq(syncRuns.id, runId));
  if (!run) throw new Error(`run ${runId} not found`);
  return run;
}
