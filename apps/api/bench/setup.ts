// What the API's benches share: a scratch database on the bench's PostgreSQL server, one organization with an admin
// key and its syncs, and the real API server on loopback with no job queue.
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { connectorRegistry } from '@leadsync/connectors';
import {
  type Database,
  type RunningPostgres,
  runMigrations,
  type SecretBox,
  startScratchPostgres,
} from '@leadsync/db';
import { ApiKeyRepository, createOrganization, SyncRepository } from '@leadsync/db/repositories';
import type { Organization, Sync } from '@leadsync/db/schema';
import { createEngine } from '@leadsync/engine';
import type { Logger } from 'pino';
import postgres from 'postgres';
import type { ApiDeps } from '../src/graphql/deps.ts';
import { type ApiServer, createApiServer } from '../src/server.ts';

/**
 * The server of `TEST_DATABASE_URL` or `DATABASE_URL` (else an embedded one in a temporary directory) and a fresh,
 * migrated database `<prefix>_<random>` on it. `close()` drops the database and stops the server.
 */
export async function openScratchDatabase(prefix = 'leadsync_bench'): Promise<{
  server: RunningPostgres;
  url: string;
  close(): Promise<void>;
}> {
  const server = await startScratchPostgres(process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL);
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  const admin = postgres(server.url, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  const url = new URL(server.url);
  url.pathname = `/${name}`;
  const close = async () => {
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
    await admin.end();
    await server.stop();
  };
  try {
    await runMigrations(url.toString());
  } catch (error) {
    await close();
    throw error;
  }
  return { server, url: url.toString(), close };
}

/** An organization with an admin API key (the key in plain, for `Authorization: Bearer`). */
export async function createBenchOrganization(
  db: Database,
  name = 'Bench',
): Promise<{ organization: Organization; key: string }> {
  const organization = await createOrganization(db, name);
  const { plainKey } = await new ApiKeyRepository(db, organization.id).create({
    name: 'bench',
    role: 'admin',
  });
  return { organization, key: plainKey };
}

/** `count` syncs `Sync <i>` of the file of `connectionId`, email to email, daily, into the lists in turn. */
export async function createBenchSyncs(
  db: Database,
  organizationId: string,
  input: { connectionId: string; listIds: string[]; count: number },
): Promise<Sync[]> {
  const syncs = new SyncRepository(db, organizationId);
  const created: Sync[] = [];
  for (let i = 0; i < input.count; i += 1) {
    created.push(
      await syncs.create({
        name: `Sync ${i}`,
        connectionId: input.connectionId,
        sourceOrganizationId: 'file',
        importMode: 'all',
        mailingListId: input.listIds[i % input.listIds.length] ?? '',
        fieldMapping: [{ source: 'email', target: 'email' }],
        schedule: { frequency: 'DAILY', time: '06:00', timeZone: 'Europe/Berlin' },
      }),
    );
  }
  return created;
}

/**
 * The real API server (production, no rate limit) on a loopback port, with an engine over the composed registry and
 * no job queue: a bench that reads runs none, and reaches no source (no allowed host).
 */
export async function startBenchApi(
  db: Database,
  secretBox: SecretBox,
  logger: Logger,
): Promise<{ api: ApiServer; deps: ApiDeps; url: string }> {
  const engine = createEngine({ db, secretBox, registry: connectorRegistry, allowedHosts: [], logger });
  const noJobs = {
    scheduleSync: async () => null,
    unscheduleSync: async () => {},
    enqueueRun: async () => {},
  };
  const deps: ApiDeps = {
    db,
    secretBox,
    registry: connectorRegistry,
    engine,
    scheduler: noJobs,
    logger,
    allowedHosts: [],
  };
  const api = await createApiServer({ deps, production: true, rateLimit: false });
  await new Promise<void>((resolve) => api.httpServer.listen(0, '127.0.0.1', resolve));
  const { port } = api.httpServer.address() as AddressInfo;
  return { api, deps, url: `http://127.0.0.1:${port}` };
}

/** Runs a bench's `main`, and on failure prints the error and exits with 1. */
/**
 * Counts the statements sent through `sql` (not those of a transaction, which has its own) while `fn` runs. The
 * benches serve with the API's own database handle (`createDatabase`): counting with postgres.js's `debug` hook
 * would make every query capture a stack trace (`new Error()` in its Query), a cost production does not pay.
 */
export async function countStatements<T>(
  sql: postgres.Sql,
  fn: () => Promise<T>,
): Promise<{ result: T; statements: number }> {
  const unsafe = sql.unsafe;
  let statements = 0;
  sql.unsafe = ((...args: Parameters<typeof unsafe>) => {
    statements += 1;
    return unsafe.apply(sql, args);
  }) as typeof unsafe;
  try {
    return { result: await fn(), statements };
  } finally {
    sql.unsafe = unsafe;
  }
}

export function runBench(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
