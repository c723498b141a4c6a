import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  assertInvariants,
  assertSucceeded,
  createFixture,
  csv,
  type Fixture,
  totals,
} from '../testing/fixture.ts';

const HEADER = ['email', 'first_name', 'last_name'];

/**
 * 3,000 rows, three write units of 1,000 (six CSV pages): the third unit repeats every other email of the first. The
 * second unit is in flight when the third is looked up, the first has committed: rule 4 must be answered from the
 * run's stored records, not from the emails carried in memory.
 */
function rows(): string[][] {
  const out: string[][] = [];
  for (let i = 0; i < 3000; i++) {
    const n = i >= 2000 && i % 2 === 0 ? i - 2000 : i;
    out.push([`person${n}@example.com`, 'P', `${i}`]);
  }
  return out;
}

describe('rule 4 (file duplicates) across write units', () => {
  let f: Fixture;
  let syncId: string;
  beforeAll(async () => {
    f = await createFixture();
    const list = await f.createList('List');
    const connection = await f.createConnection('csv', {}, { csv: csv(HEADER, rows()) });
    const sync = await f.createSync({
      connectionId: connection.id,
      mailingListId: list.id,
      sourceOrganizationId: 'file',
    });
    syncId = sync.id;
  });
  afterAll(async () => {
    await f?.close();
  });

  it('in a dry run, whose new records have no lead yet', async () => {
    const run = await f.run(syncId, { dryRun: true });
    assertSucceeded(run);
    expect(totals(run)).toMatchObject({ total: 3000, newLeads: 2500, duplicate: 0, ignored: 500 });
    expect(run.fileDuplicate).toBe(500);
    expect(Object.keys(await f.leadsByEmail())).toHaveLength(0);
  });

  it('in a first run, and in a second one that finds the first run’s records but not its own', async () => {
    const first = await f.run(syncId);
    expect(totals(first)).toMatchObject({ total: 3000, newLeads: 2500, duplicate: 0, ignored: 500 });
    expect(first.fileDuplicate).toBe(500);
    expect(Object.keys(await f.leadsByEmail())).toHaveLength(2500);

    const second = await f.run(syncId);
    assertInvariants(second);
    expect(totals(second)).toMatchObject({ total: 3000, newLeads: 0, duplicate: 2500, ignored: 500 });
    expect(second.fileDuplicate).toBe(500);
  });
});
