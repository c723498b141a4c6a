import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  smallint,
  text,
  unique,
  uuid,
} from 'drizzle-orm/pg-core';
import { createdAt, id, sameOrganizationKey, timestamptz, updatedAt } from './columns.ts';
import { connections } from './connections.ts';
import { mailingLists } from './mailing-lists.ts';
import { organizationIdColumn } from './organizations.ts';

export const importMode = pgEnum('import_mode', ['all', 'criteria']);
export const syncStatus = pgEnum('sync_status', ['draft', 'active', 'inactive']);
export const updatePolicy = pgEnum('update_policy', ['overwrite', 'fill_empty', 'never']);

export interface FieldMappingEntry {
  source: string;
  target: string;
}

/** As in the GraphQL `Schedule`; interpreted by `@leadsync/core`. */
export interface SyncSchedule {
  frequency: 'ONCE' | 'DAILY' | 'WEEKLY' | 'MONTHLY';
  time?: string | null;
  timeZone: string;
  weekday?: number | null;
  dayOfMonth?: number | null;
}

export const syncs = pgTable(
  'syncs',
  {
    id: id(),
    organizationId: organizationIdColumn(),
    connectionId: uuid().notNull(),
    name: text().notNull(),
    sourceOrganizationId: text().notNull(),
    importMode: importMode().notNull(),
    criteria: jsonb().$type<Record<string, unknown>>(),
    mailingListId: uuid().notNull(),
    fieldMapping: jsonb().$type<FieldMappingEntry[]>().notNull().default([]),
    schedule: jsonb().$type<SyncSchedule>().notNull(),
    retrieveFrom: timestamptz(),
    status: syncStatus().notNull().default('draft'),
    inactiveReason: text(),
    updatePolicy: updatePolicy().notNull().default('overwrite'),
    /**
     * The mass-deletion guard: a run whose listing would delete more than this share (percent) of the sync's live
     * source records deletes nothing and warns, until a person confirms (`deletionsConfirmedAt`). 100: no guard.
     */
    deletionGuardPercent: integer().notNull().default(50),
    /** Set by a person's confirmation of held deletions; the next run that detects deletions applies them all. */
    deletionsConfirmedAt: timestamptz(),
    /** Newest source modification time of the last successful run (incremental reads start here). */
    highWaterMark: timestamptz(),
    /**
     * Set (with `highWaterMark` cleared) when criteria, mapping or `retrieveFrom` change: the next run reads the whole
     * window; a run that started before it does not bring the high-water mark back.
     */
    rereadRequestedAt: timestamptz(),
    /** A draft's wizard step to reopen at (0-based); null once initiated. */
    setupStep: smallint(),
    nextRunAt: timestamptz(),
    /** Deletions are looked for by a full listing at most once per this many hours (a costly read at a quota). */
    deletionCheckHours: integer().notNull().default(24),
    /** When a run last listed every source id to find deletions. */
    deletionsCheckedAt: timestamptz(),
    /**
     * Read only the records the source calls active (a connector with `capabilities.activeOnlyReads`); by default
     * every record, inactive ones too (inactive is not deleted).
     */
    activeRecordsOnly: boolean().notNull().default(false),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('syncs_organization_id_idx').on(t.organizationId),
    check('syncs_deletion_guard_percent_range', sql`${t.deletionGuardPercent} between 0 and 100`),
    index('syncs_connection_id_idx').on(t.connectionId),
    index('syncs_mailing_list_id_idx').on(t.mailingListId),
    index('syncs_due_idx').on(t.nextRunAt).where(sql`${t.status} = 'active'`),
    unique('syncs_organization_id_id_key').on(t.organizationId, t.id),
    sameOrganizationKey('syncs_connection_fk', t.organizationId, t.connectionId, connections).onDelete(
      'cascade',
    ),
    sameOrganizationKey('syncs_mailing_list_fk', t.organizationId, t.mailingListId, mailingLists).onDelete(
      'restrict',
    ),
  ],
);

export type Sync = typeof syncs.$inferSelect;
export type NewSync = typeof syncs.$inferInsert;
export type ImportMode = (typeof importMode.enumValues)[number];
export type SyncStatus = (typeof syncStatus.enumValues)[number];
export type UpdatePolicy = (typeof updatePolicy.enumValues)[number];
