import { sql } from 'drizzle-orm';
import {
  bigint,
  check,
  customType,
  index,
  pgTable,
  primaryKey,
  text,
  unique,
  uuid,
} from 'drizzle-orm/pg-core';
import { createdAt, id, timestamptz, updatedAt } from './columns.ts';
import { organizationIdColumn } from './organizations.ts';

const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => 'bytea' });

/**
 * A file uploaded in chunks (`POST /uploads`, `PUT /uploads/<id>`), kept outside any connection's settings: a
 * connection's settings name it (`{ fileId }`). Complete once `received_bytes = size`; then `sha256` is set.
 */
export const storedFiles = pgTable(
  'stored_files',
  {
    id: id(),
    organizationId: organizationIdColumn(),
    /** The name the uploader gave (display only, at most 255 characters). */
    name: text().notNull(),
    /** Declared when the upload starts; the upload is complete when this many bytes have arrived. */
    size: bigint({ mode: 'number' }).notNull(),
    receivedBytes: bigint({ mode: 'number' }).notNull().default(0),
    /** Hex SHA-256 of the whole file, once complete. */
    sha256: text(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    completedAt: timestamptz(),
  },
  (t) => [
    index('stored_files_organization_id_idx').on(t.organizationId),
    unique('stored_files_organization_id_id_key').on(t.organizationId, t.id),
    check(
      'stored_files_received_within_size',
      sql`${t.receivedBytes} >= 0 and ${t.receivedBytes} <= ${t.size}`,
    ),
  ],
);

/** The bytes of a stored file, in pieces of at most 1 MiB, by their offset in the file. */
export const storedFileChunks = pgTable(
  'stored_file_chunks',
  {
    fileId: uuid()
      .notNull()
      .references(() => storedFiles.id, { onDelete: 'cascade' }),
    start: bigint({ mode: 'number' }).notNull(),
    data: bytea().notNull(),
  },
  (t) => [primaryKey({ columns: [t.fileId, t.start] })],
);

export type StoredFileRow = typeof storedFiles.$inferSelect;
