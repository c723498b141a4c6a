import { LEAD_STATUSES } from '@leadsync/core';
import { sql } from 'drizzle-orm';
import { index, jsonb, pgEnum, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, timeOrderedId, timestamptz, updatedAt } from './columns.ts';

export const leadStatus = pgEnum('lead_status', LEAD_STATUSES);

export type LeadFields = Record<string, unknown>;

export const leads = pgTable(
  'leads',
  {
    /** Time-ordered (see timeOrderedId). */
    id: timeOrderedId(),
    /** References organizations (cascade), enforced per statement by a trigger: see bulk-references.ts. */
    organizationId: uuid().notNull(),
    /** Normalized (trimmed, lowercase, ASCII domain); unique per organization, case-insensitively. */
    email: text().notNull(),
    firstName: text(),
    lastName: text(),
    fields: jsonb().$type<LeadFields>().notNull().default({}),
    status: leadStatus().notNull().default('active'),
    statusChangedAt: timestamptz().notNull().defaultNow(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('leads_organization_email_idx').on(t.organizationId, sql`lower(${t.email})`),
    index('leads_organization_status_idx').on(t.organizationId, t.status),
  ],
);

export type Lead = typeof leads.$inferSelect;
export type NewLead = typeof leads.$inferInsert;
export type LeadStatus = (typeof leadStatus.enumValues)[number];
