import { sql } from 'drizzle-orm';
import { bigint, boolean, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { createdAt, id } from './columns.ts';

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
  },
  (t) => [uniqueIndex('organizations_single_default_idx').on(t.isDefault).where(sql`${t.isDefault}`)],
);

export type Organization = typeof organizations.$inferSelect;
export type NewOrganization = typeof organizations.$inferInsert;
