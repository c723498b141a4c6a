import type { Logger } from '@leadsync/connector-sdk';
import { createDatabase, type DatabaseHandle, type DatabaseServer, openDatabaseServer } from '@leadsync/db';
import { createRuntime, type Runtime } from '@leadsync/runtime';
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

/**
 * The CLI's runtime for the commands that run the engine (`sync run`, `csv upload`): one small pool, the server's
 * secret key (read, never generated), the registry and the engine; `close()` also stops the embedded server when
 * this process started it.
 */
export function openCliRuntime(env: CliEnvironment, logger: Logger): Promise<Runtime> {
  return createRuntime({
    env,
    logger,
    applicationName: 'leadsync-cli',
    poolSize: 4,
    allowedHosts: env.LEADSYNC_ALLOWED_HOSTS ?? [],
    secretKey: 'existing',
  });
}
