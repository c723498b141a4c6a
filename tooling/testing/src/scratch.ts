import { randomBytes } from 'node:crypto';
import postgres from 'postgres';

/** A scratch database: its name, its URL, the admin connection to its server, and `drop()`. */
export interface ScratchDatabase {
  name: string;
  url: string;
  admin: postgres.Sql;
  /** Drops the database (forcing its sessions out) and closes the admin connection. */
  drop(): Promise<void>;
}

/**
 * A fresh, empty database on the server of `serverUrl` (a bench's, outside vitest), named `prefix` and a random
 * suffix; migrating it is the caller's.
 */
export async function createScratchDatabase(
  serverUrl: string,
  prefix = 'leadsync_bench',
): Promise<ScratchDatabase> {
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    admin,
    async drop() {
      try {
        await admin.unsafe(`drop database if exists "${name}" with (force)`);
      } finally {
        await admin.end();
      }
    },
  };
}
