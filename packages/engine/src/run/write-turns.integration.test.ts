import { takeLeadWriteTurn } from '@leadsync/db';
import { leads, listMemberships, runRecords } from '@leadsync/db/schema';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertSucceeded, createFixture, csv, type Fixture } from '../testing/fixture.ts';
import { csvSource } from '../testing/sources.ts';

const HEADER = ['email', 'first_name'];
/** Three write units of 1,000 (two CSV pages each); `late@example.com` is in the third. */
const ROWS = Array.from({ length: 3_000 }, (_, i) => [
  i === 2_500 ? 'late@example.com' : `person${i}@example.com`,
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

  /** `late@example.com` in the organization: its status, and whether it is on the list. */
  async function late(organizationId: string, listId: string) {
    const [lead] = await f.db
      .select()
      .from(leads)
      .where(and(eq(leads.organizationId, organizationId), eq(leads.email, 'late@example.com')));
    const memberships = await f.db
      .select()
      .from(listMemberships)
      .where(and(eq(listMemberships.mailingListId, listId), eq(listMemberships.leadId, lead!.id)));
    return { status: lead?.status, listed: memberships.length > 0 };
  }

  it('is looked up again when another writer took a turn in between, so its outcomes hold', async () => {
    const { list, sync } = await f.createSyncOver(csvSource({ csv: csv(HEADER, ROWS) }));
    let heartbeats = 0;
    let writer: Promise<unknown> | undefined;
    const run = await f.run(sync.id, {
      execute: {
        heartbeat: async () => {
          heartbeats++;
          if (heartbeats !== 1) return;
          // Unit 1 has committed; unit 2 has been sent and holds the turn, uncommitted, and unit 3 has been looked
          // up beside it (`late@example.com` was not a lead then); unit 3 is sent only after this heartbeat. Another
          // writer (a run of another sync, an undo) asks for the organization's turn now and bounces that address:
          // it gets the turn right after unit 2, before unit 3, whose lookup is then stale. Not awaited here: unit
          // 2 commits only once this heartbeat is over.
          writer = f.db.transaction(async (tx) => {
            await tx.execute(takeLeadWriteTurn(f.org.id));
            await tx
              .insert(leads)
              .values({ organizationId: f.org.id, email: 'late@example.com', status: 'bounced' });
          });
          writer.catch(() => {});
          await new Promise((resolve) => setTimeout(resolve, 300));
        },
      },
    });
    await writer;

    assertSucceeded(run);
    expect(heartbeats).toBe(3);
    expect(run.newLeads).toBe(2_999);
    expect(run.ignored).toBe(1);
    const records = await f.db
      .select()
      .from(runRecords)
      .where(and(eq(runRecords.runId, run.id), eq(runRecords.email, 'late@example.com')));
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ outcome: 'ignored', reason: 'bounced' });
    expect(await late(f.org.id, list.id)).toEqual({ status: 'bounced', listed: false });
  });

  it('a lead suppressed by a writer that skipped the turn is neither reactivated nor listed (second line, issue 17)', async () => {
    const org = await f.createOrganization('skipped turn');
    await f.db.insert(leads).values({ organizationId: org.id, email: 'late@example.com', status: 'deleted' });
    const { list, sync } = await f.createSyncOver(csvSource({ csv: csv(HEADER, ROWS) }), {
      organizationId: org.id,
    });
    let heartbeats = 0;
    const run = await f.run(sync.id, {
      organizationId: org.id,
      execute: {
        heartbeat: async () => {
          heartbeats++;
          // Unit 3 has been looked up (`late@example.com` deleted: re_added); a careless writer bounces it now
          // without taking the turn, so unit 3's plan stands.
          if (heartbeats === 1) {
            await f.db
              .update(leads)
              .set({ status: 'bounced' })
              .where(and(eq(leads.organizationId, org.id), eq(leads.email, 'late@example.com')));
          }
        },
      },
    });
    assertSucceeded(run);
    expect(await late(org.id, list.id)).toEqual({ status: 'bounced', listed: false });
  });
});
