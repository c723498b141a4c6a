import { sql } from 'drizzle-orm';
import { bigint, index, pgEnum, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { timestamptz } from './columns.ts';
import { leadStatus } from './leads.ts';
import { organizationIdColumn } from './organizations.ts';

/**
 * What happened to a lead outside a run's records: a status set by a person or the API (`status_changed`), a list
 * membership removed or added by a person or the API (`membership_removed`, `membership_added`). What a run does to
 * a lead is its run record (a membership added by a run is the `new`/`re_added`/`duplicate` record itself), and an
 * undo is the undone run's records with the run's `undone_at`: neither is copied here.
 */
export const leadEventKind = pgEnum('lead_event_kind', [
  'status_changed',
  'membership_added',
  'membership_removed',
]);

/**
 * Append-only history of a lead's changes, written in the transaction of the change. Keyed by the normalized email
 * (not the lead: a lead can be removed and created again, and the story is about the address).
 */
export const leadEvents = pgTable(
  'lead_events',
  {
    id: bigint({ mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    organizationId: organizationIdColumn(),
    /** The lead's normalized email (lowercase). */
    email: text().notNull(),
    /** The lead at the time; not a reference (the lead may be removed later, its story stays). */
    leadId: uuid(),
    kind: leadEventKind().notNull(),
    occurredAt: timestamptz().notNull().defaultNow(),
    fromStatus: leadStatus(),
    toStatus: leadStatus(),
    /** For membership events: the list, and its name then (the list may be renamed or deleted later). */
    mailingListId: uuid(),
    mailingListName: text(),
    /** Who: the API key (a person in the console signs in with one), or a sync. Not references, for the same reason. */
    apiKeyId: uuid(),
    apiKeyName: text(),
    syncId: uuid(),
  },
  (t) => [
    index('lead_events_organization_email_idx').on(
      t.organizationId,
      sql`lower(${t.email})`,
      t.occurredAt.desc(),
      t.id.desc(),
    ),
  ],
);

export type LeadEvent = typeof leadEvents.$inferSelect;
export type NewLeadEvent = typeof leadEvents.$inferInsert;
export type LeadEventKind = (typeof leadEventKind.enumValues)[number];
