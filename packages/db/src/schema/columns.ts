import { sql } from 'drizzle-orm';
import { foreignKey, type PgColumn, timestamp, uuid } from 'drizzle-orm/pg-core';

/** `uuid` primary key filled by PostgreSQL's `gen_random_uuid()`. */
export const id = () => uuid().primaryKey().defaultRandom();

/**
 * `uuid` primary key filled by `leadsync_uuid_v7()` (migration 0022): a UUID version 7 (RFC 9562), whose first 48 bits
 * are the time in milliseconds and the other 74 random. For a table whose rows come by the million (leads): the
 * indexes keyed by its id (its primary key, and the lead id of source records, run records and list memberships)
 * grow at their right end instead of at a random page, so a large import keeps a few of their pages in memory rather
 * than all of them. PostgreSQL 15 has no `uuidv7()` of its own (18 has).
 */
export const timeOrderedId = () => uuid().primaryKey().default(sql`leadsync_uuid_v7()`);

/** Every time is a `timestamptz`, read as a JS `Date`. */
export const timestamptz = () => timestamp({ withTimezone: true, mode: 'date' });

export const createdAt = () => timestamptz().notNull().defaultNow();

export const updatedAt = () =>
  timestamptz()
    .notNull()
    .defaultNow()
    .$onUpdate(() => new Date());

/**
 * A reference that stays within one organization: (organization_id, `column`) → the target's (organization_id, id),
 * so a row can never point at another organization's row. The caller adds its `onDelete`.
 */
export const sameOrganizationKey = (
  name: string,
  organizationId: PgColumn,
  column: PgColumn,
  target: { organizationId: PgColumn; id: PgColumn },
) =>
  foreignKey({ name, columns: [organizationId, column], foreignColumns: [target.organizationId, target.id] });
