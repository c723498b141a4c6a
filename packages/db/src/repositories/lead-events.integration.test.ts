import { asc, eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { leadEvents } from '../schema/lead-events.ts';
import { leads } from '../schema/leads.ts';
import { seedOrganization, useTestDatabase } from '../test-support.ts';
import { LeadRepository } from './leads.ts';
import { MailingListRepository } from './mailing-lists.ts';

const t = useTestDatabase();
const by = { apiKeyId: '00000000-0000-4000-8000-0000000000aa', apiKeyName: 'Ops key' };

async function eventsOf(organizationId: string) {
  const rows = await t.db
    .select()
    .from(leadEvents)
    .where(eq(leadEvents.organizationId, organizationId))
    .orderBy(asc(leadEvents.id));
  return rows.map((e) => ({
    email: e.email,
    kind: e.kind,
    fromStatus: e.fromStatus,
    toStatus: e.toStatus,
    mailingListName: e.mailingListName,
    apiKeyId: e.apiKeyId,
    apiKeyName: e.apiKeyName,
  }));
}

describe('lead events', () => {
  it('a status set by the API is an event naming the key, the status before and after; no change, no event', async () => {
    const { organization } = await seedOrganization(t.db);
    await t.db.insert(leads).values([
      { organizationId: organization.id, email: 'Ann@Example.com' },
      { organizationId: organization.id, email: 'bo@example.com', status: 'bounced' },
    ]);
    const repo = new LeadRepository(t.db, organization.id);

    expect(await repo.markBounced(['ann@example.com', 'BO@example.com'], { by })).toBe(1);
    expect(await repo.markDoNotMail(['new@example.com'], { createMissing: true, by })).toBe(1);

    expect(await eventsOf(organization.id)).toEqual([
      {
        email: 'ann@example.com',
        kind: 'status_changed',
        fromStatus: 'active',
        toStatus: 'bounced',
        mailingListName: null,
        ...by,
      },
      {
        email: 'new@example.com',
        kind: 'status_changed',
        fromStatus: null,
        toStatus: 'do_not_mail',
        mailingListName: null,
        ...by,
      },
    ]);
  });

  it('a deletion is a status event and one membership event per list the lead left', async () => {
    const { organization, mailingList } = await seedOrganization(t.db);
    const lists = new MailingListRepository(t.db, organization.id);
    const second = await lists.create('Second');
    const [lead] = await t.db
      .insert(leads)
      .values({ organizationId: organization.id, email: 'gone@example.com' })
      .returning();
    await lists.addLeads(mailingList.id, [lead!.id]);
    await lists.addLeads(second.id, [lead!.id]);
    const repo = new LeadRepository(t.db, organization.id);

    expect(await repo.deleteByEmails(['GONE@example.com'], { by })).toBe(1);

    const events = await eventsOf(organization.id);
    expect(events.filter((e) => e.kind === 'status_changed')).toEqual([
      {
        email: 'gone@example.com',
        kind: 'status_changed',
        fromStatus: 'active',
        toStatus: 'deleted',
        mailingListName: null,
        ...by,
      },
    ]);
    expect(
      events
        .filter((e) => e.kind === 'membership_removed')
        .map((e) => e.mailingListName)
        .sort(),
    ).toEqual([mailingList.name, 'Second'].sort());
  });

  it('the table is append-only: an update is refused', async () => {
    const { organization } = await seedOrganization(t.db);
    await new LeadRepository(t.db, organization.id).markBounced(['x@example.com'], { createMissing: true });
    await expect(
      t.db.execute(
        sql`update lead_events set to_status = 'active' where organization_id = ${organization.id}`,
      ),
    ).rejects.toMatchObject({ cause: { code: 'LS002' } });
  });
});
