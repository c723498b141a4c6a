import type { Connection, Sync, SyncRun } from '@leadsync/db/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from './engine.ts';
import { connectorRegistry } from './registry.ts';
import { createFixture, csv, type Fixture, silentLogger } from './testing/fixture.ts';

describe('engine events (webhooks)', () => {
  let f: Fixture;
  let engine: Engine;
  const told: string[] = [];

  beforeAll(async () => {
    f = await createFixture();
    engine = createEngine({
      db: f.db,
      secretBox: f.secretBox,
      registry: connectorRegistry,
      allowedHosts: ['127.0.0.1'],
      logger: silentLogger,
      events: {
        async runFinished(run: SyncRun, sync: Sync) {
          told.push(`run ${run.status} ${run.id} of ${sync.name}`);
        },
        async connectionNeedsNewKey(connection: Connection) {
          told.push(`key ${connection.id} ${connection.status}`);
        },
      },
    });
  });
  afterAll(async () => {
    await f?.close();
  });

  async function setUp() {
    const list = await f.createList(`List ${told.length}-${Math.random()}`);
    const connection = await f.createConnection('csv', {}, { csv: csv(['email'], [['a@example.com']]) });
    const sync = await f.createSync({
      connectionId: connection.id,
      mailingListId: list.id,
      sourceOrganizationId: 'file',
      fieldMapping: [{ source: 'email', target: 'email' }],
    });
    return { connection, sync };
  }

  it('tells once when a real run ends, whether it succeeded or failed, and never for a preview', async () => {
    told.length = 0;
    const { connection, sync } = await setUp();
    const preview = await engine.queueRun(f.org.id, sync.id, { trigger: 'preview' });
    expect((await engine.executeRun(preview.id)).status).toBe('succeeded');
    expect(told).toEqual([]);

    const queued = await engine.queueRun(f.org.id, sync.id, { trigger: 'manual' });
    await engine.executeRun(queued.id);
    // Executing a finished run again returns it and tells nothing.
    await engine.executeRun(queued.id);
    expect(told).toEqual([`run succeeded ${queued.id} of Test sync`]);

    await engine.handleRejectedCredentials(f.org.id, connection.id);
    const failing = await engine.queueRun(f.org.id, sync.id, { trigger: 'manual' });
    expect((await engine.executeRun(failing.id)).status).toBe('failed');
    expect(told.slice(1)).toEqual([
      `key ${connection.id} needs_new_key`,
      `run failed ${failing.id} of Test sync`,
    ]);
  });

  it('tells that a connection needs a new key only when it changes to that', async () => {
    told.length = 0;
    const { connection } = await setUp();
    await engine.handleRejectedCredentials(f.org.id, connection.id);
    await engine.handleRejectedCredentials(f.org.id, connection.id);
    expect(told).toEqual([`key ${connection.id} needs_new_key`]);
  });

  it('a listener that throws does not change the run', async () => {
    const throwing = createEngine({
      db: f.db,
      secretBox: f.secretBox,
      registry: connectorRegistry,
      allowedHosts: [],
      logger: silentLogger,
      events: {
        runFinished: async () => {
          throw new Error('receiver down');
        },
        connectionNeedsNewKey: async () => {
          throw new Error('receiver down');
        },
      },
    });
    const { sync } = await setUp();
    const queued = await throwing.queueRun(f.org.id, sync.id, { trigger: 'manual' });
    expect((await throwing.executeRun(queued.id)).status).toBe('succeeded');
  });
});
