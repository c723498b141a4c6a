import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { leads } from '../schema/leads.ts';
import { organizations } from '../schema/organizations.ts';
import { countQueries, seedOrganization, useTestDatabase } from '../test-support.ts';
import { LeadRepository } from './leads.ts';
import { MailingListRepository } from './mailing-lists.ts';

const t = useTestDatabase();

async function insertLeads(
  organizationId: string,
  rows: {
    email: string;
    status?: 'active' | 'bounced' | 'deleted' | 'do_not_mail';
    firstName?: string;
    lastName?: string;
  }[],
) {
  return t.db
    .insert(leads)
    .values(rows.map((row) => ({ organizationId, ...row })))
    .returning();
}

describe('LeadRepository.statusesByEmail', () => {
  it('answers for a whole batch in one query, case-insensitively, leaving unknown emails out', async () => {
    const { organization } = await seedOrganization(t.db);
    await insertLeads(organization.id, [
      { email: 'ann@example.com' },
      { email: 'bob@example.com', status: 'bounced' },
      { email: 'cy@example.com', status: 'do_not_mail' },
      { email: 'dee@example.com', status: 'deleted' },
    ]);
    const repo = new LeadRepository(t.db, organization.id);

    const { result, queries } = await countQueries(t, () =>
      repo.statusesByEmail([
        'ANN@example.com',
        ' bob@example.com',
        'cy@example.com',
        'dee@Example.com',
        'new@example.com',
      ]),
    );

    expect(queries).toBe(1);
    expect(new Map([...result].map(([email, entry]) => [email, entry.status]))).toEqual(
      new Map([
        ['ann@example.com', 'active'],
        ['bob@example.com', 'bounced'],
        ['cy@example.com', 'do_not_mail'],
        ['dee@example.com', 'deleted'],
      ]),
    );
  });

  it('passes emails with commas, quotes and braces through the array parameter intact', async () => {
    const { organization } = await seedOrganization(t.db);
    const odd = [
      'a,b@example.com',
      'q"uote@example.com',
      '{brace}@example.com',
      "o'neil@example.com",
      'back\\slash@example.com',
    ];
    await insertLeads(
      organization.id,
      odd.map((email) => ({ email })),
    );

    const result = await new LeadRepository(t.db, organization.id).statusesByEmail(odd);

    expect([...result.keys()].sort()).toEqual([...odd].sort());
  });

  it('does not see the leads of another organization', async () => {
    const a = await seedOrganization(t.db);
    const b = await seedOrganization(t.db);
    await insertLeads(b.organization.id, [{ email: 'only-in-b@example.com' }]);

    const result = await new LeadRepository(t.db, a.organization.id).statusesByEmail([
      'only-in-b@example.com',
    ]);

    expect(result.size).toBe(0);
  });
});

describe('LeadRepository marks', () => {
  it('marks bounced and do-not-mail by email, case-insensitively, counting only leads that changed', async () => {
    const { organization } = await seedOrganization(t.db);
    await insertLeads(organization.id, [
      { email: 'x1@example.com' },
      { email: 'x2@example.com' },
      { email: 'x3@example.com', status: 'bounced' },
    ]);
    const repo = new LeadRepository(t.db, organization.id);

    expect(await repo.markBounced(['X1@EXAMPLE.COM', 'x3@example.com', 'nobody@example.com'])).toBe(1);
    expect(await repo.markDoNotMail(['x2@example.com', 'x2@example.com'])).toBe(1);

    const statuses = await repo.statusesByEmail(['x1@example.com', 'x2@example.com', 'x3@example.com']);
    expect(statuses.get('x1@example.com')?.status).toBe('bounced');
    expect(statuses.get('x2@example.com')?.status).toBe('do_not_mail');
    expect(statuses.has('nobody@example.com')).toBe(false);
  });

  it('with createMissing, turns unknown emails into suppressed leads so that a later import ignores them', async () => {
    const { organization } = await seedOrganization(t.db);
    const repo = new LeadRepository(t.db, organization.id);

    expect(await repo.markDoNotMail(['Suppressed@example.com'], { createMissing: true })).toBe(1);

    const lead = await repo.getByEmail('suppressed@example.com');
    expect(lead?.status).toBe('do_not_mail');
    expect(lead?.email).toBe('suppressed@example.com');
  });

  it('deleting leads soft-deletes them and takes them off every list, leaving other leads alone', async () => {
    const { organization, mailingList } = await seedOrganization(t.db);
    const lists = new MailingListRepository(t.db, organization.id);
    const second = await lists.create('Second');
    const rows = await insertLeads(organization.id, [
      { email: 'gone@example.com' },
      { email: 'stays@example.com' },
    ]);
    const ids = rows.map((r) => r.id);
    await lists.addLeads(mailingList.id, ids);
    await lists.addLeads(second.id, ids);
    const repo = new LeadRepository(t.db, organization.id);

    expect(await repo.deleteByEmails(['GONE@example.com'])).toBe(1);
    expect(await repo.deleteByEmails(['gone@example.com'])).toBe(0);

    expect((await repo.getByEmail('gone@example.com'))?.status).toBe('deleted');
    expect((await lists.get(mailingList.id))?.leadCount).toBe(1);
    expect((await lists.get(second.id))?.leadCount).toBe(1);
    const onList = await repo.search({ mailingListId: mailingList.id });
    expect(onList.edges.map((e) => e.node.email)).toEqual(['stays@example.com']);
  });
});

describe('LeadRepository.search', () => {
  let organizationId: string;
  let listId: string;

  beforeAll(async () => {
    const seeded = await seedOrganization(t.db);
    organizationId = seeded.organization.id;
    listId = seeded.mailingList.id;
    const rows = await insertLeads(
      organizationId,
      Array.from({ length: 25 }, (_, i) => ({
        email: `person${String(i).padStart(2, '0')}@example.com`,
        firstName: i % 5 === 0 ? 'Zoë' : 'Sam',
        lastName: `Smith_${i}`,
        status: i % 10 === 9 ? ('bounced' as const) : ('active' as const),
      })),
    );
    await new MailingListRepository(t.db, organizationId).addLeads(
      listId,
      rows.filter((_, i) => i < 7).map((r) => r.id),
    );
  });

  it('walks every lead exactly once, in email order, page by page', async () => {
    const repo = new LeadRepository(t.db, organizationId);
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const page = await repo.search({ first: 10, after });
      expect(page.totalCount).toBe(25);
      seen.push(...page.edges.map((e) => e.node.email));
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
      pages += 1;
    } while (after);
    expect(pages).toBe(3);
    expect(seen).toEqual([...seen].sort());
    expect(new Set(seen).size).toBe(25);
  });

  it('matches a substring of the email or the names, case-insensitively, and filters by status and list', async () => {
    const repo = new LeadRepository(t.db, organizationId);

    expect((await repo.search({ search: 'ZOË' })).totalCount).toBe(5);
    expect((await repo.search({ search: 'person1' })).totalCount).toBe(10);
    expect((await repo.search({ search: 'smith_2' })).edges.map((e) => e.node.email)).toEqual([
      'person02@example.com',
      'person20@example.com',
      'person21@example.com',
      'person22@example.com',
      'person23@example.com',
      'person24@example.com',
    ]);
    expect((await repo.search({ status: 'bounced' })).totalCount).toBe(2);
    expect((await repo.search({ mailingListId: listId, search: 'zoë' })).totalCount).toBe(2);
  });

  it('treats % and _ in the search text literally', async () => {
    const repo = new LeadRepository(t.db, organizationId);
    expect((await repo.search({ search: '%' })).totalCount).toBe(0);
    expect((await repo.search({ search: 'h_1' })).totalCount).toBe(11);
    expect((await repo.search({ search: 'person_' })).totalCount).toBe(0);
  });

  it('refuses a cursor it did not issue', async () => {
    const repo = new LeadRepository(t.db, organizationId);
    await expect(repo.search({ after: 'bm90LWEtY3Vyc29y' })).rejects.toThrow('Invalid pagination cursor');
  });
});

describe('lead-write turns', () => {
  it('every change of leads or memberships takes the organization turn that imports check', async () => {
    const { organization, mailingList } = await seedOrganization(t.db);
    const [lead] = await insertLeads(organization.id, [{ email: 'turn@example.com' }]);
    const repo = new LeadRepository(t.db, organization.id);
    const lists = new MailingListRepository(t.db, organization.id);
    const turns = async () => {
      const [row] = await t.db
        .select({ n: organizations.leadWrites })
        .from(organizations)
        .where(eq(organizations.id, organization.id));
      return row!.n;
    };
    const before = await turns();
    await repo.markBounced(['turn@example.com']);
    await repo.markDoNotMail(['new@example.com'], { createMissing: true });
    await lists.addLeads(mailingList.id, [lead!.id]);
    await lists.removeLeads(mailingList.id, [lead!.id]);
    await repo.deleteByEmails(['turn@example.com']);
    expect(await turns()).toBe(before + 5);
  });
});
