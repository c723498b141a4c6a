import { index, pgEnum, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { createdAt, id, timestamptz } from './columns.ts';
import { organizationIdColumn } from './organizations.ts';

export const apiKeyRole = pgEnum('api_key_role', ['admin', 'member']);

export const apiKeys = pgTable(
  'api_keys',
  {
    id: id(),
    organizationId: organizationIdColumn(),
    name: text().notNull(),
    /** SHA-256 of the plain key, lowercase hex. The plain key is never stored. */
    keyHash: text().notNull(),
    /** The first characters of the plain key, for display. */
    prefix: text().notNull(),
    role: apiKeyRole().notNull().default('member'),
    createdAt: createdAt(),
    lastUsedAt: timestamptz(),
    revokedAt: timestamptz(),
  },
  (t) => [
    uniqueIndex('api_keys_key_hash_idx').on(t.keyHash),
    index('api_keys_organization_id_idx').on(t.organizationId),
  ],
);

export type ApiKey = typeof apiKeys.$inferSelect;
export type NewApiKey = typeof apiKeys.$inferInsert;
export type ApiKeyRole = (typeof apiKeyRole.enumValues)[number];
