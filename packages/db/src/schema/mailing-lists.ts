import { sql } from 'drizzle-orm';
import { index, pgTable, primaryKey, text, unique, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, id, timestamptz } from './columns.ts';
import { organizationIdColumn } from './organizations.ts';

export const mailingLists = pgTable(
  'mailing_lists',
  {
    id: id(),
    organizationId: organizationIdColumn(),
    name: text().notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('mailing_lists_organization_name_idx').on(t.organizationId, sql`lower(${t.name})`),
    unique('mailing_lists_organization_id_id_key').on(t.organizationId, t.id),
  ],
);

export const listMemberships = pgTable(
  'list_memberships',
  {
    mailingListId: uuid().notNull(),
    leadId: uuid().notNull(),
    organizationId: uuid().notNull(),
    addedAt: timestamptz().notNull().defaultNow(),
    addedBySyncId: uuid(),
  },
  (t) => [
    primaryKey({ columns: [t.mailingListId, t.leadId] }),
    index('list_memberships_lead_id_idx').on(t.leadId),
  ],
);

export type MailingList = typeof mailingLists.$inferSelect;
export type NewMailingList = typeof mailingLists.$inferInsert;
export type ListMembership = typeof listMemberships.$inferSelect;
export type NewListMembership = typeof listMemberships.$inferInsert;
