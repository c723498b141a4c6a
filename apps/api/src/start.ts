import 'reflect-metadata';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { connectorRegistry } from '@leadsync/connectors';
import { loopbackPortHosts, nextRunAt } from '@leadsync/core';
import {
  createDatabase,
  loadOrCreateSecretKey,
  openDatabaseServer,
  runMigrations,
  SecretBox,
} from '@leadsync/db';
import { createEngine } from '@leadsync/engine';
import {
  createJobScheduler,
  createLogger,
  type JobScheduler,
  type RunningWorker,
  startWorker,
} from '@leadsync/worker';
import type { Logger } from 'pino';
import { bootstrapOrganization } from './bootstrap.ts';
import type { ApiEnvironment } from './env.ts';
import { type RunningSandbox, startSandbox } from './sandbox.ts';
import { createApiServer } from './server.ts';
import { welcomeText } from './welcome.ts';

/** The console's production build (`pnpm --filter @leadsync/web build`). */
const WEB_DIST = fileURLToPath(new URL('../../web/dist', import.meta.url));

export interface RunningLeadsync {
  url: string;
  logger: Logger;
  stop(): Promise<void>;
}

/** Starts everything `pnpm start` runs, in order, and returns how to stop it again. */
export async function startLeadsync(env: ApiEnvironment): Promise<RunningLeadsync> {
  const logger = createLogger(env.LOG_LEVEL, { service: 'leadsync' });
  // Traversable, so the embedded PostgreSQL (its own system user) reaches its cluster; the secrets are 0600 files.
  await mkdir(env.LEADSYNC_DATA_DIR, { recursive: true, mode: 0o755 });

  const database = await openDatabaseServer({
    databaseUrl: env.DATABASE_URL,
    dataDir: env.LEADSYNC_DATA_DIR,
    onLog: (line) => logger.debug({ component: 'embedded-postgres' }, line),
    onNotice: (line) => logger.info({ component: 'embedded-postgres' }, line),
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
  if (bootstrap.adminKeyRevoked)
    logger.warn(
      'LEADSYNC_ADMIN_KEY names a key revoked through the API: it stays revoked; choose a new value',
    );

  // The sandbox first: its port is allowed in this process (the sandbox connection needs it); with no
  // LEADSYNC_ALLOWED_HOSTS it is the only one tenants may reach.
  const sandbox: RunningSandbox | undefined = env.LEADSYNC_SANDBOX
    ? await startSandbox({ db: handle.db, secretBox, organizationId: bootstrap.organizationId, logger })
    : undefined;
  const allowedHosts = [
    ...(env.LEADSYNC_ALLOWED_HOSTS ?? []),
    ...loopbackPortHosts(sandbox ? Number(new URL(sandbox.simulator.apiUrl).port) : undefined),
  ];

  // The worker runs in this process by default; otherwise only the job scheduler, to enqueue for outside workers.
  let worker: RunningWorker | undefined;
  let scheduler: JobScheduler;
  if (env.LEADSYNC_EMBEDDED_WORKER) {
    worker = await startWorker(env, { databaseUrl: database.url, logger, allowedHosts });
    scheduler = worker.scheduler;
  } else {
    scheduler = createJobScheduler({
      databaseUrl: database.url,
      mongodbUrl: env.MONGODB_URL,
      connectors: [],
      knownConnectors: connectorRegistry.list().map((connector) => connector.id),
      concurrency: 1,
      logger,
      nextRunAt,
    });
    await scheduler.start();
  }
  const engine = createEngine({
    db: handle.db,
    secretBox,
    registry: connectorRegistry,
    allowedHosts,
    logger,
  });
  let ready = false;
  const api = await createApiServer({
    deps: {
      db: handle.db,
      secretBox,
      registry: connectorRegistry,
      engine,
      scheduler,
      logger,
      allowedHosts,
    },
    production: env.NODE_ENV === 'production',
    webDist: WEB_DIST,
    isReady: () => ready,
    metricsToken: env.LEADSYNC_METRICS_TOKEN,
    rateLimit:
      env.LEADSYNC_RATE_LIMIT_PER_SECOND > 0
        ? { perSecond: env.LEADSYNC_RATE_LIMIT_PER_SECOND, burst: env.LEADSYNC_RATE_LIMIT_BURST }
        : false,
    authFailureLimit:
      env.LEADSYNC_AUTH_FAILURES_PER_SECOND > 0
        ? { perSecond: env.LEADSYNC_AUTH_FAILURES_PER_SECOND, burst: env.LEADSYNC_AUTH_FAILURE_BURST }
        : false,
    uploadMaxBytes: env.LEADSYNC_UPLOAD_MAX_BYTES,
  });
  await new Promise<void>((resolve, reject) => {
    api.httpServer.once('error', reject);
    api.httpServer.listen(env.PORT, () => resolve());
  });
  ready = true;
  const url = `http://localhost:${env.PORT}`;
  logger.info({ url }, 'Leadsync is ready');
  process.stdout.write(
    welcomeText({
      url,
      adminKeyFile: bootstrap.adminKeyFile,
      generatedAdminKey: bootstrap.generatedAdminKey,
      adminKeyFromEnvironment: Boolean(env.LEADSYNC_ADMIN_KEY),
      adminKeyRevoked: bootstrap.adminKeyRevoked,
      sandbox: Boolean(sandbox),
    }),
  );

  return {
    url,
    logger,
    async stop() {
      ready = false;
      api.httpServer.closeAllConnections();
      await api.stop();
      if (worker) await worker.stop();
      else await scheduler.stop();
      await sandbox?.close();
      await handle.close();
      await database.stop();
    },
  };
}
