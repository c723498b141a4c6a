import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connectorRegistry } from '@leadsync/connectors';
import { nextRunAt } from '@leadsync/core';
import {
  createDatabase,
  createOrganization,
  type DatabaseHandle,
  SecretBox,
  WebhookRepository,
} from '@leadsync/db';
import { type WebhookEvent, webhookDeliveries, webhooks } from '@leadsync/db/schema';
import { createEngine, type Engine } from '@leadsync/engine';
import { createJobScheduler, type JobScheduler } from '@leadsync/jobs';
import { createTestDatabase, type TestDatabase } from '@leadsync/testing/db';
import {
  createWebhookDeliverer,
  createWebhookEvents,
  generateWebhookSecret,
  type WebhookRetrySettings,
} from '@leadsync/webhooks';
import { eq } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedCsvSync, seedWebhook } from '../testing/fixtures.ts';
import { waitFor } from '../testing/wait.ts';

const logger = pino({ level: 'silent' });
const ALLOWED = ['127.0.0.1'];
/** Short backoff so that retries happen within the test. */
const FAST: Partial<WebhookRetrySettings> = {
  initialDelayMs: 100,
  maxDelayMs: 400,
  timeoutMs: 2_000,
  retryForMs: 60_000,
};

interface Received {
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
  at: number;
}

/** A receiver on loopback: records every request; answers with the scripted statuses of its path, then 200. */
class Receiver {
  readonly requests: Received[] = [];
  readonly script = new Map<string, number[]>();
  private server!: Server;
  url = '';

  async start() {
    this.server = createServer((request: IncomingMessage, response: ServerResponse) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const path = request.url ?? '/';
        this.requests.push({
          path,
          headers: request.headers,
          body: Buffer.concat(chunks).toString('utf8'),
          at: Date.now(),
        });
        if (path.startsWith('/silent')) return; // never answers
        const status = this.script.get(path)?.shift() ?? 200;
        if (status >= 300 && status < 400) response.setHeader('location', '/elsewhere');
        response.statusCode = status;
        response.end(status < 300 ? 'ok' : 'no');
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  to(path: string) {
    return this.requests.filter((request) => request.path === path);
  }

  async close() {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

let tdb: TestDatabase;
let handle: DatabaseHandle;
let secretBox: SecretBox;
let engine: Engine;
let receiver: Receiver;
const schedulers: JobScheduler[] = [];
let organizationId: string;

function startScheduler(options: { engine?: Engine; name: string }) {
  const scheduler = createJobScheduler({
    databaseUrl: tdb.url,
    connectors: options.engine ? ['csv'] : undefined,
    concurrency: 2,
    logger,
    engine: options.engine,
    nextRunAt,
    processEveryMs: 200,
    name: options.name,
    webhookDelivery: createWebhookDeliverer({
      db: handle.db,
      secretBox,
      allowedHosts: ALLOWED,
      logger,
      retry: FAST,
    }),
  });
  schedulers.push(scheduler);
  return scheduler;
}

const createWebhook = (path: string, events: WebhookEvent[], org = organizationId) =>
  seedWebhook(handle.db, secretBox, org, `${receiver.url}${path}`, events);

async function deliveriesOf(webhookId: string) {
  return handle.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.webhookId, webhookId));
}

const csvSync = (rows: string[]) =>
  seedCsvSync(handle.db, secretBox, organizationId, 'Newsletter sign-ups', rows);

function verify(request: Received, secret: string) {
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(request.headers['leadsync-signature']));
  if (!match) return false;
  const expected = createHmac('sha256', secret).update(`${match[1]}.${request.body}`).digest('hex');
  return expected === match[2] && Math.abs(Date.now() / 1000 - Number(match[1])) < 300;
}

beforeAll(async () => {
  tdb = await createTestDatabase();
  handle = createDatabase(tdb.url, { max: 6 });
  secretBox = new SecretBox(randomBytes(32));
  receiver = new Receiver();
  await receiver.start();
  organizationId = (await createOrganization(handle.db, 'Webhooks')).id;
  let first: JobScheduler | undefined;
  engine = createEngine({
    db: handle.db,
    secretBox,
    registry: connectorRegistry,
    allowedHosts: ALLOWED,
    logger,
    events: createWebhookEvents({
      db: handle.db,
      logger,
      enqueue: (org, deliveryId) => (first as JobScheduler).enqueueWebhookDelivery(org, deliveryId),
    }),
  });
  first = startScheduler({ engine, name: 'worker-a' });
  await first.start();
});

afterAll(async () => {
  for (const scheduler of schedulers) await scheduler.stop().catch(() => {});
  await receiver?.close();
  await handle?.close();
  await tdb?.drop();
});

describe('webhook delivery through the job store', () => {
  it('a finished run is POSTed once, as JSON with a Leadsync-Signature that verifies with the secret', async () => {
    const hook = await createWebhook('/runs', ['RUN_SUCCEEDED', 'RUN_FAILED']);
    const ignoring = await createWebhook('/keys-only', ['CONNECTION_NEEDS_NEW_KEY']);
    const { sync } = await csvSync(['ann@example.com', 'bob@example.com', 'info@example.com']);
    const run = await engine.queueRun(organizationId, sync.id, { trigger: 'manual' });
    await schedulers[0]?.enqueueRun(run, 'csv');

    const [request] = await waitFor('the run webhook', async () =>
      receiver.to('/runs').length ? receiver.to('/runs') : null,
    );
    if (!request) throw new Error('no request');
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['leadsync-event']).toBe('RUN_SUCCEEDED');
    expect(verify(request, hook.secret)).toBe(true);
    expect(verify(request, generateWebhookSecret())).toBe(false);
    expect(JSON.parse(request.body)).toMatchObject({
      event: 'RUN_SUCCEEDED',
      organizationId,
      sync: { id: sync.id, name: 'Newsletter sign-ups' },
      run: {
        id: run.id,
        status: 'SUCCEEDED',
        error: null,
        totals: { total: 3, newLeads: 2, reAdded: 0, duplicate: 0, ignored: 1, deleted: 0 },
        ignoredBreakdown: { groupEmail: 1 },
      },
      occurredAt: expect.any(String),
    });
    await waitFor('the delivery log', async () => (await deliveriesOf(hook.id))[0]?.status === 'delivered');
    expect(await deliveriesOf(hook.id)).toMatchObject([
      { status: 'delivered', attempts: 1, lastStatusCode: 200, lastError: null, event: 'RUN_SUCCEEDED' },
    ]);
    expect(await deliveriesOf(ignoring.id)).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(receiver.to('/runs')).toHaveLength(1);
  });

  it('a receiver answering 500 is retried with growing delays until it accepts', async () => {
    const hook = await createWebhook('/flaky', ['CONNECTION_NEEDS_NEW_KEY']);
    receiver.script.set('/flaky', [500, 500]);
    const { connection } = await csvSync(['x@example.com']);
    await engine.handleRejectedCredentials(organizationId, connection.id);

    await waitFor('three attempts', async () => receiver.to('/flaky').length >= 3);
    const attempts = receiver.to('/flaky');
    for (const attempt of attempts) expect(verify(attempt, hook.secret)).toBe(true);
    // Equal jitter: the first retry waits 50–100 ms, the second 100–200 ms (plus polling).
    expect((attempts[1]?.at ?? 0) - (attempts[0]?.at ?? 0)).toBeGreaterThanOrEqual(45);
    expect((attempts[2]?.at ?? 0) - (attempts[1]?.at ?? 0)).toBeGreaterThanOrEqual(95);
    expect(new Set(attempts.map((a) => a.headers['leadsync-delivery'])).size).toBe(1);
    expect(JSON.parse(attempts[0]?.body ?? '{}')).toMatchObject({
      event: 'CONNECTION_NEEDS_NEW_KEY',
      connection: { id: connection.id, connector: 'csv', status: 'NEEDS_NEW_KEY' },
    });
    await waitFor('delivered', async () => (await deliveriesOf(hook.id))[0]?.status === 'delivered');
    expect(await deliveriesOf(hook.id)).toMatchObject([
      { status: 'delivered', attempts: 3, lastStatusCode: 200, lastError: null },
    ]);
  });

  it('two workers defining the delivery job send each delivery exactly once', async () => {
    const second = startScheduler({ name: 'worker-b' });
    await second.start();
    const hooks = await Promise.all(
      Array.from({ length: 20 }, (_, i) => createWebhook(`/many/${i}`, ['CONNECTION_NEEDS_NEW_KEY'])),
    );
    const { connection } = await csvSync(['y@example.com']);
    await engine.handleRejectedCredentials(organizationId, connection.id);
    await waitFor(
      'twenty deliveries',
      async () => receiver.requests.filter((r) => r.path.startsWith('/many/')).length >= 20,
    );
    await new Promise((resolve) => setTimeout(resolve, 800));
    const many = receiver.requests.filter((r) => r.path.startsWith('/many/'));
    expect(many).toHaveLength(20);
    expect(new Set(many.map((r) => r.path)).size).toBe(20);
    for (const hook of hooks)
      expect(await deliveriesOf(hook.id)).toMatchObject([{ status: 'delivered', attempts: 1 }]);
  });
});

describe('a worker that starts', () => {
  it('sends the pending deliveries that never got a job', async () => {
    const organization = await createOrganization(handle.db, 'Orphans');
    const hook = await createWebhook('/orphan', ['RUN_SUCCEEDED'], organization.id);
    // Rows without jobs: as if the job store was unreachable right after the event.
    const ids = await new WebhookRepository(handle.db, organization.id).enqueue(
      'RUN_SUCCEEDED',
      'run:orphan',
      {
        event: 'RUN_SUCCEEDED',
      },
    );
    expect(ids).toHaveLength(1);
    const late = startScheduler({ name: 'worker-c' });
    await late.start();
    await waitFor(
      'the orphan delivery',
      async () => (await deliveriesOf(hook.id))[0]?.status === 'delivered',
    );
    expect(receiver.to('/orphan')).toHaveLength(1);
  });
});

describe('one delivery attempt', () => {
  /** A webhook alone in an organization of its own, with one pending delivery (and no job: the test is the job). */
  async function pendingDelivery(path: string) {
    const org = (await createOrganization(handle.db, path)).id;
    await createWebhook(path, ['RUN_FAILED'], org);
    const repository = new WebhookRepository(handle.db, org);
    const [deliveryId] = await repository.enqueue('RUN_FAILED', `run:${randomUUID()}`, {
      event: 'RUN_FAILED',
    });
    if (!deliveryId) throw new Error('no delivery');
    return { organizationId: org, deliveryId, repository };
  }

  const deliverer = (options: { allowedHosts?: string[]; retry?: Partial<WebhookRetrySettings> } = {}) =>
    createWebhookDeliverer({
      db: handle.db,
      secretBox,
      allowedHosts: options.allowedHosts ?? ALLOWED,
      logger,
      retry: { ...FAST, ...options.retry },
    });

  it('is refused, and not sent, when the host is no longer allowed', async () => {
    const { organizationId, deliveryId, repository } = await pendingDelivery('/narrowed');
    expect(
      await deliverer({ allowedHosts: ['hooks.example.com'] })({ organizationId, deliveryId }),
    ).toBeNull();
    expect(receiver.to('/narrowed')).toEqual([]);
    expect(await repository.getDelivery(deliveryId)).toMatchObject({
      status: 'failed',
      attempts: 1,
      lastError: 'not allowed',
    });
  });

  it('a host:port entry allows that port only: another port of the same host is refused, and not sent', async () => {
    const port = new URL(receiver.url).port;
    const allowedPort = await pendingDelivery('/port-allowed');
    expect(await deliverer({ allowedHosts: [`127.0.0.1:${port}`] })(allowedPort)).toBeNull();
    expect(await allowedPort.repository.getDelivery(allowedPort.deliveryId)).toMatchObject({
      status: 'delivered',
      lastError: null,
    });
    const otherPort = await pendingDelivery('/port-refused');
    expect(
      await deliverer({ allowedHosts: [`127.0.0.1:${Number(port) === 1 ? 2 : Number(port) - 1}`] })(
        otherPort,
      ),
    ).toBeNull();
    expect(receiver.to('/port-refused')).toEqual([]);
    expect(await otherPort.repository.getDelivery(otherPort.deliveryId)).toMatchObject({
      status: 'failed',
      lastError: 'not allowed',
    });
  });

  it('a receiver that cannot be reached is "could not deliver": no connection error, address or port', async () => {
    const { organizationId, deliveryId, repository } = await pendingDelivery('/closed');
    // A port with nothing listening (the receiver's, on a server that was closed again).
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await handle.db
      .update(webhooks)
      .set({ url: `http://127.0.0.1:${port}/closed` })
      .where(eq(webhooks.organizationId, organizationId));
    expect(await deliverer()({ organizationId, deliveryId })).toBeInstanceOf(Date);
    const row = await repository.getDelivery(deliveryId);
    expect(row).toMatchObject({ status: 'pending', lastStatusCode: null, lastError: 'could not deliver' });
    expect(JSON.stringify(row)).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|connect/i);
  });

  it('does not follow a redirect', async () => {
    const { organizationId, deliveryId, repository } = await pendingDelivery('/moved');
    receiver.script.set('/moved', [302]);
    const retryAt = await deliverer()({ organizationId, deliveryId });
    expect(retryAt).toBeInstanceOf(Date);
    expect(receiver.to('/moved')).toHaveLength(1);
    expect(receiver.to('/elsewhere')).toEqual([]);
    expect(await repository.getDelivery(deliveryId)).toMatchObject({
      status: 'pending',
      lastStatusCode: 302,
      lastError: 'could not deliver',
    });
  });

  it('is bounded by the timeout', async () => {
    const { organizationId, deliveryId, repository } = await pendingDelivery('/silent');
    const started = Date.now();
    await deliverer({ retry: { timeoutMs: 300 } })({ organizationId, deliveryId });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(await repository.getDelivery(deliveryId)).toMatchObject({
      status: 'pending',
      lastStatusCode: null,
      lastError: 'could not deliver',
    });
  });

  it('gives up once the retry period after the event is over', async () => {
    const { organizationId, deliveryId, repository } = await pendingDelivery('/down');
    receiver.script.set('/down', [503]);
    expect(await deliverer({ retry: { retryForMs: 0 } })({ organizationId, deliveryId })).toBeNull();
    expect(await repository.getDelivery(deliveryId)).toMatchObject({
      status: 'failed',
      attempts: 1,
      lastStatusCode: 503,
      lastError: 'could not deliver',
    });
  });

  it('is not made for a delivery that is not due, and the job waits for its time', async () => {
    const { organizationId, deliveryId } = await pendingDelivery('/later');
    receiver.script.set('/later', [500]);
    const first = await deliverer()({ organizationId, deliveryId });
    const again = await deliverer()({ organizationId, deliveryId });
    expect(receiver.to('/later')).toHaveLength(1);
    expect(again?.getTime()).toBeGreaterThanOrEqual(first?.getTime() ?? Number.POSITIVE_INFINITY);
  });
});
