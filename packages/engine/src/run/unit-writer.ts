import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import {
  type ClassifiedRecord,
  classifyBatch,
  createRunState,
  type LeadStatus,
  SEEN_EARLIER_IN_RUN,
} from '@leadsync/core';
import type { Pipeline, Statement, UnitLeadRow, UnitSourceRow, UnitWrite } from '@leadsync/db';
import {
  isLeadWriteTurnMoved,
  leadWriteTurns,
  pipelinedTransaction,
  sendPrepared,
  takeLeadWriteTurn,
  takePlannedLeadWriteTurn,
  unitKnownSourceRecords,
  unitLeadLookup,
  unitRecordedUnlinkedEmails,
  unitWriteStatement,
} from '@leadsync/db';
import { type PageWrite, planUnitWrite, tracked } from './plan.ts';
import { CPU_SLICE_RECORDS, type RunScope } from './types.ts';

/**
 * The unit writer: looks a unit up and classifies it (planUnit, with the pure planner of plan.ts), and writes it in
 * ONE transaction holding the organization's lead-write turn, either sent at once behind the unit ahead
 * (beginUnitWrite: two units in flight) or afresh (writeUnit). packages/engine README, "Units in flight".
 */

/** A unit classified against a lookup of the organization's leads, and planned: ready to be written. */
export interface PlannedUnit {
  page: PageWrite;
  results: ClassifiedRecord[];
  write: UnitWrite;
  /**
   * The organization's write turns the lookup saw (see takeLeadWriteTurn in @leadsync/db): the plan holds only if
   * the unit's own turn is the next one. Undefined for a dry run, which takes no turn.
   */
  basis: number | undefined;
  /** What the next unit, looked up before this one commits, must know of it. */
  carry: Carried;
}

/** What a unit writes that the lookup of the next one, made before it commits, cannot see yet. */
export interface Carried {
  /** Emails that reached rule 4. */
  emails: readonly string[];
  /** Source ids whose source records it writes. */
  sourceIds: readonly string[];
}

export const NOTHING_CARRIED: Carried = { emails: [], sourceIds: [] };

type Send = Pipeline['send'];

/** Sends a statement on any connection of the run's pool (outside a transaction), prepared. */
export function sendOnPool(scope: RunScope): Send {
  return <T extends object>(statement: Statement) => sendPrepared<T>(scope.db, statement);
}

/**
 * Classifies a unit against the organization's leads (one batched lookup) and plans its writes, knowing which of its
 * source records the sync has already. `carried`: what a unit written meanwhile writes, not yet visible to the
 * lookup. `basis`: the write turns that the lookup's view includes (undefined: read here, before the lookup).
 */
export async function planUnit(
  scope: RunScope,
  page: PageWrite,
  carried: Carried,
  basis: number | undefined,
  send: Send,
): Promise<PlannedUnit> {
  if (basis === undefined && !scope.dryRun) {
    // Read before the lookup: a writer that commits in between makes the basis look old, never new.
    const [row] = await send<{ lead_writes: number | string }>(leadWriteTurns(scope.organizationId));
    basis = Number(row?.lead_writes ?? 0);
  }
  const knownRows = scope.dryRun
    ? Promise.resolve([])
    : send<UnitSourceRow>(
        unitKnownSourceRecords(
          scope,
          page.records.map((r) => r.sourceId),
        ),
      );
  knownRows.catch(() => {}); // awaited below; a failure of the lookup first must not leave it unhandled
  const state = createRunState({ seen: carried.emails });
  const existing = new Map<string, UnitLeadRow>();
  const { results, pageTotals } = await classifyBatch(
    page.records.map((r) => ({ sourceId: r.sourceId, email: r.mapped.email })),
    async (emails) => {
      // Both go out at once; Promise.all so that a failure of either is handled, whichever fails first.
      const [rows, unlinkedRows] = await Promise.all([
        send<UnitLeadRow>(unitLeadLookup(scope, emails)),
        scope.dryRun ? send<{ email: string }>(unitRecordedUnlinkedEmails(scope, emails)) : [],
      ]);
      const statuses = new Map<string, LeadStatus | typeof SEEN_EARLIER_IN_RUN>();
      for (const row of rows) {
        existing.set(row.email, row);
        statuses.set(row.email, row.seen ? SEEN_EARLIER_IN_RUN : row.status);
      }
      for (const row of unlinkedRows) statuses.set(row.email, SEEN_EARLIER_IN_RUN);
      return statuses;
    },
    state,
    // Slices between turns of the event loop: the API shares the process in `pnpm start`.
    { pause: yieldToEventLoop, sliceSize: CPU_SLICE_RECORDS },
  );
  const knownSources = new Set(carried.sourceIds);
  const linked = new Map<string, { leadId: string; email: string }>();
  for (const row of await knownRows) {
    knownSources.add(row.source_id);
    if (row.lead_id !== null && row.email !== null)
      linked.set(row.source_id, { leadId: row.lead_id, email: row.email });
  }
  const emails: string[] = [];
  const sourceIds: string[] = [];
  for (const result of results) {
    if (result.email === undefined || !tracked(result)) continue;
    emails.push(result.email);
    sourceIds.push(result.sourceId);
  }
  return {
    page,
    results,
    write: planUnitWrite(scope, page, results, pageTotals, { existing, knownSources, linked }),
    basis,
    carry: { emails, sourceIds },
  };
}

/**
 * Writes a planned unit in ONE transaction: first the organization's write turn (BEGIN and the row lock in one
 * flight); if another writer took a turn since the unit's lookup, the unit is looked up and planned again inside the
 * transaction. Then ONE statement (unitWriteStatement) and COMMIT in one flight. `onTurn` is told the turn (held
 * until commit) once the write is sent, with the unit as written: the next unit can be looked up from then on.
 */
export async function writeUnit(
  scope: RunScope,
  planned: PlannedUnit,
  onTurn?: (turn: number | undefined, unit: PlannedUnit) => void,
): Promise<void> {
  return pipelinedTransaction(scope.db, async (tx) => {
    let unit = planned;
    let turn: number | undefined;
    if (!scope.dryRun) {
      const [row] = await tx.send<{ lead_writes: number | string }>(takeLeadWriteTurn(scope.organizationId));
      turn = Number(row?.lead_writes);
      if (unit.basis === undefined || turn !== unit.basis + 1) {
        // The unit before has committed: the lookup inside this transaction sees all of it, nothing is carried.
        unit = await planUnit(scope, unit.page, NOTHING_CARRIED, turn - 1, tx.send);
      }
    }
    tx.send(unitWriteStatement(scope, unit.write));
    onTurn?.(turn, unit);
  });
}

/** A unit's write, sent but not yet committed: see beginUnitWrite. */
export interface UnitWriteInFlight {
  /**
   * Commits the unit (true) or rolls it back (false). Resolves once its transaction has ended; rejects with its
   * failure when it was to commit.
   */
  finish(commit: boolean): Promise<void>;
}

const ROLLED_BACK = new Error('rolled back');

/**
 * Sends a planned unit's write at once, before the unit ahead of it has committed, and commits it when `finish` says
 * so. Its transaction takes the organization's turn only if it is the one right after the turn the unit was planned
 * against (takePlannedLeadWriteTurn): the turn statement waits in the database for the unit ahead to commit, and the
 * unit's statement follows it there, so that the database goes from one unit to the next without waiting for the
 * engine. If another writer took a turn in between, the attempt aborts and `finish(true)` writes the unit with
 * writeUnit instead (looked up and planned again inside its transaction); so it does when the attempt failed before
 * `finish` was called. A dry run, which takes no turn, is written by writeUnit when it commits.
 *
 * `onTurn` as for writeUnit. The caller commits a unit only after the unit ahead has committed.
 */
export function beginUnitWrite(
  scope: RunScope,
  planned: PlannedUnit,
  onTurn?: (turn: number | undefined, unit: PlannedUnit) => void,
): UnitWriteInFlight {
  const basis = planned.basis;
  if (scope.dryRun || basis === undefined) {
    return { finish: async (commit) => (commit ? writeUnit(scope, planned, onTurn) : undefined) };
  }
  let decide!: (commit: boolean) => void;
  const decision = new Promise<boolean>((resolve) => {
    decide = resolve;
  });
  const attempt = pipelinedTransaction(scope.db, async (tx) => {
    const turn = tx.send<{ lead_writes: number | string }>(
      takePlannedLeadWriteTurn(scope.organizationId, basis + 1),
    );
    tx.send(unitWriteStatement(scope, planned.write));
    turn.then(
      ([row]) => onTurn?.(Number(row?.lead_writes), planned),
      () => {}, // the attempt fails with it
    );
    if (!(await decision)) throw ROLLED_BACK;
  });
  let decided = false;
  let failedUndecided = false;
  attempt.catch(() => {
    failedUndecided = !decided;
  });
  return {
    async finish(commit) {
      decided = true;
      decide(commit);
      try {
        await attempt;
      } catch (error) {
        if (!commit) return;
        // Written afresh (and planned again if the turns moved) when another writer took a turn in between, or
        // when the attempt failed before it was told to commit (a connection lost meanwhile: it cannot have
        // committed), as it would have been written had it been sent only now.
        if (!isLeadWriteTurnMoved(error) && !failedUndecided) throw error;
        await writeUnit(scope, planned, onTurn);
      }
    },
  };
}
