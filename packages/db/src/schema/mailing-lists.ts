import { sql } from 'drizzle-orm';
import { foreignKey, index, pgTable, primaryKey, text, unique, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, id, timestamptz } from './columns.ts';
import { leads } from './leads.ts';
import { organizations } from './organizations.ts';
import { syncs } from './syncs.ts';

export const mailingLists = pgTable(
  'mailing_lists',
  {
    id: id(),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
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
    addedBySyncId: uuid().references(() => syncs.id, { onDelete: 'set null' }),
  },
  (t) => [
    primaryKey({ columns: [t.mailingListId, t.leadId] }),
    index('list_memberships_lead_id_idx').on(t.leadId),
    index('list_memberships_organization_id_idx').on(t.organizationId),
    foreignKey({
      name: 'list_memberships_mailing_list_fk',
      columns: [t.organizationId, t.mailingListId],
      foreignColumns: [mailingLists.organizationId, mailingLists.id],
    }).onDelete('cascade'),
    foreignKey({
      name: 'list_memberships_lead_fk',
      columns: [t.organizationId, t.leadId],
      foreignColumns: [leads.organizationId, leads.id],
    }).onDelete('cascade'),
  ],
);

export type MailingList = typeof mailingLists.$inferSelect;
export type NewMailingList = typeof mailingLists.$inferInsert;
export type ListMembership = typeof listMemberships.$inferSelect;
export type NewListMembership = typeof listMemberships.$inferInsert;
