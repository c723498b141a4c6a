import { mkdir } from 'node:fs/promises';
import type { Server } from 'node:http';
import {
  createDatabase,
  loadOrCreateSecretKey,
  openDatabaseServer,
  runMigrations,
  SecretBox,
} from '@leadsync/db';
import express from 'express';
import pino, { type Logger } from 'pino';
import { bootstrapOrganization } from './bootstrap.ts';
import type { ApiEnvironment } from './env.ts';

export interface RunningLeadsync {
  url: string;
  logger: Logger;
  stop(): Promise<void>;
}

/** Starts everything `pnpm start` runs, in order, and returns how to stop it again. */
export async function startLeadsync(env: ApiEnvironment): Promise<RunningLeadsync> {
  const logger = pino({ level: env.LOG_LEVEL, base: { service: 'leadsync' } });
  await mkdir(env.LEADSYNC_DATA_DIR, { recursive: true, mode: 0o700 });

  const database = await openDatabaseServer({
    databaseUrl: env.DATABASE_URL,
    dataDir: env.LEADSYNC_DATA_DIR,
    onLog: (line) => logger.debug({ component: 'embedded-postgres' }, line),
  });
  logger.info({ embedded: database.embedded }, 'database ready');
  await runMigrations(database.url);
  const secretBox = new SecretBox(
    await loadOrCreateSecretKey(env.LEADSYNC_DATA_DIR, env.LEADSYNC_SECRET_KEY),
  );
  const handle = createDatabase(database.url, { applicationName: 'leadsync-api' });
  const bootstrap = await bootstrapOrganization({
    db: handle.db,
    dataDir: env.LEADSYNC_DATA_DIR,
    adminKey: env.LEADSYNC_ADMIN_KEY,
  });
  void secretBox;

  const app = express();
  app.disable('x-powered-by');
  app.get('/healthz', (_req, res) => {
    res.status(200).json({ status: 'ok' });
  });

  const server = await listen(app, env.PORT);
  const url = `http://localhost:${env.PORT}`;
  logger.info({ url }, 'Leadsync is ready');
  if (bootstrap.generatedAdminKey) {
    process.stdout.write(
      `\n  Leadsync is running at ${url}\n  Admin API key (shown once, also saved to ${bootstrap.adminKeyFile}):\n\n    ${bootstrap.generatedAdminKey}\n\n`,
    );
  } else {
    process.stdout.write(`\n  Leadsync is running at ${url}\n\n`);
  }

  return {
    url,
    logger,
    async stop() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await handle.close();
      await database.stop();
    },
  };
}

function listen(app: express.Express, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, (error?: Error) => (error ? reject(error) : resolve(server)));
  });
}
