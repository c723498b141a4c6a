import 'reflect-metadata';
import { fileURLToPath } from 'node:url';
import { connectorSandboxes } from '@leadsync/connectors';
import { createLogger, createRuntime, workerOptionsFrom } from '@leadsync/runtime';
import type { Logger } from 'pino';
import { bootstrapOrganization } from './bootstrap.ts';
import type { ApiEnvironment } from './env.ts';
import { type RunningSandbox, sandboxAllowedHosts, startSandbox, startSandboxSimulators } from './sandbox.ts';
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
  // The sandboxes' simulators first: their ports are allowed in this process (the sandbox connections need them);
  // with no LEADSYNC_ALLOWED_HOSTS they are the only ones tenants may reach.
  const started = env.LEADSYNC_SANDBOX ? await startSandboxSimulators(connectorSandboxes) : [];
  const allowedHosts = [...(env.LEADSYNC_ALLOWED_HOSTS ?? []), ...sandboxAllowedHosts(started)];
  // One database pool, secret box and engine for the API and its embedded worker. The worker runs in this process
  // by default; otherwise the job store is opened only to enqueue for outside workers.
  const runtime = await createRuntime({
    env,
    logger,
    applicationName: 'leadsync-api',
    poolSize: 10,
    allowedHosts,
    secretKey: 'load-or-create',
    migrate: true,
    jobs: env.LEADSYNC_EMBEDDED_WORKER ? workerOptionsFrom(env) : 'enqueue',
  });
  logger.info({ embedded: runtime.server.embedded }, 'database ready');
  const { db, secretBox, engine } = runtime;
  const bootstrap = await bootstrapOrganization({
    db,
    dataDir: env.LEADSYNC_DATA_DIR,
    adminKey: env.LEADSYNC_ADMIN_KEY,
  });
  if (bootstrap.adminKeyRevoked)
    logger.warn(
      'LEADSYNC_ADMIN_KEY names a key revoked through the API: it stays revoked; choose a new value',
    );
  const sandbox: RunningSandbox | undefined = env.LEADSYNC_SANDBOX
    ? await startSandbox({ db, secretBox, organizationId: bootstrap.organizationId, logger, started })
    : undefined;
  // After the sandbox connections are up to date, so that no job reads the simulator's old port.
  const scheduler = runtime.scheduler;
  if (!scheduler) throw new Error('the runtime has no job scheduler');
  await scheduler.start();
  let ready = false;
  const api = await createApiServer({
    deps: {
      db,
      secretBox,
      registry: runtime.registry,
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
      sandboxConnections: [...(sandbox?.connectionIds.keys() ?? [])],
    }),
  );

  return {
    url,
    logger,
    async stop() {
      ready = false;
      api.httpServer.closeAllConnections();
      await api.stop();
      await runtime.close(env.LEADSYNC_WORKER_DRAIN_TIMEOUT_MS);
      await sandbox?.close();
    },
  };
}
