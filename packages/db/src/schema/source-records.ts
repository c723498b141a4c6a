import { index, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { timestamptz } from './columns.ts';

/** One row per source record a sync imported: source id → lead, for change and deletion detection. */
export const sourceRecords = pgTable(
  'source_records',
  {
    syncId: uuid().notNull(),
    sourceId: text().notNull(),
    organizationId: uuid().notNull(),
    leadId: uuid(),
    email: text(),
    /** Hash of the mapped content: unchanged records can be skipped (and need no detail request). */
    contentHash: text(),
    sourceModifiedAt: timestamptz(),
    lastSeenAt: timestamptz().notNull().defaultNow(),
    lastSeenRunId: uuid(),
    deletedAt: timestamptz(),
  },
  (t) => [primaryKey({ columns: [t.syncId, t.sourceId] }), index('source_records_lead_id_idx').on(t.leadId)],
);

export type SourceRecord = typeof sourceRecords.$inferSelect;
export type NewSourceRecord = typeof sourceRecords.$inferInsert;
