import { index, jsonb, pgEnum, pgTable, text, unique } from 'drizzle-orm/pg-core';
import { createdAt, id, updatedAt } from './columns.ts';
import { organizationIdColumn } from './organizations.ts';

export const connectionStatus = pgEnum('connection_status', ['active', 'needs_new_key', 'needs_permission']);

export const connections = pgTable(
  'connections',
  {
    id: id(),
    organizationId: organizationIdColumn(),
    /** The connector's id, e.g. `zoho-invoice` or `csv`. */
    connectorId: text().notNull(),
    name: text().notNull(),
    /** Opaque string from the secret box (AES-256-GCM); never returned by the API. */
    credentialsEncrypted: text().notNull(),
    settings: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    /** At most the last 4 characters of the account key, for display. */
    maskedKey: text(),
    primaryEmail: text(),
    status: connectionStatus().notNull().default('active'),
    /** Why the connection needs attention, in words for a person (no secrets; emails masked); null when active. */
    statusReason: text(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('connections_organization_id_idx').on(t.organizationId),
    unique('connections_organization_id_id_key').on(t.organizationId, t.id),
  ],
);

export type Connection = typeof connections.$inferSelect;
export type NewConnection = typeof connections.$inferInsert;
export type ConnectionStatus = (typeof connectionStatus.enumValues)[number];
