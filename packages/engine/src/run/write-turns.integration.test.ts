import { takeLeadWriteTurn } from '@leadsync/db';
import { leads, listMemberships, runRecords } from '@leadsync/db/schema';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertInvariants, createFixture, csv, type Fixture } from '../testing/fixture.ts';

const HEADER = ['email', 'first_name'];
/** Two write units of 1,000 (two CSV pages each); `late@example.com` is in the second. */
const ROWS = Array.from({ length: 2_000 }, (_, i) => [
  i === 1_500 ? 'late@example.com' : `person${i}@example.com`,
  `P${i}`,
]);

describe('write turns: a unit looked up while the one before was written', () => {
  let f: Fixture;

  beforeAll(async () => {
    f = await createFixture();
  });
  afterAll(async () => {
    await f?.close();
  });

  it('is looked up again when another writer took a turn in between, so its outcomes hold', async () => {
    const list = await f.createList('Customers');
    const connection = await f.createConnection('csv', {}, { csv: csv(HEADER, ROWS) });
    const sync = await f.createSync({
      connectionId: connection.id,
      mailingListId: list.id,
      sourceOrganizationId: 'file',
    });
    let heartbeats = 0;
    const run = await f.run(sync.id, {
      execute: {
        heartbeat: async () => {
          heartbeats++;
          if (heartbeats !== 1) return;
          // Unit 2 has been looked up beside unit 1 by now: `late@example.com` was not a lead then.
          await new Promise((resolve) => setTimeout(resolve, 300));
          // Another writer (a run of another sync, an undo) takes the organization's turn and bounces that address.
          await f.db.transaction(async (tx) => {
            await tx.execute(takeLeadWriteTurn(f.org.id));
            await tx
              .insert(leads)
              .values({ organizationId: f.org.id, email: 'late@example.com', status: 'bounced' });
          });
        },
      },
    });

    expect(run.status, run.error ?? '').toBe('succeeded');
    expect(heartbeats).toBe(2);
    assertInvariants(run);
    expect(run.newLeads).toBe(1_999);
    expect(run.ignored).toBe(1);
    const [record] = await f.db
      .select()
      .from(runRecords)
      .where(and(eq(runRecords.runId, run.id), eq(runRecords.email, 'late@example.com')));
    expect(record).toMatchObject({ outcome: 'ignored', reason: 'bounced' });
    const [lead] = await f.db.select().from(leads).where(eq(leads.email, 'late@example.com'));
    expect(lead?.status).toBe('bounced');
    const memberships = await f.db
      .select()
      .from(listMemberships)
      .where(and(eq(listMemberships.mailingListId, list.id), eq(listMemberships.leadId, lead!.id)));
    expect(memberships).toEqual([]);
  });
});
