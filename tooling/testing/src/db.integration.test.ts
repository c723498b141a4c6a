import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './db.ts';

const created: TestDatabase[] = [];
afterAll(async () => {
  for (const database of created) await database.drop();
});

async function tables(url: string): Promise<string[]> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const rows = await sql<{ name: string }[]>`
      SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1`;
    return rows.map((row) => row.name);
  } finally {
    await sql.end();
  }
}

describe('test databases', () => {
  it('are fully migrated clones, one per call, that do not share rows', async () => {
    const first = await createTestDatabase();
    const second = await createTestDatabase();
    created.push(first, second);
    expect(first.url).not.toBe(second.url);
    expect(await tables(first.url)).toEqual(expect.arrayContaining(['leads', 'sync_runs', 'organizations']));

    const writer = postgres(first.url, { max: 1, onnotice: () => {} });
    await writer`INSERT INTO organizations (name) VALUES ('only in the first')`;
    await writer.end();
    const reader = postgres(second.url, { max: 1, onnotice: () => {} });
    const rows = await reader`SELECT name FROM organizations`;
    await reader.end();
    expect(rows).toHaveLength(0);
  });

  it('are gone after drop', async () => {
    const database = await createTestDatabase();
    await database.drop();
    await expect(tables(database.url)).rejects.toThrow(/does not exist/);
  });
});
