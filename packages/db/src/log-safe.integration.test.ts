import { createTestDatabase, type TestDatabase } from '@leadsync/testing/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type DatabaseHandle } from './client.ts';
import { logSafeError } from './log-safe.ts';

describe('errors as they may be logged', () => {
  let tdb: TestDatabase;
  let handle: DatabaseHandle;
  beforeAll(async () => {
    tdb = await createTestDatabase();
    handle = createDatabase(tdb.url, { max: 1 });
  });
  afterAll(async () => {
    await handle?.close();
    await tdb?.drop();
  });

  async function failure(run: () => Promise<unknown>): Promise<unknown> {
    try {
      await run();
    } catch (error) {
      return error;
    }
    throw new Error('expected a failure');
  }

  it('keep what went wrong, not the data: no detail, where, query or parameters, no value quoted by a data exception', async () => {
    const { sql } = handle;
    await sql`create table t (email text primary key, doc jsonb)`;
    await sql`insert into t (email) values (${'ann@example.com'})`;
    const duplicate = await failure(() => sql`insert into t (email) values (${'ann@example.com'})`);
    const json = await failure(
      () =>
        sql`insert into t (email, doc) values (${'bob@example.com'}, ${'{"note": "secret\\u0000x"}'}::jsonb)`,
    );
    const uuid = await failure(() => sql`select ${'carol@example.com'}::uuid`);
    for (const error of [duplicate, json, uuid]) {
      expect(JSON.stringify({ ...(error as object), message: (error as Error).message })).toMatch(
        /example\.com|secret/,
      );
      const safe = logSafeError(error) as Record<string, unknown>;
      const text = JSON.stringify(safe);
      expect(text).not.toMatch(/example\.com|secret/);
      expect(safe.code).toMatch(/^2/);
      expect(String(safe.message).length).toBeGreaterThan(10);
    }
    expect(logSafeError({ message: 'plain' })).toEqual({ message: 'plain' });
  });
});
