import { randomBytes } from 'node:crypto';
import { csvConnector } from '@leadsync/connector-csv';
import { type ConnectorRegistry, createConnectorRegistry, type Logger } from '@leadsync/connector-sdk';
import { createZohoInvoiceConnector, type ZohoClientOptions } from '@leadsync/connector-zoho-invoice';
import { createDatabase, type Database, type DatabaseHandle, SecretBox } from '@leadsync/db';
import {
  connections,
  type FieldMappingEntry,
  leads,
  listMemberships,
  mailingLists,
  organizations,
  runCounters,
  runRecords,
  type SyncRun,
  sourceRecords,
  syncRuns,
  syncs,
} from '@leadsync/db/schema';
import { createEngine, type Engine, type ExecuteRunOptions } from '@leadsync/engine';
import { createTestDatabase } from '@leadsync/testing/db';
import { and, asc, eq, isNull, sql } from 'drizzle-orm';

/** Log lines kept in memory, so a test can look for secrets in them. */
export class CapturingLogger implements Logger {
  readonly lines: string[] = [];
  private write(level: string, a: unknown, b?: unknown) {
    this.lines.push(`${level} ${safeJson(a)} ${b === undefined ? '' : safeJson(b)}`);
  }
  debug(a: unknown, b?: unknown) {
    this.write('debug', a, b);
  }
  info(a: unknown, b?: unknown) {
    this.write('info', a, b);
  }
  warn(a: unknown, b?: unknown) {
    this.write('warn', a, b);
  }
  error(a: unknown, b?: unknown) {
    this.write('error', a, b);
  }
  text(): string {
    return this.lines.join('\n');
  }
}

function safeJson(value: unknown): string {
  if (value instanceof Error) return `${value.name}: ${value.message} ${safeJson({ ...value })}`;
  try {
    return JSON.stringify(value, (_key, v: unknown) =>
      v instanceof Error ? { ...v, name: v.name, message: v.message, cause: v.cause } : v,
    );
  } catch {
    return String(value);
  }
}

/** Zoho client knobs for a local simulator: short backoff and timeouts, a budget that never waits. */
export const FAST_ZOHO: ZohoClientOptions = {
  planDailyQuota: false,
  requestsPerMinute: 6_000_000,
  burst: 100_000,
  maxAttempts: 4,
  baseDelayMs: 1,
  maxDelayMs: 10,
  requestTimeoutMs: 1_500,
  maxRetryAfterMs: 5_000,
};

export function registryWith(zoho: ZohoClientOptions = FAST_ZOHO): ConnectorRegistry {
  return createConnectorRegistry([createZohoInvoiceConnector(zoho), csvConnector]);
}

export { simulatorSettings } from '@leadsync/connector-zoho-invoice/testing';

export const DEFAULT_MAPPING: FieldMappingEntry[] = [
  { source: 'email', target: 'email' },
  { source: 'first_name', target: 'firstName' },
  { source: 'last_name', target: 'lastName' },
];

/** The same for Zoho CRM leads (its field names). */
export const CRM_MAPPING: FieldMappingEntry[] = [
  { source: 'Email', target: 'email' },
  { source: 'First_Name', target: 'firstName' },
  { source: 'Last_Name', target: 'lastName' },
];

/**
 * The real engine over one database (a test database or an embedded server), with small factories for the rows a
 * sync needs. Each organization is a separate tenant, so a clean reference run and a faulted run of the same data
 * live side by side without touching each other's leads.
 */
export function createHarness(url: string, options: { registry?: ConnectorRegistry; logger?: Logger } = {}) {
  const handle: DatabaseHandle = createDatabase(url, { max: 4 });
  const db: Database = handle.db;
  const secretBox = new SecretBox(randomBytes(32));
  const logger = options.logger ?? new CapturingLogger();
  const engine: Engine = createEngine({
    db,
    secretBox,
    registry: options.registry ?? registryWith(),
    allowedHosts: ['127.0.0.1', 'localhost', '::1'],
    logger,
  });

  /** A new organization with one mailing list, a connection and an active sync of it. */
  async function tenant(input: {
    connectorId: 'zoho-invoice' | 'csv' | 'zoho-crm';
    credentials: unknown;
    settings: Record<string, unknown>;
    sourceOrganizationId: string;
    fieldMapping?: FieldMappingEntry[];
  }) {
    const [org] = await db
      .insert(organizations)
      .values({ name: `org ${randomBytes(4).toString('hex')}` })
      .returning();
    const organizationId = org!.id;
    const [list] = await db.insert(mailingLists).values({ organizationId, name: 'Imported' }).returning();
    const [row] = await db
      .insert(connections)
      .values({
        organizationId,
        connectorId: input.connectorId,
        name: `${input.connectorId} connection`,
        credentialsEncrypted: '-',
        settings: input.settings,
      })
      .returning();
    const connectionId = row!.id;
    await db
      .update(connections)
      .set({ credentialsEncrypted: secretBox.sealJson(input.credentials, connectionId) })
      .where(eq(connections.id, connectionId));
    const [sync] = await db
      .insert(syncs)
      .values({
        organizationId,
        connectionId,
        mailingListId: list!.id,
        sourceOrganizationId: input.sourceOrganizationId,
        name: 'Reliability sync',
        importMode: 'all',
        fieldMapping: input.fieldMapping ?? DEFAULT_MAPPING,
        schedule: { frequency: 'DAILY', time: '06:00', timeZone: 'UTC' },
        status: 'active',
        // Every run looks for deletions (the default period, 24 h, would keep the next run from seeing one).
        deletionCheckHours: 0,
      })
      .returning();
    const syncId = sync!.id;

    return {
      organizationId,
      listId: list!.id,
      connectionId,
      syncId,
      queue: () => engine.queueRun(organizationId, syncId, { trigger: 'manual' }),
      async run(execute?: ExecuteRunOptions): Promise<SyncRun> {
        const queued = await engine.queueRun(organizationId, syncId, { trigger: 'manual' });
        return engine.executeRun(queued.id, execute);
      },
      /** A new account key after a rejection: stored, connection active again, every sync active. */
      async replaceCredentials(credentials: unknown) {
        await db
          .update(connections)
          .set({ credentialsEncrypted: secretBox.sealJson(credentials, connectionId), status: 'active' })
          .where(eq(connections.id, connectionId));
        await db
          .update(syncs)
          .set({ status: 'active', inactiveReason: null })
          .where(eq(syncs.connectionId, connectionId));
      },
      state: () => tenantState(db, organizationId, list!.id, syncId),
    };
  }

  return {
    db,
    engine,
    logger,
    secretBox,
    tenant,
    getRun: async (runId: string) => (await db.select().from(syncRuns).where(eq(syncRuns.id, runId)))[0]!,
    close: () => handle.close(),
  };
}

export type Harness = ReturnType<typeof createHarness>;

/** The harness over a fresh test database of its own (`createTestDatabase`); `close()` drops that database too. */
export async function createTestHarness(options: Parameters<typeof createHarness>[1] = {}): Promise<Harness> {
  const tdb = await createTestDatabase();
  const h = createHarness(tdb.url, options);
  return {
    ...h,
    async close() {
      await h.close();
      await tdb.drop();
    },
  };
}
export type Tenant = Awaited<ReturnType<Harness['tenant']>>;

/**
 * What a sync left in its organization, in a form that compares across organizations: leads (email → status and
 * names), the list's members, and the live source records the sync tracks (source id → lead email; records seen
 * deleted at the source are left out).
 */
export async function tenantState(db: Database, organizationId: string, listId: string, syncId: string) {
  const leadRows = await db
    .select()
    .from(leads)
    .where(eq(leads.organizationId, organizationId))
    .orderBy(asc(leads.email));
  const members = await db
    .select({ email: leads.email })
    .from(listMemberships)
    .innerJoin(leads, eq(leads.id, listMemberships.leadId))
    .where(eq(listMemberships.mailingListId, listId))
    .orderBy(asc(leads.email));
  const tracked = await db
    .select({ sourceId: sourceRecords.sourceId, email: leads.email })
    .from(sourceRecords)
    .leftJoin(leads, eq(leads.id, sourceRecords.leadId))
    .where(and(eq(sourceRecords.syncId, syncId), isNull(sourceRecords.deletedAt)))
    .orderBy(asc(sourceRecords.sourceId));
  return {
    leads: Object.fromEntries(
      leadRows.map((l) => [l.email, { status: l.status, firstName: l.firstName, lastName: l.lastName }]),
    ),
    members: members.map((m) => m.email),
    tracked: Object.fromEntries(tracked.map((t) => [t.sourceId, t.email])),
  };
}

/** The run's counters in one object, for a single `toEqual`. */
export function totals(run: SyncRun) {
  const { totals, ignoredBreakdown } = runCounters(run);
  return { ...totals, ...ignoredBreakdown };
}

/** The invariants of DESIGN.md section 2; returns the broken ones (empty when all hold). */
export function invariantViolations(run: SyncRun): string[] {
  const problems: string[] = [];
  const sum = run.newLeads + run.reAdded + run.duplicate + run.ignored;
  if (run.total !== sum) problems.push(`total ${run.total} != new+re_added+duplicate+ignored ${sum}`);
  const breakdown =
    run.bounced + run.doNotMail + run.groupEmail + run.fileDuplicate + run.emptyEmail + run.invalidPattern;
  if (run.ignored !== breakdown) problems.push(`ignored ${run.ignored} != sum of reasons ${breakdown}`);
  return problems;
}

/**
 * "Nothing half-written": the run's stored records agree with its counters one by one, no source record appears
 * twice in a run, `processedCount` counts exactly the stored in-scope records, and every lead the run reports as
 * new / re-added / duplicate is active and on the list.
 */
export async function consistencyViolations(db: Database, run: SyncRun, listId: string): Promise<string[]> {
  const problems = invariantViolations(run);
  const rows = await db.execute<{ outcome: string; reason: string | null; n: number }>(sql`
    select outcome, reason, count(*)::int as n from run_records where run_id = ${run.id} group by outcome, reason`);
  const count = (outcome: string, reason?: string) =>
    rows
      .filter((r) => r.outcome === outcome && (reason === undefined || r.reason === reason))
      .reduce((a, r) => a + r.n, 0);
  const expect = (what: string, stored: number, counter: number) => {
    if (stored !== counter) problems.push(`${what}: ${stored} run records but the counter says ${counter}`);
  };
  expect('new', count('new'), run.newLeads);
  expect('re_added', count('re_added'), run.reAdded);
  expect('duplicate', count('duplicate'), run.duplicate);
  expect('ignored', count('ignored'), run.ignored);
  expect('deleted', count('deleted'), run.deleted);
  expect('bounced', count('ignored', 'bounced'), run.bounced);
  expect('do_not_mail', count('ignored', 'do_not_mail'), run.doNotMail);
  expect('group_email', count('ignored', 'group_email'), run.groupEmail);
  expect('file_duplicate', count('ignored', 'file_duplicate'), run.fileDuplicate);
  expect('empty_email', count('ignored', 'empty_email'), run.emptyEmail);
  expect('invalid_pattern', count('ignored', 'invalid_pattern'), run.invalidPattern);
  const inScope = count('new') + count('re_added') + count('duplicate') + count('ignored');
  expect('processed', inScope, run.processedCount);

  const [twice] = await db.execute<{ n: number }>(sql`
    select count(*)::int as n from (
      select source_id from run_records where run_id = ${run.id} group by source_id having count(*) > 1) d`);
  if ((twice?.n ?? 0) > 0) problems.push(`${twice?.n} source records appear twice in the run`);

  const [orphans] = await db.execute<{ n: number }>(sql`
    select count(*)::int as n from run_records r
    left join leads l on l.id = r.lead_id
    left join list_memberships m on m.lead_id = r.lead_id and m.mailing_list_id = ${listId}
    where r.run_id = ${run.id} and r.outcome in ('new', 're_added', 'duplicate')
      and (l.id is null or l.status <> 'active' or m.lead_id is null)`);
  if ((orphans?.n ?? 0) > 0) problems.push(`${orphans?.n} imported records have no active listed lead`);
  return problems;
}

/** Run records of a run in order: (seq, source id, outcome, reason). */
export async function recordsOf(db: Database, runId: string) {
  return db
    .select({
      seq: runRecords.seq,
      sourceId: runRecords.sourceId,
      email: runRecords.email,
      outcome: runRecords.outcome,
      reason: runRecords.reason,
    })
    .from(runRecords)
    .where(and(eq(runRecords.runId, runId)))
    .orderBy(asc(runRecords.seq));
}

/** Leads of an organization (count), for "nothing written" checks. */
export async function leadCount(db: Database, organizationId: string): Promise<number> {
  const [row] = await db.execute<{ n: number }>(
    sql`select count(*)::int as n from leads where organization_id = ${organizationId}`,
  );
  return row?.n ?? 0;
}
