import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebhookRepository } from '@leadsync/db/repositories';
import { webhooks } from '@leadsync/db/schema';
import { createWebhookDeliverer } from '@leadsync/webhooks';
import { eq } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, ok, startTestApi, type TestApi } from '../../testing/harness.ts';

const CREATE = `mutation($url: String!, $events: [WebhookEvent!]!) {
  createWebhook(url: $url, events: $events) { id url events secret }
}`;
const LIST = `query { webhooks { id url events secret deliveries { event status attempts lastError lastStatusCode } } }`;

describe('webhooks over GraphQL', () => {
  let api: TestApi;
  let server: Server;
  let receiverUrl: string;
  const received: { headers: IncomingMessage['headers']; body: string }[] = [];

  beforeAll(async () => {
    api = await startTestApi();
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
        response.statusCode = 500;
        response.end('down for maintenance');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/leadsync`;
  });
  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    await api?.close();
  });

  it('returns the signing secret in the answer of createWebhook and never again', async () => {
    const created = ok(
      await api.gql(CREATE, { url: receiverUrl, events: ['RUN_SUCCEEDED', 'RUN_FAILED'] }),
    ).createWebhook;
    expect(created).toMatchObject({ url: receiverUrl, events: ['RUN_SUCCEEDED', 'RUN_FAILED'] });
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);

    const listed = ok(await api.gql(LIST)).webhooks;
    expect(listed).toEqual([{ ...created, secret: null, deliveries: [] }]);
    const [row] = await api.db.select().from(webhooks).where(eq(webhooks.id, created.id));
    expect(row?.secretEncrypted).not.toContain(created.secret);
    expect(api.secretBox.open(row?.secretEncrypted ?? '', created.id)).toBe(created.secret);
  });

  it('refuses a host outside LEADSYNC_ALLOWED_HOSTS, a non-http URL and an empty event list with BAD_USER_INPUT', async () => {
    const cases = [
      {
        url: 'https://hooks.example.com/leadsync',
        events: ['RUN_FAILED'],
        field: 'url',
        message: /LEADSYNC_ALLOWED_HOSTS/,
      },
      {
        url: 'http://169.254.169.254/latest/meta-data',
        events: ['RUN_FAILED'],
        field: 'url',
        message: /not allowed/,
      },
      { url: 'ftp://127.0.0.1/x', events: ['RUN_FAILED'], field: 'url', message: /https:\/\// },
      { url: 'nonsense', events: ['RUN_FAILED'], field: 'url', message: /not a valid/ },
      { url: receiverUrl, events: [], field: 'events', message: /at least one event/ },
    ];
    for (const { url, events, field, message } of cases) {
      const result = await api.gql(CREATE, { url, events });
      expect(codeOf(result), url).toBe('BAD_USER_INPUT');
      expect(result.errors?.[0]?.extensions?.field).toBe(field);
      expect(result.errors?.[0]?.message).toMatch(message);
    }
    const unknownEvent = await api.gql(CREATE, { url: receiverUrl, events: ['RUN_EXPLODED'] });
    expect(codeOf(unknownEvent)).toBe('BAD_USER_INPUT');
  });

  it('another organization can neither see nor delete the webhook', async () => {
    const created = ok(
      await api.gql(CREATE, { url: receiverUrl, events: ['CONNECTION_NEEDS_NEW_KEY'] }),
    ).createWebhook;
    const stranger = await api.newOrganization('Stranger');
    expect(ok(await api.gql(LIST, {}, stranger.key)).webhooks).toEqual([]);
    const refused = await api.gql(
      `mutation($id: ID!) { deleteWebhook(id: $id) }`,
      { id: created.id },
      stranger.key,
    );
    expect(codeOf(refused)).toBe('NOT_FOUND');
    expect(ok(await api.gql(LIST)).webhooks.map((w: { id: string }) => w.id)).toContain(created.id);
  });

  it('a deleted webhook is gone from the list, and deleting it again is NOT_FOUND', async () => {
    const created = ok(await api.gql(CREATE, { url: receiverUrl, events: ['RUN_FAILED'] })).createWebhook;
    expect(
      ok(await api.gql(`mutation($id: ID!) { deleteWebhook(id: $id) }`, { id: created.id })).deleteWebhook,
    ).toBe(true);
    expect(ok(await api.gql(LIST)).webhooks.map((w: { id: string }) => w.id)).not.toContain(created.id);
    expect(codeOf(await api.gql(`mutation($id: ID!) { deleteWebhook(id: $id) }`, { id: created.id }))).toBe(
      'NOT_FOUND',
    );
    // A malformed id is bad input (issue 17), not a lookup.
    expect(codeOf(await api.gql(`mutation { deleteWebhook(id: "not-a-uuid") }`))).toBe('BAD_USER_INPUT');
  });

  it('shows each webhook’s delivery log, signed with the secret createWebhook returned', async () => {
    const other = await api.newOrganization('Log');
    const created = ok(
      await api.gql(CREATE, { url: receiverUrl, events: ['RUN_FAILED'] }, other.key),
    ).createWebhook;
    const [deliveryId] = await new WebhookRepository(api.db, other.id).enqueue('RUN_FAILED', 'run:log', {
      event: 'RUN_FAILED',
    });
    if (!deliveryId) throw new Error('no delivery');
    // The worker's part: one attempt against the receiver, which answers 500.
    const deliver = createWebhookDeliverer({
      db: api.db,
      secretBox: api.secretBox,
      allowedHosts: ['127.0.0.1'],
      logger: pino({ level: 'silent' }),
    });
    expect(await deliver({ organizationId: other.id, deliveryId })).toBeInstanceOf(Date);

    const request = received.at(-1);
    const [, t, v1] =
      /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(request?.headers['leadsync-signature'])) ?? [];
    expect(createHmac('sha256', created.secret).update(`${t}.${request?.body}`).digest('hex')).toBe(v1);
    expect(ok(await api.gql(LIST, {}, other.key)).webhooks).toEqual([
      {
        ...created,
        secret: null,
        deliveries: [
          {
            event: 'RUN_FAILED',
            status: 'PENDING',
            attempts: 1,
            lastError: 'could not deliver',
            lastStatusCode: 500,
          },
        ],
      },
    ]);
  });
});
