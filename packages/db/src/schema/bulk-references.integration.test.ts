import { randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '@leadsync/testing/db';
import postgres, { type Sql } from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BulkReference, bulkReferences } from './bulk-references.ts';

/** One organization with one row of every table the references join. */
interface Tenant {
  organization_id: string;
  mailing_list_id: string;
  lead_id: string;
  sync_id: string;
  run_id: string;
  /** Two more leads: memberships of one list need one lead each. */
  spare_lead_ids: [string, string];
}

let tdb: TestDatabase;
let sql: Sql;

beforeAll(async () => {
  tdb = await createTestDatabase();
  sql = postgres(tdb.url, { max: 2, onnotice: () => {} });
});
afterAll(async () => {
  await sql.end();
  await tdb.drop();
});

async function tenant(): Promise<Tenant> {
  const [org] = await sql`insert into organizations (name) values (${`Org ${randomUUID()}`}) returning id`;
  const organizationId = org!.id as string;
  const [list] = await sql`
    insert into mailing_lists (organization_id, name) values (${organizationId}, 'List') returning id`;
  const [lead, ...spare] = await sql`
    insert into leads ${sql([0, 1, 2].map(() => ({ organization_id: organizationId, email: `${randomUUID()}@example.com` })))}
    returning id`;
  const [connection] = await sql`
    insert into connections (organization_id, connector_id, name, credentials_encrypted, settings)
    values (${organizationId}, 'csv', 'Files', '-', '{}') returning id`;
  const [sync] = await sql`
    insert into syncs (organization_id, connection_id, name, source_organization_id, import_mode, mailing_list_id,
                       schedule)
    values (${organizationId}, ${connection!.id}, 'Sync', 'src', 'all', ${list!.id},
            ${sql.json({ frequency: 'DAILY', time: '06:00', timeZone: 'UTC' })})
    returning id`;
  const [run] = await sql`
    insert into sync_runs (organization_id, sync_id, trigger) values (${organizationId}, ${sync!.id}, 'manual')
    returning id`;
  return {
    organization_id: organizationId,
    mailing_list_id: list!.id,
    lead_id: lead!.id,
    sync_id: sync!.id,
    run_id: run!.id,
    spare_lead_ids: [spare[0]!.id, spare[1]!.id],
  };
}

/** A valid row of the reference's table for the tenant (the `n`th of a statement), with `override` applied. */
function row(
  reference: BulkReference,
  t: Tenant,
  override: Record<string, unknown> = {},
  n = 0,
): Record<string, unknown> {
  const base: Record<string, Record<string, unknown>> = {
    leads: { organization_id: t.organization_id, email: `${randomUUID()}@example.com` },
    list_memberships: {
      organization_id: t.organization_id,
      mailing_list_id: t.mailing_list_id,
      lead_id: n === 0 ? t.lead_id : t.spare_lead_ids[n - 1],
      added_by_sync_id: t.sync_id,
    },
    source_records: {
      organization_id: t.organization_id,
      sync_id: t.sync_id,
      source_id: randomUUID(),
      lead_id: t.lead_id,
      last_seen_run_id: t.run_id,
    },
    run_records: {
      organization_id: t.organization_id,
      run_id: t.run_id,
      seq: Math.floor(Math.random() * 1e9),
      source_id: randomUUID(),
      outcome: 'new',
      lead_id: t.lead_id,
    },
  };
  return { ...base[reference.table], ...override };
}

/** The referenced row's key in the tenant (the referenced table's `id`). */
function referencedId(reference: BulkReference, t: Tenant): string {
  const ids: Record<BulkReference['references'], string> = {
    organizations: t.organization_id,
    mailing_lists: t.mailing_list_id,
    leads: t.lead_id,
    syncs: t.sync_id,
    sync_runs: t.run_id,
  };
  return ids[reference.references];
}

/** The column of the reference that names the referenced row (not the organization). */
function idColumn(reference: BulkReference): string {
  return reference.columns[reference.columns.length - 1]!;
}

function violation(reference: BulkReference) {
  return { code: '23503', constraint_name: reference.name };
}

describe.each(bulkReferences.map((reference) => [reference.name, reference] as const))(
  '%s',
  (_, reference) => {
    it('accepts a row that refers to an existing row of its organization', async () => {
      const t = await tenant();
      await sql`insert into ${sql(reference.table)} ${sql(row(reference, t))}`;
    });

    if (reference.checkedOnWrite) {
      it('refuses a row (among valid ones) that refers to no row, naming the constraint', async () => {
        const t = await tenant();
        const rows = [
          row(reference, t),
          row(reference, t, { [idColumn(reference)]: randomUUID() }, 1),
          row(reference, t, {}, 2),
        ];
        await expect(sql`insert into ${sql(reference.table)} ${sql(rows)}`).rejects.toMatchObject(
          violation(reference),
        );
      });

      it('refuses an update that makes a row refer to no row', async () => {
        const t = await tenant();
        const valid = row(reference, t);
        const [inserted] =
          await sql`insert into ${sql(reference.table)} ${sql(valid)} returning ctid::text as ctid`;
        await expect(
          sql`update ${sql(reference.table)} set ${sql(idColumn(reference))} = ${randomUUID()}
            where ctid = ${inserted!.ctid}::tid`,
        ).rejects.toMatchObject(
          // A lead's organization is part of its key: the guard on referenced keys refuses the change first.
          reference.table === 'leads' ? { code: '23503' } : violation(reference),
        );
      });
    } else {
      it('accepts a row whose lead does not exist (its writer holds the lead-write turn instead)', async () => {
        const t = await tenant();
        await sql`insert into ${sql(reference.table)} ${sql(row(reference, t, { [idColumn(reference)]: randomUUID() }))}`;
      });
    }

    if (reference.columns.length > 1) {
      it("refuses a row that refers to another organization's row", async () => {
        const mine = await tenant();
        const theirs = await tenant();
        const crossed = row(reference, mine, { [idColumn(reference)]: referencedId(reference, theirs) });
        await expect(sql`insert into ${sql(reference.table)} ${sql(crossed)}`).rejects.toMatchObject(
          violation(reference),
        );
      });
    }

    it(`deleting the referenced row ${reference.onDelete === 'cascade' ? 'deletes' : 'clears'} the rows that refer to it, and only them`, async () => {
      const t = await tenant();
      const other = await tenant();
      await sql`insert into ${sql(reference.table)} ${sql(row(reference, t))}`;
      await sql`insert into ${sql(reference.table)} ${sql(row(reference, other))}`;
      const count = async (id: string) => {
        const [counted] = await sql`
        select count(*)::int as n from ${sql(reference.table)} where ${sql(idColumn(reference))} = ${id}`;
        return counted!.n as number;
      };
      const target = referencedId(reference, t);
      expect(await count(target)).toBeGreaterThanOrEqual(1);
      if (reference.references === 'mailing_lists') {
        await sql`delete from syncs where id = ${t.sync_id}`; // a sync's list cannot be deleted (restrict)
      }
      await sql`delete from ${sql(reference.references)} where id = ${target}`;
      expect(await count(target)).toBe(0);
      expect(await count(referencedId(reference, other))).toBeGreaterThanOrEqual(1);
      if (reference.onDelete === 'set null' && reference.table !== 'leads') {
        const [left] = await sql`
        select count(*)::int as n from ${sql(reference.table)}
        where organization_id = ${t.organization_id} and ${sql(idColumn(reference))} is null`;
        expect(left!.n).toBe(1);
      }
    });
  },
);

describe('referenced keys', () => {
  it.each(['organizations', 'mailing_lists', 'leads', 'syncs', 'sync_runs'] as const)(
    'the id of a row of %s cannot change',
    async (table) => {
      const t = await tenant();
      const id = referencedId({ references: table } as BulkReference, t);
      await expect(sql`update ${sql(table)} set id = ${randomUUID()} where id = ${id}`).rejects.toMatchObject(
        {
          code: '23503',
        },
      );
    },
  );
});
