import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectorRegistry } from '@leadsync/connectors';
import { nextRunAt } from '@leadsync/core';
import { createDatabase, createOrganization, type DatabaseHandle, SecretBox } from '@leadsync/db';
import { webhookDeliveries } from '@leadsync/db/schema';
import { createEngine } from '@leadsync/engine';
import { createJobScheduler, type JobScheduler } from '@leadsync/jobs';
import { createTestDatabase, type TestDatabase } from '@leadsync/testing/db';
import { createWebhookDeliverer } from '@leadsync/webhooks';
import { eq } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedCsvSync, seedWebhook } from '../testing/fixtures.ts';
import { waitFor } from '../testing/wait.ts';

/**
 * Section 5 of issue 17, "no event lost": the event of a run is written in the run's last transaction, so a process
 * that ends right after that commit (killed, or the CLI, which has no job store) loses no webhook: a worker's
 * dispatcher finds the delivery and sends it.
 */

const logger = pino({ level: 'silent' });
const cli = fileURLToPath(new URL('../../../cli/bin/leadsync.js', import.meta.url));
const crashScript = fileURLToPath(new URL('../testing/crash-after-commit.ts', import.meta.url));

let tdb: TestDatabase;
let handle: DatabaseHandle;
let key: Buffer;
let secretBox: SecretBox;
let receiver: Server;
let receiverPort: number;
const received: { path: string; event: string; body: Record<string, unknown> }[] = [];
let dispatcher: JobScheduler;
let organizationId: string;
let dataDir: string;

const csvSync = async (name: string, rows: string[]) =>
  (await seedCsvSync(handle.db, secretBox, organizationId, name, rows)).sync;

const webhook = (path: string) =>
  seedWebhook(handle.db, secretBox, organizationId, `http://127.0.0.1:${receiverPort}${path}`, [
    'RUN_SUCCEEDED',
    'RUN_FAILED',
  ]);

beforeAll(async () => {
  tdb = await createTestDatabase();
  handle = createDatabase(tdb.url, { max: 4 });
  key = randomBytes(32);
  secretBox = new SecretBox(key);
  dataDir = await mkdtemp(join(tmpdir(), 'leadsync-outbox-'));
  receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({
        path: request.url ?? '/',
        event: String(request.headers['leadsync-event']),
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>,
      });
      response.end('ok');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverPort = (receiver.address() as AddressInfo).port;
  organizationId = (await createOrganization(handle.db, 'Outbox')).id;
  // The dispatcher: a worker that sends webhooks and runs nothing itself.
  dispatcher = createJobScheduler({
    databaseUrl: tdb.url,
    concurrency: 1,
    logger,
    nextRunAt,
    processEveryMs: 300,
    name: 'dispatcher',
    webhookDelivery: createWebhookDeliverer({
      db: handle.db,
      secretBox,
      allowedHosts: [`127.0.0.1:${receiverPort}`],
      logger,
    }),
  });
  await dispatcher.start();
});

afterAll(async () => {
  await dispatcher?.stop().catch(() => {});
  receiver?.closeAllConnections();
  await new Promise((resolve) => receiver?.close(resolve));
  await handle?.close();
  await tdb?.drop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('the webhook outbox', () => {
  it('a run whose process dies right after its commit still has its webhook delivered', async () => {
    await webhook('/crash');
    // The crash is injected right after the run's last transaction commits: the process never hands the delivery
    // to the job store (the hook throws where a killed process would stop).
    const crashing = createEngine({
      db: handle.db,
      secretBox,
      registry: connectorRegistry,
      allowedHosts: [],
      logger,
      events: {
        deliveriesQueued: async () => {
          throw new Error('killed right after the commit');
        },
      },
    });
    const sync = await csvSync('Crashing', ['ann@example.com', 'bob@example.com']);
    const run = await crashing.queueRun(organizationId, sync.id, { trigger: 'manual' });
    expect((await crashing.executeRun(run.id)).status).toBe('succeeded');

    const [hook] = await waitFor('the webhook', async () => {
      const found = received.filter((r) => r.path === '/crash');
      return found.length ? found : null;
    });
    expect(hook).toMatchObject({
      event: 'RUN_SUCCEEDED',
      body: { run: { id: run.id, status: 'SUCCEEDED', totals: { total: 2, newLeads: 2 } } },
    });
    await waitFor('delivered', async () => {
      const rows = await handle.db
        .select()
        .from(webhookDeliveries)
        .where(eq(webhookDeliveries.eventKey, `run:${run.id}`));
      return rows[0]?.status === 'delivered' && rows[0].dispatchedAt !== null;
    });
  });

  it('a worker process killed (SIGKILL) right after the run commits still has its webhook delivered', async () => {
    await webhook('/killed');
    const sync = await csvSync('Killed', ['kim@example.com']);
    const engine = createEngine({
      db: handle.db,
      secretBox,
      registry: connectorRegistry,
      allowedHosts: [],
      logger,
    });
    const run = await engine.queueRun(organizationId, sync.id, { trigger: 'manual' });
    const child = spawn(process.execPath, ['--import', 'tsx', crashScript], {
      cwd: fileURLToPath(new URL('../..', import.meta.url)),
      env: { ...process.env, DATABASE_URL: tdb.url, SECRET_KEY_HEX: key.toString('hex'), RUN_ID: run.id },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    expect(exit, stderr).toEqual({ code: null, signal: 'SIGKILL' });
    const [committed] = await handle.db
      .select()
      .from(webhookDeliveries)
      .where(eq(webhookDeliveries.eventKey, `run:${run.id}`));
    expect(committed?.event).toBe('RUN_SUCCEEDED');

    const [hook] = await waitFor('the webhook of the killed process', async () => {
      const found = received.filter((r) => r.path === '/killed');
      return found.length ? found : null;
    });
    expect(hook).toMatchObject({
      event: 'RUN_SUCCEEDED',
      body: { run: { id: run.id, status: 'SUCCEEDED' } },
    });
  });

  it('a run started by `leadsync sync run` (the CLI, no job store) delivers its webhook', async () => {
    await webhook('/cli');
    const sync = await csvSync('From the CLI', ['cli@example.com', 'info@example.com']);
    const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = execFile(
        process.execPath,
        [cli, 'sync', 'run', sync.id],
        {
          env: {
            PATH: process.env.PATH,
            HOME: process.env.HOME,
            DATABASE_URL: tdb.url,
            LEADSYNC_DATA_DIR: dataDir,
            LEADSYNC_SECRET_KEY: key.toString('hex'),
            LEADSYNC_ALLOWED_HOSTS: `127.0.0.1:${receiverPort}`,
          },
          timeout: 60_000,
        },
        (_error, stdout, stderr) => resolve({ code: child.exitCode, stdout, stderr }),
      );
    });
    expect(result.code, result.stderr).toBe(0);
    const [hook] = await waitFor('the CLI run webhook', async () => {
      const found = received.filter((r) => r.path === '/cli');
      return found.length ? found : null;
    });
    expect(hook).toMatchObject({
      event: 'RUN_SUCCEEDED',
      body: { sync: { id: sync.id, name: 'From the CLI' }, run: { status: 'SUCCEEDED', trigger: 'manual' } },
    });
    expect(received.filter((r) => r.path === '/cli')).toHaveLength(1);
  });
});
