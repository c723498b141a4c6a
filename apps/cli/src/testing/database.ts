import type { Logger } from '@leadsync/connector-sdk';
import { connectorRegistry } from '@leadsync/connectors';
import { createDatabase, type DatabaseHandle } from '@leadsync/db';
import { createEngine, type Engine } from '@leadsync/engine';
import { createTestDatabase, type TestDatabase } from '@leadsync/testing/db';
import { afterAll, beforeAll } from 'vitest';
import { factories } from './factories.ts';

/** The CLI's tests' one setup: a test file's database, and for the commands that run syncs, an engine on it. */

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

export interface CliTestDatabase {
  url: string;
  handle: DatabaseHandle;
}

/**
 * This test file's own database (a fresh clone of the migrated template) and a pool of `max` connections on it:
 * filled in `beforeAll`, closed and dropped in `afterAll`.
 */
export function useTestDatabase(max = 2): CliTestDatabase {
  const context = {} as CliTestDatabase;
  let tdb: TestDatabase | undefined;
  beforeAll(async () => {
    tdb = await createTestDatabase();
    context.url = tdb.url;
    context.handle = createDatabase(tdb.url, { max });
  });
  afterAll(async () => {
    await context.handle?.close();
    await tdb?.drop();
  });
  return context;
}

export interface EngineTestBed extends CliTestDatabase {
  f: ReturnType<typeof factories>;
  engine: Engine;
  /** What `sync run` and `csv upload` take: the database, its SQL client, the engine and the registry. */
  deps(): {
    db: DatabaseHandle['db'];
    sql: DatabaseHandle['sql'];
    engine: Engine;
    registry: typeof connectorRegistry;
  };
}

/** `useTestDatabase` (4 connections), the factories, and an engine over the composed registry (loopback allowed). */
export function useEngineTestBed(): EngineTestBed {
  const bed = useTestDatabase(4) as EngineTestBed;
  beforeAll(() => {
    bed.f = factories(bed.handle.db);
    bed.engine = createEngine({
      db: bed.handle.db,
      secretBox: bed.f.secretBox,
      registry: connectorRegistry,
      allowedHosts: ['127.0.0.1'],
      logger: silentLogger,
    });
    bed.deps = () => ({
      db: bed.handle.db,
      sql: bed.handle.sql,
      engine: bed.engine,
      registry: connectorRegistry,
    });
  });
  return bed;
}
