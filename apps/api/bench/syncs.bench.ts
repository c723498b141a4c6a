/**
 * `pnpm bench` (issue 6): the `syncs` query for 100 syncs with their connection, list and last run, under concurrent
 * load on loopback (autocannon). Prints one JSON line:
 * `{"bench":"api.syncs","value":<req/s>,"unit":"req/s","p99_ms":<ms>,...}`.
 *
 * PostgreSQL: `TEST_DATABASE_URL` or `DATABASE_URL` (a throwaway database is created and dropped there), else an
 * embedded server in a temporary directory.
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { runMigrations, SecretBox, startScratchPostgres } from '@leadsync/db';
import {
  ApiKeyRepository,
  ConnectionRepository,
  createOrganization,
  MailingListRepository,
  SyncRepository,
  SyncRunRepository,
} from '@leadsync/db/repositories';
import { connectorRegistry, createEngine } from '@leadsync/engine';
import autocannon from 'autocannon';
import pino from 'pino';
import postgres from 'postgres';
import { createApiServer } from '../src/server.ts';
import { createCountingDatabase } from '../src/testing/counting-db.ts';

const SYNCS = 100;
const RUNS_PER_SYNC = 3;
/** Concurrent loopback connections; p99 grows with it once the server is saturated. */
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 4);
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);

const QUERY = `{ syncs { id name status nextRunAt schedule { frequency time timeZone }
  connection { id name status } mailingList { id name leadCount }
  lastRun { id status startedAt finishedAt totals { total newLeads reAdded duplicate ignored deleted } } } }`;

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function main() {
  const server = await startScratchPostgres(process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL);
  const adminUrl = server.url;
  const name = `leadsync_bench_${randomBytes(4).toString('hex')}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE "${name}"`);
  const url = withDatabase(adminUrl, name);
  await runMigrations(url);
  const handle = createCountingDatabase(url, 10);
  const { db } = handle;
  const logger = pino({ level: 'silent' });
  const secretBox = new SecretBox(randomBytes(32));

  try {
    // Seed: one organization, a CSV connection, two lists, 100 syncs with 3 finished runs each.
    const organization = await createOrganization(db, 'Bench');
    const key = (await new ApiKeyRepository(db, organization.id).create({ name: 'bench', role: 'admin' }))
      .plainKey;
    const connections = new ConnectionRepository(db, organization.id);
    const connection = await connections.create({
      connectorId: 'csv',
      name: 'Bench file',
      credentialsEncrypted: 'pending',
      settings: { csv: 'email\na@example.com\n' },
    });
    await connections.update(connection.id, { credentialsEncrypted: secretBox.sealJson({}, connection.id) });
    const lists = new MailingListRepository(db, organization.id);
    const listIds = [(await lists.create('Customers')).id, (await lists.create('Prospects')).id];
    const syncs = new SyncRepository(db, organization.id);
    const runs = new SyncRunRepository(db, organization.id);
    for (let i = 0; i < SYNCS; i += 1) {
      const sync = await syncs.create({
        name: `Sync ${i}`,
        connectionId: connection.id,
        sourceOrganizationId: 'file',
        importMode: 'all',
        mailingListId: listIds[i % 2] ?? '',
        fieldMapping: [{ source: 'email', target: 'email' }],
        schedule: { frequency: 'DAILY', time: '06:00', timeZone: 'Europe/Berlin' },
      });
      for (let r = 0; r < RUNS_PER_SYNC; r += 1) {
        const { run } = await runs.createQueued({ syncId: sync.id, trigger: 'manual' });
        await runs.start(run.id);
        await runs.finish(run.id, { status: 'succeeded', total: 10 + r, newLeads: 5, duplicate: 5 + r });
      }
    }

    const engine = createEngine({
      db,
      secretBox,
      registry: connectorRegistry,
      allowedHosts: ['127.0.0.1'],
      logger,
    });
    const noJobs = {
      scheduleSync: async () => null,
      unscheduleSync: async () => {},
      enqueueRun: async () => {},
    };
    const api = await createApiServer({
      deps: {
        db,
        secretBox,
        registry: connectorRegistry,
        engine,
        scheduler: noJobs,
        logger,
        allowedHosts: [],
      },
      production: true,
      rateLimit: false,
    });
    await new Promise<void>((resolve) => api.httpServer.listen(0, '127.0.0.1', resolve));
    const { port } = api.httpServer.address() as AddressInfo;
    const target = `http://127.0.0.1:${port}/graphql`;
    const request = {
      method: 'POST' as const,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ query: QUERY }),
    };

    // One checked request: the answer is complete, and how many statements it costs.
    const before = handle.counter.queries;
    const check = await fetch(target, request);
    const body = (await check.json()) as { data?: { syncs: { lastRun: unknown }[] }; errors?: unknown };
    if (!body.data || body.data.syncs.length !== SYNCS || body.data.syncs.some((s) => !s.lastRun)) {
      throw new Error(`unexpected answer: ${JSON.stringify(body).slice(0, 500)}`);
    }
    const queriesPerRequest = handle.counter.queries - before;

    await autocannon({ url: target, ...request, connections: CONNECTIONS, duration: 2 }); // warm-up
    // The load generator runs in a worker thread, so it does not share the server's event loop.
    const result = await autocannon({
      url: target,
      ...request,
      connections: CONNECTIONS,
      duration: DURATION_S,
      workers: 1,
    });
    await api.stop();
    if (result.non2xx > 0 || result.errors > 0) {
      throw new Error(`${result.non2xx} non-2xx answers and ${result.errors} errors under load`);
    }
    process.stdout.write(
      `${JSON.stringify({
        bench: 'api.syncs',
        value: Math.round(result.requests.average),
        unit: 'req/s',
        p99_ms: result.latency.p99,
        p50_ms: result.latency.p50,
        syncs: SYNCS,
        connections: CONNECTIONS,
        duration_s: DURATION_S,
        requests: result.requests.total,
        queries_per_request: queriesPerRequest,
      })}\n`,
    );
  } finally {
    await handle.close();
    await admin.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
    await server.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
