import { sql } from 'drizzle-orm';
import { bigint, boolean, check, integer, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, id, timestamptz } from './columns.ts';

export const organizations = pgTable(
  'organizations',
  {
    id: id(),
    name: text().notNull(),
    /** The organization that `pnpm start` creates; at most one row has it. */
    isDefault: boolean().notNull().default(false),
    createdAt: createdAt(),
    /**
     * Counts the transactions that changed the organization's leads under its write turn (the engine's pages,
     * deletions and undo lock this row to take turns). The engine looks a page's leads up while the page before is
     * still being written, and uses that lookup only if no other writer took a turn in between.
     */
    leadWrites: bigint({ mode: 'number' }).notNull().default(0),
    /** Run records older than this many days are pruned by the worker's `run-records.prune` job (totals stay). */
    runRecordRetentionDays: integer().notNull().default(400),
    /** Run history before this time has been pruned (the latest prune's cutoff); null: nothing pruned yet. */
    runRecordsPrunedBefore: timestamptz(),
  },
  (t) => [
    uniqueIndex('organizations_single_default_idx').on(t.isDefault).where(sql`${t.isDefault}`),
    check(
      'organizations_run_record_retention_days_range',
      sql`${t.runRecordRetentionDays} between 1 and 36500`,
    ),
  ],
);

export type Organization = typeof organizations.$inferSelect;
export type NewOrganization = typeof organizations.$inferInsert;

/** The organization a row belongs to (`organization_id`); deleting the organization deletes the row. */
export const organizationIdColumn = () =>
  uuid()
    .notNull()
    .references(() => organizations.id, { onDelete: 'cascade' });
