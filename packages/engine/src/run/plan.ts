import type { ClassifiedRecord, RunTotals } from '@leadsync/core';
import type { SourceRecordColumns, UnitLeadRow, UnitWrite } from '@leadsync/db';
import type { RunRecordPrevious, UpdatePolicy } from '@leadsync/db/schema';
import { applyUpdatePolicy } from '../update-policy.ts';
import type { PreparedRecord, RunCheckpoint } from './types.ts';

/**
 * The pure planner of a write unit: from the unit's records, their classification and what the lookups found, the
 * columns of everything the unit writes (`UnitWrite`, written by @leadsync/db's `unitWriteStatement` in ONE
 * statement). No I/O, no clock: the same inputs give the same plan.
 */

/** Whole source pages written together (see WRITE_UNIT_RECORDS). */
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
  /** Records of these pages the source could not read, and why (the first MAX_RUN_REJECTIONS reasons). */
  rejectedCount: number;
  rejections: string[];
}

/** What the lookups of a unit found. */
export interface UnitLookup {
  /** Existing leads by (normalized) email. */
  existing: ReadonlyMap<string, UnitLeadRow>;
  /** Source ids the sync has a source record for (or will have once the unit written meanwhile commits). */
  knownSources: ReadonlySet<string>;
  /** The lead and address of each live source record of the sync that names one, by source id. */
  linked: ReadonlyMap<string, { leadId: string; email: string }>;
}

/** Outcomes whose record names a usable address, tracked per source id (for change and deletion detection). */
export function tracked(result: ClassifiedRecord): boolean {
  return (
    result.outcome !== 'ignored' ||
    !['empty_email', 'invalid_pattern', 'group_email'].includes(result.reason!)
  );
}

function sourceColumns(): SourceRecordColumns {
  return { sourceId: [], leadId: [], email: [], hash: [], modified: [] };
}

/** Plans a classified unit's writes; a dry run plans only its run records and counters. */
export function planUnitWrite(
  run: { dryRun: boolean; updatePolicy: UpdatePolicy },
  page: PageWrite,
  results: readonly ClassifiedRecord[],
  totals: RunTotals,
  lookup: UnitLookup,
): UnitWrite {
  const write: UnitWrite = {
    fresh: { email: [], first: [], last: [], fields: [] },
    update: { id: [], first: [], last: [], fields: [], restore: [] },
    join: [],
    sources: { seen: sourceColumns(), unseen: sourceColumns() },
    moved: { sourceId: [], leadId: [], email: [], seq: [], untracked: [] },
    records: runRecordColumns(results.length),
    counters: {
      total: totals.total,
      newLeads: totals.newLeads,
      reAdded: totals.reAdded,
      duplicate: totals.duplicate,
      ignored: totals.ignored,
      ...totals.ignoredBreakdown,
      readCount: page.readCount,
      processedCount: page.records.length,
      cleanedFields: page.cleanedFields,
      rejectedCount: page.rejectedCount,
    },
    rejections: page.rejections,
    checkpoint: JSON.stringify(page.checkpoint),
    highWaterMark: page.highWaterMark?.toISOString() ?? null,
  };
  /** The lead id of each record when the lookup knew it; null otherwise. */
  const leadIds: (string | null)[] = new Array(results.length);
  /** What undo needs, by record index. */
  const previous = new Map<number, RunRecordPrevious>();
  const { fresh, update, join } = write;
  for (let i = 0; i < results.length; i++) {
    const result = results[i]!;
    const email = result.email;
    const lead = email === undefined ? undefined : lookup.existing.get(email);
    leadIds[i] = lead?.id ?? null;
    if (run.dryRun || email === undefined) continue;
    const record = page.records[i]!;
    if (result.outcome === 'new') {
      fresh.email.push(email);
      fresh.first.push(record.mapped.firstName ?? null);
      fresh.last.push(record.mapped.lastName ?? null);
      fresh.fields.push(JSON.stringify(record.mapped.fields));
    } else if ((result.outcome === 'duplicate' || result.outcome === 're_added') && lead) {
      const restore = result.outcome === 're_added';
      const next = applyUpdatePolicy(
        run.updatePolicy,
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
  if (!run.dryRun) {
    if (lookup.linked.size > 0) planMoved(write, page, results, leadIds, lookup.linked);
    planSourceRecords(write.sources, page, results, leadIds, lookup.knownSources);
  }
  planRunRecords(write.records, run.dryRun, page, results, leadIds, previous);
  return write;
}

/**
 * Source records whose address changed at the source since the sync last saw them (same source id, another email,
 * or none usable: emptied, invalid, a role address): the old address's lead is no longer this record's. Leads that
 * a record of this unit names are left out (two records that swapped addresses keep both leads). Its `deleted`
 * record's `seq` is `-(seq of the changed record + 1)`: unique in the run, and listed before the run's records.
 */
function planMoved(
  write: UnitWrite,
  page: PageWrite,
  results: readonly ClassifiedRecord[],
  leadIds: readonly (string | null)[],
  linked: ReadonlyMap<string, { leadId: string; email: string }>,
): void {
  const named = new Set<string>();
  for (const id of leadIds) if (id) named.add(id);
  const { moved } = write;
  for (let i = 0; i < results.length; i++) {
    const result = results[i]!;
    const before = linked.get(result.sourceId);
    if (!before || result.email === before.email || named.has(before.leadId)) continue;
    moved.sourceId.push(result.sourceId);
    moved.leadId.push(before.leadId);
    moved.email.push(before.email);
    moved.seq.push(String(-(page.seqStart + i + 1)));
    // A record whose new address is not tracked (empty, invalid, role) writes no source record: its old one is
    // closed, so that it names the old lead no more (a later valid address opens it again).
    if (!tracked(result)) moved.untracked.push(result.sourceId);
  }
}

/** One source record per tracked source id (a page could carry a record twice: the last one wins). */
function planSourceRecords(
  sources: UnitWrite['sources'],
  page: PageWrite,
  results: readonly ClassifiedRecord[],
  leadIds: readonly (string | null)[],
  knownSources: ReadonlySet<string>,
): void {
  const bySourceId = new Map<string, number>();
  for (let i = 0; i < results.length; i++) if (tracked(results[i]!)) bySourceId.set(results[i]!.sourceId, i);
  for (const [id, i] of bySourceId) {
    const record = page.records[i]!;
    const columns = knownSources.has(id) ? sources.seen : sources.unseen;
    columns.sourceId.push(id);
    columns.leadId.push(leadIds[i]!);
    columns.email.push(results[i]!.email!);
    columns.hash.push(record.hash);
    columns.modified.push(record.modifiedAt?.toISOString() ?? null);
  }
}

function runRecordColumns(n: number): UnitWrite['records'] {
  return {
    seq: new Array(n),
    sourceId: new Array(n),
    email: new Array(n),
    leadId: new Array(n),
    link: new Array(n),
    outcome: new Array(n),
    reason: new Array(n),
    suggestion: new Array(n),
    previous: new Array(n),
  };
}

/** One run record per classified record, with what undo needs in `previous`. */
function planRunRecords(
  records: UnitWrite['records'],
  dryRun: boolean,
  page: PageWrite,
  results: readonly ClassifiedRecord[],
  leadIds: readonly (string | null)[],
  previous: ReadonlyMap<number, RunRecordPrevious>,
): void {
  for (let i = 0; i < results.length; i++) {
    const result = results[i]!;
    records.seq[i] = String(page.seqStart + i);
    records.sourceId[i] = result.sourceId;
    records.email[i] = result.email ?? null;
    const linked = result.email !== undefined && result.reason !== 'file_duplicate' && tracked(result);
    records.leadId[i] = linked ? leadIds[i]! : null;
    // A lead this page created is found by email (a dry run creates none: its new records have no lead).
    records.link[i] = linked && records.leadId[i] === null && !dryRun ? 't' : 'f';
    records.outcome[i] = result.outcome;
    records.reason[i] = result.reason ?? null;
    records.suggestion[i] = result.suggestion ?? null;
    const before = previous.get(i);
    records.previous[i] = before ? JSON.stringify(before) : null;
  }
}
