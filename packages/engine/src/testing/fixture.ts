import { randomBytes } from 'node:crypto';
import type { ConnectorRegistry, Logger } from '@leadsync/connector-sdk';
import { connectorRegistry } from '@leadsync/connectors';
import { createDatabase, type DatabaseHandle, SecretBox } from '@leadsync/db';
import {
  connections,
  type FieldMappingEntry,
  type ImportMode,
  leads,
  listMemberships,
  mailingLists,
  organizations,
  runCounters,
  type SyncRun,
  syncs,
  type UpdatePolicy,
} from '@leadsync/db/schema';
import { createTestDatabase, type TestDatabase } from '@leadsync/testing/db';
import { and, asc, eq } from 'drizzle-orm';
import { createEngine, type Engine, type EngineDeps } from '../engine.ts';
import type { ExecuteRunOptions } from '../run/execute.ts';
import { createSealedConnection, type SyncSource } from './seed.ts';

export type { SyncSource } from './seed.ts';

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** A sync of createSync: its connection, list and source organization, and what differs from the defaults. */
export interface SyncInput {
  connectionId: string;
  mailingListId: string;
  sourceOrganizationId: string;
  fieldMapping?: FieldMappingEntry[];
  importMode?: ImportMode;
  criteria?: Record<string, unknown>;
  updatePolicy?: UpdatePolicy;
  retrieveFrom?: Date;
  organizationId?: string;
  deletionGuardPercent?: number;
  /** Hours between full listings for deletions (default the schema's, 24). */
  deletionCheckHours?: number;
  activeRecordsOnly?: boolean;
}

/** What createSyncOver passes on to createSync. */
export type SyncOptions = Omit<SyncInput, 'connectionId' | 'mailingListId' | 'sourceOrganizationId'>;

/** A test database, an organization, an engine over the real connector registry; `close()` in afterAll. */
export async function createFixture(
  options: {
    registry?: ConnectorRegistry;
    engine?: Pick<EngineDeps, 'maxEmptyPages' | 'writeUnitRecords'>;
  } = {},
) {
  const tdb: TestDatabase = await createTestDatabase();
  const handle: DatabaseHandle = createDatabase(tdb.url, { max: 4 });
  const { db } = handle;
  const secretBox = new SecretBox(randomBytes(32));
  const engineDeps: EngineDeps = {
    db,
    secretBox,
    registry: options.registry ?? connectorRegistry,
    allowedHosts: ['127.0.0.1', 'localhost', '::1'],
    logger: silentLogger,
    ...options.engine,
  };
  const engine: Engine = createEngine(engineDeps);

  /** Another engine over the fixture's database, secret box and connectors (another process's), with `deps`. */
  function createOtherEngine(deps: Partial<EngineDeps> = {}): Engine {
    return createEngine({ ...engineDeps, ...deps });
  }

  async function createOrganization(name = 'Acme') {
    const [org] = await db.insert(organizations).values({ name }).returning();
    return org!;
  }

  const org = await createOrganization();

  async function createList(name: string, organizationId = org.id) {
    const [list] = await db.insert(mailingLists).values({ organizationId, name }).returning();
    return list!;
  }

  async function createConnection(
    connectorId: string,
    credentials: unknown,
    settings: Record<string, unknown>,
    organizationId = org.id,
  ) {
    return createSealedConnection(db, secretBox, organizationId, { connectorId, credentials, settings });
  }

  async function createSync(input: SyncInput) {
    const [sync] = await db
      .insert(syncs)
      .values({
        organizationId: input.organizationId ?? org.id,
        connectionId: input.connectionId,
        mailingListId: input.mailingListId,
        sourceOrganizationId: input.sourceOrganizationId,
        name: 'Test sync',
        importMode: input.importMode ?? 'all',
        criteria: input.criteria,
        fieldMapping: input.fieldMapping ?? [
          { source: 'email', target: 'email' },
          { source: 'first_name', target: 'firstName' },
          { source: 'last_name', target: 'lastName' },
        ],
        schedule: { frequency: 'DAILY', time: '06:00', timeZone: 'UTC' },
        retrieveFrom: input.retrieveFrom,
        updatePolicy: input.updatePolicy ?? 'overwrite',
        deletionGuardPercent: input.deletionGuardPercent,
        status: 'active',
        ...(input.deletionCheckHours === undefined ? {} : { deletionCheckHours: input.deletionCheckHours }),
        activeRecordsOnly: input.activeRecordsOnly ?? false,
      })
      .returning();
    return sync!;
  }

  let listsOfSyncs = 0;

  /**
   * A sync over `source`: a list (named `list`, else 'List N', N counting), a connection of the source's connector and
   * a sync of it into the list, in `options.organizationId` or the fixture's organization; the other options go to
   * createSync.
   */
  async function createSyncOver(source: SyncSource, options: SyncOptions & { list?: string } = {}) {
    const { list: listName = `List ${++listsOfSyncs}`, ...sync } = options;
    const organizationId = options.organizationId ?? org.id;
    const list = await createList(listName, organizationId);
    const connection = await createConnection(
      source.connectorId,
      source.credentials ?? {},
      source.settings,
      organizationId,
    );
    const created = await createSync({
      ...sync,
      organizationId,
      connectionId: connection.id,
      mailingListId: list.id,
      sourceOrganizationId: source.sourceOrganizationId,
    });
    return { list, connection, sync: created };
  }

  async function run(
    syncId: string,
    options: { dryRun?: boolean; execute?: ExecuteRunOptions; organizationId?: string } = {},
  ): Promise<SyncRun> {
    const queued = await engine.queueRun(options.organizationId ?? org.id, syncId, {
      trigger: options.dryRun ? 'preview' : 'manual',
      dryRun: options.dryRun,
    });
    return engine.executeRun(queued.id, options.execute);
  }

  /** The organization's leads: email → { status, firstName, lastName, fields }. */
  async function leadsByEmail(organizationId = org.id) {
    const rows = await db
      .select()
      .from(leads)
      .where(eq(leads.organizationId, organizationId))
      .orderBy(asc(leads.email));
    return Object.fromEntries(
      rows.map((l) => [
        l.email,
        { status: l.status, firstName: l.firstName, lastName: l.lastName, fields: l.fields },
      ]),
    );
  }

  async function listEmails(mailingListId: string): Promise<string[]> {
    const rows = await db
      .select({ email: leads.email })
      .from(listMemberships)
      .innerJoin(leads, eq(leads.id, listMemberships.leadId))
      .where(and(eq(listMemberships.mailingListId, mailingListId)))
      .orderBy(asc(leads.email));
    return rows.map((r) => r.email);
  }

  async function setSettings(connectionId: string, settings: Record<string, unknown>) {
    await db.update(connections).set({ settings }).where(eq(connections.id, connectionId));
  }

  return {
    db,
    /** The test database's URL, for a session of one's own (a worker holding a lock). */
    url: tdb.url,
    setSettings,
    engine,
    createOtherEngine,
    secretBox,
    org,
    createOrganization,
    createList,
    createConnection,
    createSync,
    createSyncOver,
    run,
    leadsByEmail,
    listEmails,
    async close() {
      await handle.close();
      await tdb.drop();
    },
  };
}

export type Fixture = Awaited<ReturnType<typeof createFixture>>;

/** The run's totals in the GraphQL shape, for one `toEqual`. */
export function totals(run: SyncRun) {
  const { totals, ignoredBreakdown } = runCounters(run);
  return { ...totals, ignoredBreakdown };
}

/** Throws unless the run's counters keep the invariants of DESIGN.md section 2. */
export function assertInvariants(run: SyncRun): void {
  const sum = run.newLeads + run.reAdded + run.duplicate + run.ignored;
  const ignored =
    run.bounced + run.doNotMail + run.groupEmail + run.fileDuplicate + run.emptyEmail + run.invalidPattern;
  if (run.total !== sum || run.ignored !== ignored) {
    throw new Error(`run totals break the invariants: ${JSON.stringify(totals(run))}`);
  }
}

/** Throws unless the run succeeded (saying its status and error) and its counters keep the invariants; the run. */
export function assertSucceeded(run: SyncRun): SyncRun {
  if (run.status !== 'succeeded') throw new Error(`the run is ${run.status}: ${run.error ?? 'no error'}`);
  assertInvariants(run);
  return run;
}

/** A CSV text from rows of cells (quotes what needs it). */
export function csv(header: string[], rows: string[][]): string {
  const cell = (v: string) => (/[",\n\r]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
  return [header, ...rows].map((r) => r.map(cell).join(',')).join('\n');
}
