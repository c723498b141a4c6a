import { timestamp, uuid } from 'drizzle-orm/pg-core';

/** `uuid` primary key filled by PostgreSQL's `gen_random_uuid()`. */
export const id = () => uuid().primaryKey().defaultRandom();

/** Every time is a `timestamptz`, read as a JS `Date`. */
export const timestamptz = () => timestamp({ withTimezone: true, mode: 'date' });

export const createdAt = () => timestamptz().notNull().defaultNow();

export const updatedAt = () =>
  timestamptz()
    .notNull()
    .defaultNow()
    .$onUpdate(() => new Date());
