import { createTestDatabase, type TestDatabase } from '@leadsync/testing/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type DatabaseHandle } from '../client.ts';
import { leads, organizations } from './index.ts';

describe('leads table', () => {
  let tdb: TestDatabase;
  let handle: DatabaseHandle;

  beforeAll(async () => {
    tdb = await createTestDatabase();
    handle = createDatabase(tdb.url, { max: 2 });
  });
  afterAll(async () => {
    await handle.close();
    await tdb.drop();
  });

  it('refuses the same email twice in one organization, whatever its case', async () => {
    const { db } = handle;
    const [org] = await db.insert(organizations).values({ name: 'Acme' }).returning();
    if (!org) throw new Error('no organization');
    await db.insert(leads).values({ organizationId: org.id, email: 'A@x.com' });

    await expect(db.insert(leads).values({ organizationId: org.id, email: 'a@x.com' })).rejects.toMatchObject(
      {
        cause: { code: '23505', constraint_name: 'leads_organization_email_idx' },
      },
    );
  });

  it('lets two organizations hold the same email', async () => {
    const { db } = handle;
    const [a, b] = await db
      .insert(organizations)
      .values([{ name: 'A' }, { name: 'B' }])
      .returning();
    if (!a || !b) throw new Error('no organizations');
    await db.insert(leads).values([
      { organizationId: a.id, email: 'same@x.com' },
      { organizationId: b.id, email: 'same@x.com' },
    ]);
    const rows = await db.select({ org: leads.organizationId }).from(leads);
    expect(rows.filter((r) => r.org === a.id || r.org === b.id)).toHaveLength(2);
  });
});
