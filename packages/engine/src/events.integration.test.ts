import { randomUUID } from 'node:crypto';
import { WebhookRepository } from '@leadsync/db';
import { webhookDeliveries } from '@leadsync/db/schema';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from './engine.ts';
import { createFixture, csv, type Fixture } from './testing/fixture.ts';
import { csvSource } from './testing/sources.ts';

/**
 * The outbox: run and connection events are webhook delivery rows written in the transaction of the change they
 * report, whoever runs the engine and whether or not anyone listens; `deliveriesQueued` is told after the commit.
 */
describe('engine events (webhook outbox)', () => {
  let f: Fixture;
  let engine: Engine;
  const told: string[] = [];

  beforeAll(async () => {
    f = await createFixture();
    engine = f.createOtherEngine({
      events: {
        async deliveriesQueued(organizationId, ids) {
          told.push(`${organizationId === f.org.id ? 'org' : organizationId}: ${ids.length}`);
        },
      },
    });
    // Subscribed to every event.
    await new WebhookRepository(f.db, f.org.id).create({
      id: randomUUID(),
      url: 'https://hooks.example.com/leadsync',
      events: ['RUN_SUCCEEDED', 'RUN_FAILED', 'CONNECTION_NEEDS_NEW_KEY'],
      secretEncrypted: 'sealed',
    });
  });
  afterAll(async () => {
    await f?.close();
  });

  const setUp = () =>
    f.createSyncOver(csvSource({ csv: csv(['email'], [['a@example.com']]) }), {
      fieldMapping: [{ source: 'email', target: 'email' }],
    });

  const rowsFor = (eventKey: string) =>
    f.db
      .select()
      .from(webhookDeliveries)
      .where(and(eq(webhookDeliveries.organizationId, f.org.id), eq(webhookDeliveries.eventKey, eventKey)));

  it('writes one delivery when a real run ends, succeeded or failed, never for a preview', async () => {
    told.length = 0;
    const { connection, sync } = await setUp();
    const preview = await engine.queueRun(f.org.id, sync.id, { trigger: 'preview' });
    expect((await engine.executeRun(preview.id)).status).toBe('succeeded');
    expect(await rowsFor(`run:${preview.id}`)).toEqual([]);

    const queued = await engine.queueRun(f.org.id, sync.id, { trigger: 'manual' });
    await engine.executeRun(queued.id);
    // Executing a finished run again returns it and writes nothing.
    await engine.executeRun(queued.id);
    const [succeeded, ...more] = await rowsFor(`run:${queued.id}`);
    expect(more).toEqual([]);
    expect(succeeded).toMatchObject({ event: 'RUN_SUCCEEDED', status: 'pending', dispatchedAt: null });
    expect(succeeded?.payload).toMatchObject({
      event: 'RUN_SUCCEEDED',
      sync: { id: sync.id, name: 'Test sync' },
      run: { id: queued.id, status: 'SUCCEEDED', totals: { total: 1, newLeads: 1 } },
    });
    expect(told).toEqual(['org: 1']);

    await engine.handleRejectedCredentials(f.org.id, connection.id);
    const failing = await engine.queueRun(f.org.id, sync.id, { trigger: 'manual' });
    expect((await engine.executeRun(failing.id)).status).toBe('failed');
    expect(await rowsFor(`run:${failing.id}`)).toMatchObject([
      {
        event: 'RUN_FAILED',
        payload: { run: { status: 'FAILED', error: expect.stringContaining('new account key') } },
      },
    ]);
    expect(told).toEqual(['org: 1', 'org: 1', 'org: 1']);
  });

  it('writes CONNECTION_NEEDS_NEW_KEY only when the connection changes to it', async () => {
    const { connection } = await setUp();
    await engine.handleRejectedCredentials(f.org.id, connection.id);
    await engine.handleRejectedCredentials(f.org.id, connection.id);
    const rows = (await f.db.select().from(webhookDeliveries)).filter(
      (row) =>
        row.event === 'CONNECTION_NEEDS_NEW_KEY' && row.eventKey.startsWith(`connection:${connection.id}:`),
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]?.payload).toMatchObject({ connection: { id: connection.id, status: 'NEEDS_NEW_KEY' } });
  });

  it('a process that dies right after the commit (the listener never returns or throws) loses no event', async () => {
    const crashing = f.createOtherEngine({
      events: {
        deliveriesQueued: async () => {
          throw new Error('the process died here');
        },
      },
    });
    const { sync } = await setUp();
    const queued = await crashing.queueRun(f.org.id, sync.id, { trigger: 'manual' });
    expect((await crashing.executeRun(queued.id)).status).toBe('succeeded');
    expect(await rowsFor(`run:${queued.id}`)).toMatchObject([{ event: 'RUN_SUCCEEDED', status: 'pending' }]);
  });

  it('an engine without listeners (the CLI) writes the events too', async () => {
    const bare = f.createOtherEngine();
    const { sync } = await setUp();
    const queued = await bare.queueRun(f.org.id, sync.id, { trigger: 'manual' });
    await bare.executeRun(queued.id);
    expect(await rowsFor(`run:${queued.id}`)).toMatchObject([{ event: 'RUN_SUCCEEDED', dispatchedAt: null }]);
  });
});
