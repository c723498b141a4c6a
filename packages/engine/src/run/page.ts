import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import {
  type ClassifiedRecord,
  classifyBatch,
  createRunState,
  type LeadStatus,
  type RunTotals,
  SEEN_EARLIER_IN_RUN,
} from '@leadsync/core';
import {
  isLeadWriteTurnMoved,
  leadWriteTurns,
  takeLeadWriteTurn,
  takePlannedLeadWriteTurn,
} from '@leadsync/db';
import type { LeadFields, RunRecordPrevious } from '@leadsync/db/schema';
import { type SQL, sql } from 'drizzle-orm';
import { pipelinedTransaction, textArray } from '../sql.ts';
import { applyUpdatePolicy } from '../update-policy.ts';
import { CPU_SLICE_RECORDS, type PreparedRecord, type RunCheckpoint, type RunScope } from './types.ts';

export interface PageWrite {
  /** In-scope records, in source order. */
  records: PreparedRecord[];
  /** Records read from the source for this page, out-of-scope and rejected ones included. */
  readCount: number;
  highWaterMark: Date | undefined;
  checkpoint: RunCheckpoint;
  /** `seq` of the page's first record. */
  seqStart: number;
  /** Mapped values of these records that were made storable (MappedValues.cleaned). */
  cleanedFields: number;
}

type ExistingLead = {
  id: string;
  email: string;
  status: LeadStatus;
  first_name: string | null;
  last_name: string | null;
  fields: LeadFields;
  member: boolean;
};

/** A unit classified against a lookup of the organization's leads, and planned: ready to be written. */
export interface PlannedUnit {
  page: PageWrite;
  results: ClassifiedRecord[];
  pageTotals: RunTotals;
  plan: PagePlan;
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

type Send = <T extends object>(query: SQL) => Promise<T[]>;

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
    : send<{ source_id: string; lead_id: string | null; email: string | null }>(
        knownSourceIds(
          scope,
          page.records.map((r) => r.sourceId),
        ),
      );
  knownRows.catch(() => {}); // awaited below; a failure of the lookup first must not leave it unhandled
  const state = createRunState({ seen: carried.emails });
  const existing = new Map<string, ExistingLead>();
  const { results, pageTotals } = await classifyBatch(
    page.records.map((r) => ({ sourceId: r.sourceId, email: r.mapped.email })),
    async (emails) => {
      // Both go out at once; Promise.all so that a failure of either is handled, whichever fails first.
      const [rows, unlinkedRows] = await Promise.all([
        send<ExistingLead & { seen: boolean }>(lookupLeads(scope, emails)),
        scope.dryRun ? send<{ email: string }>(recordedUnlinkedEmails(scope, emails)) : [],
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
  const known = new Set(carried.sourceIds);
  /** The lead and address of each live source record of the sync that names one, by source id. */
  const linked = new Map<string, { leadId: string; email: string }>();
  for (const row of await knownRows) {
    known.add(row.source_id);
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
    pageTotals,
    plan: planPage(scope, page, results, existing, known, linked),
    basis,
    carry: { emails, sourceIds },
  };
}

/**
 * Writes a planned unit in ONE transaction, with set-based statements only: new leads, updated/restored leads, list
 * memberships, source records, run records, and the run's counters and checkpoint. A dry run writes only the run
 * records and the run row.
 *
 * First the organization's write turn (BEGIN and the row lock in one flight); if another writer took a turn since
 * the unit's lookup, the unit is looked up and planned again inside the transaction. Then ONE statement (the new
 * leads are inserted in it and the rows that refer to them take their ids from RETURNING) and COMMIT in one flight.
 * `onTurn` is told the turn (held until commit) once the writes
 * are sent, with the unit as written: the next unit can be looked up from then on.
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
    const { plan, page, pageTotals } = unit;
    tx.send(pageStatement(scope, page, pageTotals, plan));
    onTurn?.(turn, unit);
  });
}

/** A unit's write, sent but not yet committed: see beginUnitWrite. */
export interface UnitWrite {
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
): UnitWrite {
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
    tx.send(pageStatement(scope, planned.page, planned.pageTotals, planned.plan));
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

/** New leads, as columns. */
interface FreshLeads {
  email: string[];
  first: (string | null)[];
  last: (string | null)[];
  fields: string[];
}

/** Everything a page writes besides new leads, worked out from the classification. */
interface PagePlan {
  /** The classification, one per record. */
  results: ClassifiedRecord[];
  fresh: FreshLeads;
  update: {
    id: string[];
    first: (string | null)[];
    last: (string | null)[];
    fields: string[];
    restore: string[];
  };
  /** Existing leads that join the sync's list. */
  join: string[];
  /** The lead id of each record when the lookup knew it; null otherwise. */
  leadIds: (string | null)[];
  /** What undo needs, by record index. */
  previous: Map<number, RunRecordPrevious>;
  /** Source ids the sync has a source record for (or will have once the unit written meanwhile commits). */
  knownSources: Set<string>;
  /**
   * Source records whose address changed at the source: the lead of the old address, which leaves the sync's list
   * (a `deleted` record), by record index. Rare; empty in a first import.
   */
  moved: { index: number; leadId: string; email: string; tracked: boolean }[];
}

function planPage(
  scope: RunScope,
  page: PageWrite,
  results: ClassifiedRecord[],
  existing: Map<string, ExistingLead>,
  knownSources: Set<string>,
  linked: ReadonlyMap<string, { leadId: string; email: string }>,
): PagePlan {
  const plan: PagePlan = {
    knownSources,
    results,
    fresh: { email: [], first: [], last: [], fields: [] },
    update: { id: [], first: [], last: [], fields: [], restore: [] },
    join: [],
    leadIds: new Array(results.length),
    previous: new Map(),
    moved: [],
  };
  const { fresh, update, join, previous } = plan;
  for (let i = 0; i < results.length; i++) {
    const result = results[i]!;
    const email = result.email;
    const lead = email === undefined ? undefined : existing.get(email);
    plan.leadIds[i] = lead?.id ?? null;
    if (scope.dryRun || email === undefined) continue;
    const record = page.records[i]!;
    if (result.outcome === 'new') {
      fresh.email.push(email);
      fresh.first.push(record.mapped.firstName ?? null);
      fresh.last.push(record.mapped.lastName ?? null);
      fresh.fields.push(JSON.stringify(record.mapped.fields));
    } else if ((result.outcome === 'duplicate' || result.outcome === 're_added') && lead) {
      const restore = result.outcome === 're_added';
      const next = applyUpdatePolicy(
        scope.updatePolicy,
        { firstName: lead.first_name, lastName: lead.last_name, fields: lead.fields },
        record.mapped,
      );
      const before: RunRecordPrevious = { wasMember: lead.member };
      if (restore) before.status = lead.status;
      if (next.changed) {
        before.firstName = lead.first_name;
        before.lastName = lead.last_name;
        before.fields = lead.fields;
      }
      previous.set(i, before);
      if (next.changed || restore) {
        update.id.push(lead.id);
        update.first.push(next.firstName);
        update.last.push(next.lastName);
        update.fields.push(JSON.stringify(next.fields));
        update.restore.push(restore ? 't' : 'f');
      }
      if (!lead.member) join.push(lead.id);
    }
  }
  if (linked.size > 0 && !scope.dryRun) findMoved(plan, linked);
  return plan;
}

/**
 * Source records whose address changed at the source since the sync last saw them (same source id, another
 * email, or none usable: emptied, invalid, a role address): the old address's lead is no longer this record's. Leads that a record of this unit names are left out
 * (two records that swapped addresses keep both leads).
 */
function findMoved(plan: PagePlan, linked: ReadonlyMap<string, { leadId: string; email: string }>): void {
  const named = new Set<string>();
  for (let i = 0; i < plan.results.length; i++) {
    const id = plan.leadIds[i];
    if (id) named.add(id);
  }
  for (let i = 0; i < plan.results.length; i++) {
    const result = plan.results[i]!;
    const before = linked.get(result.sourceId);
    if (!before || result.email === before.email) continue;
    if (named.has(before.leadId)) continue;
    plan.moved.push({ index: i, leadId: before.leadId, email: before.email, tracked: tracked(result) });
  }
}

/**
 * New leads, and the id of each (`fresh_leads`): the inserted one, or for a lead that already existed (not expected:
 * every writer of the organization's leads holds its turn and the unit was planned against the turn before its own)
 * the existing one, which is left as it is. Plain inserts behind a probe rather than ON CONFLICT, whose speculative
 * insertion costs about as much again per row (here and for the memberships and source records below).
 */
function freshLeadsCtes(scope: RunScope, fresh: FreshLeads): SQL {
  return sql`inserted as (
      insert into leads (organization_id, email, first_name, last_name, fields)
      select ${scope.organizationId}, u.email, u.first_name, u.last_name, u.fields::jsonb
      from unnest(${textArray(fresh.email)}, ${textArray(fresh.first)}, ${textArray(fresh.last)},
                  ${textArray(fresh.fields)}) as u(email, first_name, last_name, fields)
      where ${leadByEmail(scope, sql`u.email`)} is null
      returning id, lower(email) as email),
    fresh_leads as (
      select e.email, coalesce(i.id, ${leadByEmail(scope, sql`e.email`)}) as id, i.id is not null as inserted
      from unnest(${textArray(fresh.email)}) as e(email) left join inserted i on i.email = e.email)`;
}

/**
 * The one batched lookup of a page: the leads with these emails, whether each is on the sync's list, and whether the
 * run has recorded it already (rule 4 across write units: every record that reached rule 4 and was written names its
 * lead, so the run's memory does not grow with its size and a resumed run needs nothing rebuilt). No row locks:
 * engine writers of one organization take turns (takeLeadWriteTurn), and the update re-reads a lead's status.
 *
 * Written so that its cost is one index probe per email whatever the planner believes: during a first large import
 * the tables have no statistics yet (autovacuum has not analyzed them), and the plain join form was planned as a
 * scan of all the organization's leads and a hash of all the list's memberships, per page (quadratic in the run).
 * The lateral subquery (`offset 0` keeps it from being flattened into a join) is run per email on the unique
 * `(organization_id, lower(email))` index; the membership and the run's record are per-lead probes of the list's
 * primary key and of run_records' `(lead_id, run_id)` index (scalar subqueries: an `exists` would be planned as a
 * hash of the whole list).
 */
function lookupLeads(scope: RunScope, emails: string[]): SQL {
  return sql`
    select l.id, e.email, l.status, l.first_name, l.last_name, l.fields,
           coalesce((select true from list_memberships m
                     where m.mailing_list_id = ${scope.mailingListId} and m.lead_id = l.id), false) as member,
           coalesce((select true from run_records r
                     where r.lead_id = l.id and r.run_id = ${scope.runId} limit 1), false) as seen
    from unnest(${textArray(emails)}) as e(email)
    cross join lateral (
      select id, status, first_name, last_name, fields from leads
      where organization_id = ${scope.organizationId} and lower(email) = e.email
      offset 0
    ) as l`;
}

/**
 * Rule 4 across the write units of a dry run: its new records have no lead to be found by, so which of these emails
 * it has recorded as new (the partial index of such records; any other run has none).
 */
function recordedUnlinkedEmails(scope: RunScope, emails: string[]): SQL {
  return sql`
    select e.email from unnest(${textArray(emails)}) as e(email)
    where exists (
      select 1 from run_records r
      where r.run_id = ${scope.runId} and r.email = e.email and r.lead_id is null and r.outcome = 'new'
      offset 0
    )`;
}

/**
 * Which of these source ids the sync has a source record for: they are upserted, the others inserted plainly (only
 * this sync's run writes them, one unit after another). One probe of the primary key per id, as in lookupLeads (as
 * `= any(...)`, a table without statistics was read as all of the sync's records, filtered).
 */
function knownSourceIds(scope: RunScope, sourceIds: string[]): SQL {
  return sql`
    select e.source_id, s.lead_id, s.email from unnest(${textArray(sourceIds)}) as e(source_id)
    cross join lateral (
      select case when s.deleted_at is null then s.lead_id end as lead_id, s.email from source_records s
      where s.sync_id = ${scope.syncId} and s.source_id = e.source_id offset 0
    ) as s`;
}

/** Outcomes whose record names a usable address, tracked per source id (for change and deletion detection). */
function tracked(result: ClassifiedRecord): boolean {
  return (
    result.outcome !== 'ignored' ||
    !['empty_email', 'invalid_pattern', 'group_email'].includes(result.reason!)
  );
}

/** A record's lead found by email, for records whose lead the lookup did not know (created by this page). */
function leadByEmail(scope: RunScope, email: SQL): SQL {
  return sql`(select l.id from leads l where l.organization_id = ${scope.organizationId} and lower(l.email) = ${email})`;
}

/**
 * One statement for the rest of the page, as data-modifying CTEs of the run row's update: updated/restored leads,
 * memberships of existing leads, source records, run records, counters and checkpoint. Runs after the insert of new
 * leads in the same transaction, so it finds their ids by email.
 *
 * Suppression wins here too: a lead that is bounced or do-not-mail when the statement runs is neither made active
 * nor put on the list, whatever the plan says (the plan cannot be stale, since every writer of leads takes the
 * organization's turn; this is the second line).
 */
function pageStatement(scope: RunScope, page: PageWrite, totals: RunTotals, plan: PagePlan): SQL {
  const ctes: SQL[] = [];
  const { update, join } = plan;
  if (update.id.length > 0) {
    // By primary key, one probe per lead: the organization is checked as a filter (text), not as an index condition,
    // which the planner, without statistics during a first import, took for a cheap scan of the organization's leads.
    ctes.push(sql`updated as (
      update leads as l
      set first_name = u.first_name, last_name = u.last_name, fields = u.fields::jsonb,
          status = case when u.restore::boolean and l.status = 'deleted' then 'active'::lead_status else l.status end,
          status_changed_at = case when u.restore::boolean and l.status = 'deleted' then now()
                                   else l.status_changed_at end,
          updated_at = now()
      from unnest(${textArray(update.id)}, ${textArray(update.first)}, ${textArray(update.last)},
                  ${textArray(update.fields)}, ${textArray(update.restore)})
           as u(id, first_name, last_name, fields, restore)
      where l.id = u.id::uuid and l.organization_id::text = ${scope.organizationId})`);
  }
  const fresh = plan.fresh.email.length > 0;
  if (fresh) {
    ctes.push(freshLeadsCtes(scope, plan.fresh));
    // New leads join the list (a lead just inserted is on no list); so does a lead that existed already.
    ctes.push(sql`created as (
      insert into list_memberships (mailing_list_id, lead_id, organization_id, added_by_sync_id)
      select ${scope.mailingListId}, f.id, ${scope.organizationId}, ${scope.syncId} from fresh_leads f
      where f.inserted
         or ((select true from list_memberships m where m.mailing_list_id = ${scope.mailingListId} and m.lead_id = f.id)
             is null
             and (select l.status from leads l where l.id = f.id) = 'active'))`);
  }
  if (join.length > 0) {
    ctes.push(sql`joined as (
      insert into list_memberships (mailing_list_id, lead_id, organization_id, added_by_sync_id)
      select ${scope.mailingListId}, u.id::uuid, ${scope.organizationId}, ${scope.syncId}
      from unnest(${textArray(join)}) as u(id)
      where (select l.status from leads l where l.id = u.id::uuid) in ('active', 'deleted')
      on conflict do nothing)`);
  }
  if (!scope.dryRun) {
    const sources = sourceRecordsWrite(scope, page, plan, fresh);
    if (sources) ctes.push(sources);
  }
  if (plan.moved.length > 0) ctes.push(movedWrite(scope, page, plan));
  const records = runRecordsInsert(scope, page, plan, fresh);
  if (records) ctes.push(sql`records as (${records})`);
  const b = totals.ignoredBreakdown;
  return sql`
    ${ctes.length > 0 ? sql`with ${sql.join(ctes, sql`, `)}` : sql``}
    update sync_runs set
      total = total + ${totals.total}, new_leads = new_leads + ${totals.newLeads},
      re_added = re_added + ${totals.reAdded}, duplicate = duplicate + ${totals.duplicate},
      ignored = ignored + ${totals.ignored}, bounced = bounced + ${b.bounced},
      do_not_mail = do_not_mail + ${b.doNotMail}, group_email = group_email + ${b.groupEmail},
      file_duplicate = file_duplicate + ${b.fileDuplicate}, empty_email = empty_email + ${b.emptyEmail},
      invalid_pattern = invalid_pattern + ${b.invalidPattern},
      read_count = read_count + ${page.readCount}, processed_count = processed_count + ${page.records.length},
      deleted = deleted + ${plan.moved.length},
      cleaned_fields = cleaned_fields + ${page.cleanedFields},
      checkpoint = ${JSON.stringify(page.checkpoint)}::jsonb,
      high_water_mark = greatest(high_water_mark, ${page.highWaterMark?.toISOString() ?? null}::timestamptz)
    where id = ${scope.runId}`;
}

function sourceRecordsWrite(
  scope: RunScope,
  page: PageWrite,
  plan: PagePlan,
  fresh: boolean,
): SQL | undefined {
  // One row per source id (a page could carry a record twice; a statement may change a row only once).
  const results = plan.results;
  const bySourceId = new Map<string, number>();
  for (let i = 0; i < results.length; i++) if (tracked(results[i]!)) bySourceId.set(results[i]!.sourceId, i);
  if (bySourceId.size === 0) return undefined;
  const seen = new SourceRows();
  const unseen = new SourceRows();
  for (const [id, i] of bySourceId) {
    const record = page.records[i]!;
    (plan.knownSources.has(id) ? seen : unseen).push(
      id,
      plan.leadIds[i]!,
      results[i]!.email!,
      record.hash,
      record.modifiedAt?.toISOString() ?? null,
    );
  }
  const rows = (columns: SourceRows) => sql`
      select u.source_id, coalesce(u.lead_id::uuid, ${fresh ? sql`f.id, ` : sql``}${leadByEmail(scope, sql`u.email`)}) as lead_id,
             u.email, u.hash, u.modified::timestamptz as modified
      from unnest(${textArray(columns.sourceId)}, ${textArray(columns.leadId)}, ${textArray(columns.email)},
                  ${textArray(columns.hash)}, ${textArray(columns.modified)}) as u(source_id, lead_id, email, hash, modified)
      ${fresh ? sql`left join fresh_leads f on f.email = u.email` : sql``}`;
  const insert = (columns: SourceRows) => sql`
      insert into source_records (sync_id, source_id, organization_id, lead_id, email, content_hash,
                                  source_modified_at, last_seen_at, last_seen_run_id, deleted_at)
      select ${scope.syncId}, r.source_id, ${scope.organizationId}, r.lead_id, r.email, r.hash, r.modified, now(),
             ${scope.runId}, null
      from (${rows(columns)}) as r`;
  const ctes: SQL[] = [];
  if (seen.sourceId.length > 0) {
    // The conflict is found by a probe of the primary key per record (an UPDATE … FROM could be planned as a scan of
    // the sync's records); an existing row is updated without a speculative insert.
    ctes.push(sql`sources_seen as (${insert(seen)}
      on conflict (sync_id, source_id) do update
      set lead_id = excluded.lead_id, email = excluded.email, content_hash = excluded.content_hash,
          source_modified_at = excluded.source_modified_at, last_seen_at = excluded.last_seen_at,
          last_seen_run_id = excluded.last_seen_run_id, deleted_at = null)`);
  }
  if (unseen.sourceId.length > 0) ctes.push(sql`sources_new as (${insert(unseen)})`);
  return sql.join(ctes, sql`, `);
}

/**
 * The old addresses of source records whose email changed (PagePlan.moved), as in deletion detection: the old lead
 * leaves the sync's list when no other live record of this sync holds it, a sync put it there and no other sync of
 * the list holds it; it is soft-deleted when it was active and is on no other list; and a `deleted` record says so.
 * That record's `seq` is `-(seq of the changed record + 1)`: unique in the run, and listed before the run's records.
 * Reads the tables as they were before the statement (the source records still name the old leads).
 */
function movedWrite(scope: RunScope, page: PageWrite, plan: PagePlan): SQL {
  const sourceIds = plan.moved.map((m) => plan.results[m.index]!.sourceId);
  // A record whose new address is not tracked (empty, invalid, role) writes no source record: its old one is closed
  // here, so that it names the old lead no more (a later valid address opens it again).
  const untracked = plan.moved.filter((m) => !m.tracked).map((m) => plan.results[m.index]!.sourceId);
  const seqs = plan.moved.map((m) => String(-(page.seqStart + m.index + 1)));
  return sql`moved as (
      select u.source_id, u.lead_id::uuid as lead_id, u.email, u.seq::integer as seq
      from unnest(${textArray(sourceIds)}, ${textArray(plan.moved.map((m) => m.leadId))},
                  ${textArray(plan.moved.map((m) => m.email))}, ${textArray(seqs)}) as u(source_id, lead_id, email, seq)),
    moved_off as (
      delete from list_memberships m using moved v
      where m.mailing_list_id = ${scope.mailingListId} and m.lead_id = v.lead_id and m.added_by_sync_id is not null
        and not exists (
          select 1 from source_records s
          where s.sync_id = ${scope.syncId} and s.lead_id = v.lead_id and s.deleted_at is null
            and s.source_id <> all(${textArray(sourceIds)}))
        and not exists (
          select 1 from source_records o join syncs os on os.id = o.sync_id
          where o.lead_id = v.lead_id and o.sync_id <> ${scope.syncId} and o.deleted_at is null
            and os.mailing_list_id = ${scope.mailingListId})
      returning m.lead_id),
    moved_deleted as (
      update leads l set status = 'deleted', status_changed_at = now(), updated_at = now()
      where l.id in (select lead_id from moved_off) and l.status = 'active'
        and not exists (select 1 from list_memberships m
                        where m.lead_id = l.id and m.mailing_list_id <> ${scope.mailingListId})
      returning l.id),
    ${
      untracked.length > 0
        ? sql`moved_closed as (
      update source_records s set deleted_at = now(), last_seen_run_id = ${scope.runId}
      where s.sync_id = ${scope.syncId} and s.source_id = any(${textArray(untracked)})),`
        : sql``
    }
    moved_records as (
      insert into run_records (run_id, organization_id, seq, source_id, email, lead_id, outcome, previous)
      select ${scope.runId}, ${scope.organizationId}, v.seq, v.source_id, v.email, v.lead_id, 'deleted',
             jsonb_strip_nulls(jsonb_build_object(
               'wasMember', o.lead_id is not null,
               'status', case when d.id is not null then 'active' end,
               'at', now()))
      from moved v
      left join (select distinct lead_id from moved_off) o on o.lead_id = v.lead_id
      left join moved_deleted d on d.id = v.lead_id)`;
}

/** Source records to write, as columns. */
class SourceRows {
  readonly sourceId: string[] = [];
  readonly leadId: (string | null)[] = [];
  readonly email: string[] = [];
  readonly hash: string[] = [];
  readonly modified: (string | null)[] = [];

  push(sourceId: string, leadId: string | null, email: string, hash: string, modified: string | null): void {
    this.sourceId.push(sourceId);
    this.leadId.push(leadId);
    this.email.push(email);
    this.hash.push(hash);
    this.modified.push(modified);
  }
}

/** The insert of the page's run records. */
function runRecordsInsert(scope: RunScope, page: PageWrite, plan: PagePlan, fresh: boolean): SQL | undefined {
  const results = plan.results;
  if (results.length === 0) return undefined;
  const n = results.length;
  const seq: string[] = new Array(n);
  const sourceId: string[] = new Array(n);
  const email: (string | null)[] = new Array(n);
  const leadId: (string | null)[] = new Array(n);
  const link: string[] = new Array(n);
  const outcome: string[] = new Array(n);
  const reason: (string | null)[] = new Array(n);
  const suggestion: (string | null)[] = new Array(n);
  const previous: (string | null)[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const result = results[i]!;
    seq[i] = String(page.seqStart + i);
    sourceId[i] = result.sourceId;
    email[i] = result.email ?? null;
    const linked = result.email !== undefined && result.reason !== 'file_duplicate' && tracked(result);
    leadId[i] = linked ? plan.leadIds[i]! : null;
    // A lead this page created is found by email (a dry run creates none: its new records have no lead).
    link[i] = linked && leadId[i] === null && !scope.dryRun ? 't' : 'f';
    outcome[i] = result.outcome;
    reason[i] = result.reason ?? null;
    suggestion[i] = result.suggestion ?? null;
    const before = plan.previous.get(i);
    previous[i] = before ? JSON.stringify(before) : null;
  }
  return sql`
    insert into run_records (run_id, organization_id, seq, source_id, email, lead_id, outcome, reason, suggestion,
                             previous)
    select ${scope.runId}, ${scope.organizationId}, u.seq::integer, u.source_id, u.email,
           case when u.link::boolean then ${fresh ? sql`coalesce(f.id, ${leadByEmail(scope, sql`u.email`)})` : leadByEmail(scope, sql`u.email`)}
                else u.lead_id::uuid end,
           u.outcome::run_outcome, u.reason::ignored_reason, u.suggestion,
           u.previous::jsonb || jsonb_build_object('at', now())
    from unnest(${textArray(seq)}, ${textArray(sourceId)}, ${textArray(email)}, ${textArray(leadId)},
                ${textArray(link)}, ${textArray(outcome)}, ${textArray(reason)}, ${textArray(suggestion)},
                ${textArray(previous)})
         as u(seq, source_id, email, lead_id, link, outcome, reason, suggestion, previous)
    ${fresh ? sql`left join fresh_leads f on f.email = u.email` : sql``}`;
}
