import { randomBytes } from 'node:crypto';
import { type Database, type RunRecordInput, RunRecordRepository, SecretBox } from '@leadsync/db';
import { connections, mailingLists, organizations, syncRuns, syncs } from '@leadsync/db/schema';
import { eq } from 'drizzle-orm';

/** Small factories over a real test database: an organization with a mailing list, connections, syncs, runs. */
export function factories(db: Database, secretBox = new SecretBox(randomBytes(32))) {
  async function organization(name = 'Acme') {
    const [org] = await db.insert(organizations).values({ name }).returning();
    const [list] = await db
      .insert(mailingLists)
      .values({ organizationId: org!.id, name: 'Newsletter' })
      .returning();
    return { org: org!, list: list! };
  }

  /** A connection whose credentials are sealed with `box` (default: the factories' secret box). */
  async function connection(
    organizationId: string,
    input: {
      connectorId?: string;
      name?: string;
      credentials?: unknown;
      settings?: Record<string, unknown>;
    } = {},
    box = secretBox,
  ) {
    const [row] = await db
      .insert(connections)
      .values({
        organizationId,
        connectorId: input.connectorId ?? 'csv',
        name: input.name ?? 'Spreadsheet',
        credentialsEncrypted: '-',
        settings: input.settings ?? { csv: 'email\nada@example.com\n' },
      })
      .returning();
    const [sealed] = await db
      .update(connections)
      .set({ credentialsEncrypted: box.sealJson(input.credentials ?? {}, row!.id) })
      .where(eq(connections.id, row!.id))
      .returning();
    return sealed!;
  }

  async function sync(input: {
    organizationId: string;
    connectionId: string;
    mailingListId: string;
    name?: string;
    nextRunAt?: Date;
  }) {
    const [row] = await db
      .insert(syncs)
      .values({
        organizationId: input.organizationId,
        connectionId: input.connectionId,
        mailingListId: input.mailingListId,
        sourceOrganizationId: 'file',
        name: input.name ?? 'Spreadsheet import',
        importMode: 'all',
        fieldMapping: [
          { source: 'email', target: 'email' },
          { source: 'first_name', target: 'firstName' },
        ],
        schedule: { frequency: 'DAILY', time: '06:00', timeZone: 'UTC' },
        status: 'active',
        nextRunAt: input.nextRunAt,
      })
      .returning();
    return row!;
  }

  /** A finished run with the given records (seq = their order). */
  async function runWithRecords(
    organizationId: string,
    syncId: string,
    records: Omit<RunRecordInput, 'seq'>[],
  ) {
    const [run] = await db
      .insert(syncRuns)
      .values({ organizationId, syncId, trigger: 'manual', status: 'succeeded', total: records.length })
      .returning();
    await new RunRecordRepository(db, organizationId).insertMany(
      run!.id,
      records.map((record, seq) => ({ ...record, seq })),
    );
    return run!;
  }

  return { secretBox, organization, connection, sync, runWithRecords };
}

/** A writable that collects what is written, for the commands' output. */
export function collect() {
  let text = '';
  return {
    write(chunk: string | Uint8Array) {
      text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      return true;
    },
    get text() {
      return text;
    },
  };
}
