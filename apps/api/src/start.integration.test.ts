import { createHmac } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer as createHttpServer, type IncomingMessage } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDatabase } from '@leadsync/db';
import { connections } from '@leadsync/db/schema';
import { createTestDatabase } from '@leadsync/testing/db';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadApiEnvironment } from './env.ts';
import { type RunningLeadsync, startLeadsync } from './start.ts';
import { createCsvSync, type GraphQLData } from './testing/fixtures.ts';
import type { Json } from './testing/harness.ts';

/** `pnpm start` in this process: the API with the real worker (Agenda on PostgreSQL) running a CSV sync. */

const ADMIN_KEY = 'lsk_start-test-admin-key-0123456789';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** GraphQL over HTTP with the admin key: the answer as sent (data and errors). */
type RawGraphQL = (
  query: string,
  variables?: Record<string, unknown>,
) => Promise<{
  data?: Record<string, Json>;
  errors?: { message: string; extensions?: { code?: string; field?: string } }[];
}>;

/**
 * `pnpm start` on a free port in a fresh database and data folder, with the admin key and `env` added; `stop` ends
 * it and removes both.
 */
async function startOnFreePort(name: string, env: Record<string, string>) {
  const tdb = await createTestDatabase();
  const dataDir = await mkdtemp(join(tmpdir(), `leadsync-${name}-`));
  const port = await freePort();
  let app: RunningLeadsync | undefined;
  const stop = async () => {
    await app?.stop();
    await tdb.drop();
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    app = await startLeadsync(
      loadApiEnvironment({
        DATABASE_URL: tdb.url,
        PORT: String(port),
        LEADSYNC_DATA_DIR: dataDir,
        LEADSYNC_ADMIN_KEY: ADMIN_KEY,
        LEADSYNC_WORKER_POLL_MS: '500',
        LOG_LEVEL: 'silent',
        ...env,
      }),
    );
  } catch (error) {
    await stop();
    throw error;
  }
  const base = `http://127.0.0.1:${port}`;
  const raw: RawGraphQL = async (query, variables = {}) => {
    const response = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_KEY}` },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as Awaited<ReturnType<RawGraphQL>>;
  };
  /** The data of an answer without errors (it throws otherwise). */
  const gql: GraphQLData = async (query, variables) => {
    const body = await raw(query, variables);
    if (body.errors || !body.data) throw new Error(JSON.stringify(body.errors));
    return body.data;
  };
  return { tdb, base, port, raw, gql, stop };
}
type Started = Awaited<ReturnType<typeof startOnFreePort>>;

describe('pnpm start with the embedded worker', () => {
  let started: Started;
  let base: string;
  let gql: GraphQLData;
  /** The webhook receiver's port: the one loopback port this start allows (LEADSYNC_ALLOWED_HOSTS). */
  let hookPort: number;

  beforeAll(async () => {
    hookPort = await freePort();
    started = await startOnFreePort('start', {
      LEADSYNC_SANDBOX: 'false',
      LEADSYNC_ALLOWED_HOSTS: `127.0.0.1:${hookPort}`,
    });
    ({ base, gql } = started);
  });
  afterAll(async () => {
    await started?.stop();
  });

  it('answers /healthz, schedules an initiated sync and runs it through the worker', async () => {
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const { sync } = await createCsvSync(gql, {
      name: 'Start sync',
      csv: 'email\na@example.com\nsales@example.com\n',
    });
    const initiated = (
      await gql(`mutation($id: ID!) { initiateSync(id: $id) { status nextRunAt } }`, { id: sync })
    ).initiateSync;
    expect(initiated.status).toBe('ACTIVE');
    expect(new Date(initiated.nextRunAt).getTime()).toBeGreaterThan(Date.now());

    const run = (await gql(`mutation($id: ID!) { runSyncNow(id: $id) { id } }`, { id: sync })).runSyncNow.id;
    const deadline = Date.now() + 30_000;
    let status = 'QUEUED';
    let totals: unknown;
    while (Date.now() < deadline) {
      const found = (
        await gql(`query($id: ID!) { syncRun(id: $id) { status totals { total newLeads ignored } } }`, {
          id: run,
        })
      ).syncRun;
      status = found.status;
      totals = found.totals;
      if (status === 'SUCCEEDED' || status === 'FAILED') break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(status).toBe('SUCCEEDED');
    expect(totals).toEqual({ total: 2, newLeads: 1, ignored: 1 });

    const deactivated = (
      await gql(`mutation($id: ID!) { deactivateSync(id: $id) { status nextRunAt } }`, { id: sync })
    ).deactivateSync;
    expect(deactivated).toEqual({ status: 'INACTIVE', nextRunAt: null });
  });

  it('sends a signed RUN_SUCCEEDED webhook from the embedded worker when a run finishes', async () => {
    const received: { headers: IncomingMessage['headers']; body: string }[] = [];
    const receiver = createHttpServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
        response.end('ok');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(hookPort, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${hookPort}/hook`;
      const webhook = (
        await gql(
          `mutation($url: String!) { createWebhook(url: $url, events: [RUN_SUCCEEDED]) { id secret } }`,
          {
            url,
          },
        )
      ).createWebhook;
      const { sync } = await createCsvSync(gql, { name: 'Hooked sync', csv: 'email\nb@example.com\n' });
      await gql(`mutation($id: ID!) { initiateSync(id: $id) { id } }`, { id: sync });
      const run = (await gql(`mutation($id: ID!) { runSyncNow(id: $id) { id } }`, { id: sync })).runSyncNow
        .id;

      const deadline = Date.now() + 30_000;
      while (received.length === 0 && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 100));
      const [request] = received;
      expect(JSON.parse(request?.body ?? '{}')).toMatchObject({
        event: 'RUN_SUCCEEDED',
        sync: { id: sync, name: 'Hooked sync' },
        run: { id: run, status: 'SUCCEEDED', totals: { total: 1, newLeads: 1 } },
      });
      const [, t, v1] =
        /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(request?.headers['leadsync-signature'])) ?? [];
      expect(createHmac('sha256', webhook.secret).update(`${t}.${request?.body}`).digest('hex')).toBe(v1);

      let deliveries: unknown;
      while (Date.now() < deadline) {
        deliveries = (await gql(`query { webhooks { deliveries { event status attempts } } }`)).webhooks[0]
          .deliveries;
        if (JSON.stringify(deliveries).includes('DELIVERED')) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(deliveries).toEqual([{ event: 'RUN_SUCCEEDED', status: 'DELIVERED', attempts: 1 }]);
    } finally {
      receiver.closeAllConnections();
      await new Promise((resolve) => receiver.close(resolve));
    }
  });
});

describe('pnpm start without LEADSYNC_ALLOWED_HOSTS', () => {
  let started: Started;
  let gql: RawGraphQL;

  beforeAll(async () => {
    started = await startOnFreePort('start-default', {});
    gql = started.raw;
  });
  afterAll(async () => {
    await started?.stop();
  });

  it('offers a Zoho CRM sandbox beside the Invoice one: its modules, and the fields of its leads (issue 21)', async () => {
    const { connections: listed } = (await gql(`{ connections { id name connector status } }`)).data ?? {};
    const crm = listed.find((c: Json) => c.name === 'Zoho CRM (sandbox)');
    expect(crm).toMatchObject({ connector: 'zoho-crm', status: 'ACTIVE' });
    expect(listed.findIndex((c: Json) => c.name === 'Zoho Invoice (sandbox)')).toBeLessThan(
      listed.indexOf(crm),
    );
    const organizations = await gql(
      `query($id: ID!) { sourceOrganizations(connectionId: $id) { id name } }`,
      {
        id: crm.id,
      },
    );
    expect(organizations.data?.sourceOrganizations).toEqual([
      { id: 'Leads', name: 'Leads' },
      { id: 'Contacts', name: 'Contacts' },
    ]);
    const fields = await gql(`query($id: ID!) { sourceFields(connectionId: $id) { key label type } }`, {
      id: crm.id,
    });
    expect(fields.errors).toBeUndefined();
    expect(fields.data?.sourceFields).toEqual(
      expect.arrayContaining([
        { key: 'Email', label: 'Email', type: 'email' },
        { key: 'Lead_Source', label: 'Lead Source', type: 'string' },
      ]),
    );
  });

  it('reaches the sandbox simulator and no other port of loopback, saying only "not allowed"', async () => {
    const { connections: listed } = (await gql(`{ connections { id name } }`)).data ?? {};
    const sandbox = listed.find((c: Json) => c.name === 'Zoho Invoice (sandbox)');
    const organizations = await gql(`query($id: ID!) { sourceOrganizations(connectionId: $id) { id } }`, {
      id: sandbox.id,
    });
    expect(organizations.errors).toBeUndefined();
    expect(organizations.data?.sourceOrganizations.length).toBeGreaterThan(0);
    const handle = createDatabase(started.tdb.url, { max: 1 });
    const [row] = await handle.db.select().from(connections).where(eq(connections.id, sandbox.id));
    await handle.close();
    const sandboxPort = new URL(String((row?.settings as { apiUrl?: string } | undefined)?.apiUrl)).port;

    // A webhook to the API's own port, to PostgreSQL's, to ssh's on another loopback name.
    const refusedHooks = [
      `http://127.0.0.1:${started.port}/graphql`,
      'http://127.0.0.1:5432/',
      'http://localhost:22/',
    ];
    const messages = new Set<string>();
    for (const url of refusedHooks) {
      const result = await gql(
        `mutation($url: String!) { createWebhook(url: $url, events: [RUN_FAILED]) { id } }`,
        {
          url,
        },
      );
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'url' });
      expect(result.errors?.[0]?.message).toContain('not allowed');
      messages.add(result.errors?.[0]?.message ?? '');
    }
    expect(messages.size).toBe(1);
    expect([...messages][0]).not.toMatch(/5432|22|ECONNREFUSED/);

    // A Zoho connection whose apiUrl override points at PostgreSQL's port is refused before any request.
    const connection = await gql(
      `mutation($i: CreateConnectionInput!) { createConnection(input: $i) { id } }`,
      {
        i: {
          connector: 'zoho-invoice',
          name: 'Probe',
          credentials: { clientId: 'id', clientSecret: 'secret', refreshToken: 'token' },
          settings: {
            dataCenter: 'com',
            apiUrl: 'http://127.0.0.1:5432/invoice/v3',
            accountsUrl: `http://127.0.0.1:${sandboxPort}`,
          },
        },
      },
    );
    expect(connection.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'apiUrl' });
    expect(connection.errors?.[0]?.message).toContain('not allowed');
    expect(connection.errors?.[0]?.message).not.toMatch(/5432|ECONNREFUSED/);
  });
});
