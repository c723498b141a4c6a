import { runRecords, type SyncRun } from '@leadsync/db/schema';
import { asc, eq } from 'drizzle-orm';
import { assertInvariants, type Fixture, totals } from './fixture.ts';

// Runs that are interrupted and resumed, compared with the same run uninterrupted (the resume and stored-file tests).

/**
 * `count` CSV rows (email, first_name, last_name) of people: role addresses (every 97th), invalid ones (every 89th)
 * and, every 7th, the address of the row `repeatAfter` earlier (person0 for the first rows), so that the file repeats
 * addresses across write units.
 */
export function peopleRows(count: number, repeatAfter: number): string[][] {
  const out: string[][] = [];
  for (let i = 0; i < count; i++) {
    if (i % 97 === 0) out.push(['info@example.com', 'Role', `${i}`]);
    else if (i % 89 === 0) out.push([`broken${i}@`, 'Bad', `${i}`]);
    else if (i % 7 === 0) out.push([`person${Math.max(0, i - repeatAfter)}@example.com`, 'Again', `${i}`]);
    else out.push([`person${i}@example.com`, 'P', `${i}`]);
  }
  return out;
}

/**
 * What an ended run left, for one `toEqual` between a resumed run and an uninterrupted one: its status and totals, the
 * organization's leads, the list's emails and the run's records in order. Throws when its totals break the invariants.
 */
export async function runResult(f: Fixture, run: SyncRun, listId: string) {
  assertInvariants(run);
  const records = await f.db
    .select({
      seq: runRecords.seq,
      sourceId: runRecords.sourceId,
      outcome: runRecords.outcome,
      reason: runRecords.reason,
    })
    .from(runRecords)
    .where(eq(runRecords.runId, run.id))
    .orderBy(asc(runRecords.seq));
  return {
    status: run.status,
    totals: totals(run),
    leads: await f.leadsByEmail(run.organizationId),
    list: await f.listEmails(listId),
    records,
  };
}

/**
 * Queues a manual run of the sync and executes it until its worker is killed (the heartbeat throws 'worker killed')
 * after `units` write units; the run's id. Throws when the run ended before.
 */
export async function killedRun(f: Fixture, organizationId: string, syncId: string, units: number) {
  const queued = await f.engine.queueRun(organizationId, syncId, { trigger: 'manual' });
  let written = 0;
  try {
    await f.engine.executeRun(queued.id, {
      heartbeat: async () => {
        written++;
        if (written === units) throw new Error('worker killed');
      },
    });
  } catch (error) {
    if (error instanceof Error && error.message === 'worker killed') return queued.id;
    throw error;
  }
  throw new Error(`the run ended before its worker was killed after ${units} units`);
}
