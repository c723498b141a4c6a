import { IGNORED_REASONS, OUTCOMES } from '@leadsync/core';
import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  unique,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { createdAt, id, sameOrganizationKey, timestamptz } from './columns.ts';
import { organizationIdColumn } from './organizations.ts';
import { syncs } from './syncs.ts';

export const runStatus = pgEnum('run_status', ['queued', 'running', 'waiting', 'succeeded', 'failed']);
export const runOutcome = pgEnum('run_outcome', OUTCOMES);
export const ignoredReason = pgEnum('ignored_reason', IGNORED_REASONS);

const counter = () => integer().notNull().default(0);

/** A run keeps the reasons of at most this many rejected source records (the first ones); it counts them all. */
export const MAX_RUN_REJECTIONS = 100;
/** Characters kept of one rejection's reason. */
export const MAX_REJECTION_LENGTH = 500;

export const syncRuns = pgTable(
  'sync_runs',
  {
    id: id(),
    organizationId: organizationIdColumn(),
    syncId: uuid().notNull(),
    status: runStatus().notNull().default('queued'),
    /** A preview: classifies everything, writes no lead. */
    dryRun: boolean().notNull().default(false),
    /** `schedule`, `manual` or `preview`. */
    trigger: text().notNull(),
    createdAt: createdAt(),
    startedAt: timestamptz(),
    finishedAt: timestamptz(),
    error: text(),
    total: counter(),
    newLeads: counter(),
    reAdded: counter(),
    duplicate: counter(),
    ignored: counter(),
    deleted: counter(),
    bounced: counter(),
    doNotMail: counter(),
    groupEmail: counter(),
    fileDuplicate: counter(),
    emptyEmail: counter(),
    invalidPattern: counter(),
    /** Progress: source records read / classified so far. */
    readCount: counter(),
    processedCount: counter(),
    /** Mapped values that held text PostgreSQL cannot store (NUL, unpaired surrogates) and were cleaned. */
    cleanedFields: counter(),
    /** Source records the connector could not read (a malformed CSV line) and skipped. */
    rejectedCount: counter(),
    /**
     * Why, for the first MAX_RUN_REJECTIONS of them, in source order: the connector's sentences ("The row on line
     * 734512 is not valid CSV: …"), which name the line and the problem, never the record's content.
     */
    rejections: text().array().notNull().default(sql`'{}'::text[]`),
    /** The connector's checkpoint, so a restarted run resumes instead of starting over. */
    checkpoint: jsonb().$type<Record<string, unknown>>(),
    /** Newest source modification time seen by this run. */
    highWaterMark: timestamptz(),
    undoneAt: timestamptz(),
    /** The run's records were pruned (organization's retention); its totals stay. */
    recordsPrunedAt: timestamptz(),
    /** What undo reversed and what it kept, and why (UndoReport); set when the run is undone. */
    undoReport: jsonb().$type<UndoReport>(),
    /** Deletions the mass-deletion guard held back (not applied; `warning` says why). */
    heldDeletions: counter(),
    /** A sentence for a person about something the run did not do on its own (held deletions). */
    warning: text(),
    /** `waiting`: when the run goes on by itself (the source's daily quota resets then). */
    waitingUntil: timestamptz(),
    /** `waiting`: why, for a person ("daily API quota of the Zoho account reached"). */
    waitingReason: text(),
    /** Whether the run looked for deletions by a full listing; false: it did not (period not over, quota low). */
    deletionsChecked: boolean(),
  },
  (t) => [
    index('sync_runs_organization_id_idx').on(t.organizationId),
    index('sync_runs_sync_created_idx').on(
      t.syncId,
      t.createdAt.desc().nullsFirst(),
      t.id.desc().nullsFirst(),
    ),
    /**
     * At most one real run queued, running or waiting per sync (written without naming `waiting`, which the
     * migration that adds it to the enum cannot use in the same transaction).
     */
    uniqueIndex('sync_runs_one_active_per_sync_idx')
      .on(t.syncId)
      .where(sql`${t.status} not in ('succeeded', 'failed') and not ${t.dryRun}`),
    unique('sync_runs_organization_id_id_key').on(t.organizationId, t.id),
    sameOrganizationKey('sync_runs_sync_fk', t.organizationId, t.syncId, syncs).onDelete('cascade'),
  ],
);

/** Why undo left a lead's change in place. */
export type UndoKeptReason =
  | 'suppressed'
  | 'changed_after_run'
  | 'held_by_other_sync'
  | 'held_by_person'
  | 'on_other_list';

/** Stored on the run when it is undone: what was reversed, and each lead kept with its reason (at most 100 listed). */
export interface UndoReport {
  /** Leads whose change by the run was reversed (removed, restored or taken off the list). */
  reversed: number;
  kept: Partial<Record<UndoKeptReason, number>>;
  keptLeads: { email: string; reason: UndoKeptReason }[];
}

/** What undo needs to restore a lead that a run changed. */
export interface RunRecordPrevious {
  status?: string;
  firstName?: string | null;
  lastName?: string | null;
  fields?: Record<string, unknown>;
  /** Whether the lead was already on the sync's list before the run. */
  wasMember?: boolean;
  /**
   * When the run wrote the lead (its transaction's `now()`, which that write put in `leads.updated_at`): undo
   * restores only a lead nobody has written since.
   */
  at?: string;
}

export const runRecords = pgTable(
  'run_records',
  {
    runId: uuid().notNull(),
    organizationId: uuid().notNull(),
    /**
     * Order within the run (source order). The `deleted` record of the old address of a source record whose email
     * changed takes `-(seq of that record + 1)`.
     */
    seq: integer().notNull(),
    sourceId: text().notNull(),
    email: text(),
    leadId: uuid(),
    outcome: runOutcome().notNull(),
    reason: ignoredReason(),
    suggestion: text(),
    previous: jsonb().$type<RunRecordPrevious>(),
  },
  (t) => [
    primaryKey({ name: 'run_records_pkey', columns: [t.runId, t.seq] }),
    /** A reason exactly when ignored: lets a filter on the outcome alone (or the reason alone) use the index. */
    check(
      'run_records_reason_only_when_ignored',
      sql`(${t.outcome} = 'ignored') = (${t.reason} is not null)`,
    ),
    index('run_records_run_outcome_reason_seq_idx').on(t.runId, t.outcome, t.reason, t.seq),
    /**
     * A lead's records (kept in step when a lead is deleted), and rule 4 across a run's write units: has the run
     * recorded this lead already? (`lead_id` first: every run adds one entry per lead it meets.)
     */
    index('run_records_lead_run_idx').on(t.leadId, t.runId),
    /** Rule 4 in a dry run, whose new records have no lead yet; empty in any other run. */
    /**
     * A person's timeline: the records that name no lead (ignored group, invalid and file-duplicate addresses, and
     * those of a lead removed since), found by address. The records of a lead are found by `lead_id` above; so this
     * index holds only the unlinked ones, which keeps its cost to the engine's writes small. A hash index of the
     * organization and the address (equality is all the timeline asks; the organization is in the key so that one
     * tenant's volume of a common address never slows another's lookups): an insert hashes its key once instead of
     * comparing it down a B-tree, ~0.6 instead of ~1.2 ms of PostgreSQL CPU per 1,000 run records (migration 0020).
     * The timeline asks with this very expression (LeadTimelineRepository).
     */
    index('run_records_unlinked_email_hash_idx')
      .using('hash', sql`(${t.organizationId}::text || lower(${t.email}))`)
      .where(sql`${t.leadId} is null and ${t.email} is not null`),
    index('run_records_run_email_unlinked_new_idx')
      .on(t.runId, t.email)
      .where(sql`${t.leadId} is null and ${t.outcome} = 'new'`),
  ],
);

export type SyncRun = typeof syncRuns.$inferSelect;

/** A run's counters in the shape of the API's `RunTotals` and `IgnoredBreakdown` (also the webhook payload's). */
export function runCounters(run: SyncRun) {
  return {
    totals: {
      total: run.total,
      newLeads: run.newLeads,
      reAdded: run.reAdded,
      duplicate: run.duplicate,
      ignored: run.ignored,
      deleted: run.deleted,
    },
    ignoredBreakdown: {
      bounced: run.bounced,
      doNotMail: run.doNotMail,
      groupEmail: run.groupEmail,
      fileDuplicate: run.fileDuplicate,
      emptyEmail: run.emptyEmail,
      invalidPattern: run.invalidPattern,
    },
  };
}
export type NewSyncRun = typeof syncRuns.$inferInsert;
export type RunStatus = (typeof runStatus.enumValues)[number];
export type RunRecord = typeof runRecords.$inferSelect;
export type NewRunRecord = typeof runRecords.$inferInsert;
export type RunOutcome = (typeof runOutcome.enumValues)[number];
export type IgnoredReason = (typeof ignoredReason.enumValues)[number];
