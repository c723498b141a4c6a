// The sync operations of the GraphQL API (each query and mutation on a sync, its checks, its cost estimate). Over 300
// lines: one service per domain type, as the other modules; each method is a few lines over the shared definition
// check, and splitting them by verb would scatter the rules a sync's fields obey.
import type { FieldDescriptor } from '@leadsync/connector-sdk';
import {
  type Criteria,
  criteriaFields,
  criteriaSchema,
  earliestRetrieveFrom,
  scheduleSchema,
} from '@leadsync/core';
import { countLiveSourceRecords } from '@leadsync/db';
import {
  ConnectionRepository,
  isForeignKeyViolation,
  MailingListRepository,
  SyncRepository,
  SyncRunRepository,
} from '@leadsync/db/repositories';
import type {
  Connection as ConnectionRow,
  Sync as SyncRow,
  SyncRun as SyncRunRow,
  SyncSchedule,
} from '@leadsync/db/schema';
import { z } from 'zod';
import type { ApiDeps } from '../../graphql/deps.ts';
import { badInput, conflict } from '../../graphql/errors.ts';
import { parse } from '../../graphql/validation.ts';
import { connectionNotFound } from '../connections/connection.errors.ts';
import { mailingListNotFound } from '../mailing-lists/mailing-list.errors.ts';
import {
  connectionNeedsNewKey,
  criteriaRequired,
  criteriaWithoutCriteriaMode,
  importModeIsFixed,
  syncIsDraft,
  syncIsInactive,
  syncNotFound,
} from './sync.errors.ts';

import { type CostEstimate, type Sync, UpdatePolicy } from './sync.type.ts';
import {
  checkActiveOnlyReads,
  checkCriteriaFields,
  checkMapping,
  checkRetrieveFrom,
  fieldMappingSchema,
} from './sync.validation.ts';

/** Why a person's `deactivateSync` made a sync inactive. */
export const DEACTIVATED_BY_USER = 'deactivated';

const createSyncSchema = z.object({
  name: z.string().trim().min(1, 'a name is required').max(200, 'at most 200 characters'),
  connectionId: z.string().min(1),
  sourceOrganizationId: z.string().trim().min(1, 'a source organization is required'),
  importMode: z.enum(['all', 'criteria']),
  criteria: criteriaSchema.nullish(),
  mailingListId: z.string().min(1),
  fieldMapping: fieldMappingSchema,
  schedule: scheduleSchema,
  retrieveFrom: z.date().nullish(),
  updatePolicy: z.enum(['overwrite', 'fill_empty', 'never']).nullish(),
  activeRecordsOnly: z.boolean().nullish(),
  /** A draft saved part-way through the wizard: the step to reopen at (0 details … 3 review). */
  setupStep: z.number().int().min(0).max(3).nullish(),
});

const deletionGuardSchema = z.object({
  percent: z.number().int('a whole number').min(0, 'at least 0').max(100, 'at most 100'),
});

type CreateSyncFields = z.infer<typeof createSyncSchema>;

/**
 * `createSyncSchema`, except that a draft saved before the mapping step (setupStep 0 or 1) may have no mapping yet
 * (initiating needs one).
 */
function parseSyncInput(raw: unknown): CreateSyncFields & { mappingPending: boolean } {
  const draft = parse(createSyncSchema.extend({ fieldMapping: z.array(z.unknown()).max(200) }), raw, 'input');
  const mappingPending = draft.fieldMapping.length === 0 && draft.setupStep != null && draft.setupStep <= 1;
  const fieldMapping = mappingPending
    ? []
    : parse(fieldMappingSchema, draft.fieldMapping, 'input.fieldMapping');
  return { ...draft, fieldMapping, mappingPending };
}

export function toSync(row: SyncRow): Sync {
  return {
    id: row.id,
    name: row.name,
    status: row.status as Sync['status'],
    inactiveReason: row.inactiveReason,
    sourceOrganizationId: row.sourceOrganizationId,
    importMode: row.importMode as Sync['importMode'],
    criteria: row.criteria,
    fieldMapping: row.fieldMapping,
    schedule: {
      frequency: row.schedule.frequency as Sync['schedule']['frequency'],
      time: row.schedule.time ?? null,
      timeZone: row.schedule.timeZone,
      weekday: row.schedule.weekday ?? null,
      dayOfMonth: row.schedule.dayOfMonth ?? null,
    },
    retrieveFrom: row.retrieveFrom,
    fullRereadPending: row.highWaterMark === null,
    setupStep: row.status === 'draft' ? row.setupStep : null,
    nextRunAt: row.nextRunAt,
    updatePolicy: row.updatePolicy as UpdatePolicy,
    deletionGuardPercent: row.deletionGuardPercent,
    deletionsConfirmed: row.deletionsConfirmedAt !== null,
    deletionCheckHours: row.deletionCheckHours,
    activeRecordsOnly: row.activeRecordsOnly,
    createdAt: row.createdAt,
    connectionId: row.connectionId,
    mailingListId: row.mailingListId,
  };
}

/**
 * The columns of `syncs` each field of the GraphQL `Sync` reads through toSync, for the `syncs` list's projection
 * (issue 22). A field not listed reads every column (columnsOf), so it is right before it is fast; the fields
 * resolved from ids read the id.
 */
export const SYNC_FIELD_COLUMNS: Readonly<Record<string, readonly (keyof SyncRow)[]>> = {
  id: ['id'],
  name: ['name'],
  status: ['status'],
  inactiveReason: ['inactiveReason'],
  sourceOrganizationId: ['sourceOrganizationId'],
  importMode: ['importMode'],
  criteria: ['criteria'],
  fieldMapping: ['fieldMapping'],
  schedule: ['schedule'],
  retrieveFrom: ['retrieveFrom'],
  fullRereadPending: ['highWaterMark'],
  setupStep: ['status', 'setupStep'],
  nextRunAt: ['nextRunAt'],
  updatePolicy: ['updatePolicy'],
  deletionGuardPercent: ['deletionGuardPercent'],
  deletionsConfirmed: ['deletionsConfirmedAt'],
  deletionCheckHours: ['deletionCheckHours'],
  activeRecordsOnly: ['activeRecordsOnly'],
  createdAt: ['createdAt'],
  connection: ['connectionId'],
  mailingList: ['mailingListId'],
  lastRun: ['id'],
  runs: ['id'],
};

/** What toSync reads whatever is selected. */
export const SYNC_BASE_COLUMNS: readonly (keyof SyncRow)[] = ['id', 'schedule'];

export interface RetrievalChange {
  schedule?: unknown;
  retrieveFrom?: Date | null;
  criteria?: Record<string, unknown> | null;
  importMode?: 'all' | 'criteria' | null;
  activeRecordsOnly?: boolean | null;
}

export class SyncService {
  readonly syncs: SyncRepository;
  private readonly connections: ConnectionRepository;
  private readonly lists: MailingListRepository;
  private readonly now: () => Date;

  constructor(
    private readonly deps: ApiDeps,
    private readonly organizationId: string,
  ) {
    this.syncs = new SyncRepository(deps.db, organizationId);
    this.connections = new ConnectionRepository(deps.db, organizationId);
    this.lists = new MailingListRepository(deps.db, organizationId);
    this.now = deps.now ?? (() => new Date());
  }

  /** Given `columns` (SYNC_FIELD_COLUMNS of a selection), the rows hold only those: for toSync of that selection. */
  list(columns?: readonly (keyof SyncRow)[]): Promise<SyncRow[]> {
    return this.syncs.list(columns);
  }

  find(id: string): Promise<SyncRow | undefined> {
    return this.syncs.get(id);
  }

  async get(id: string): Promise<SyncRow> {
    const row = await this.syncs.get(id);
    if (!row) throw syncNotFound(id);
    return row;
  }

  private async connectionOf(connectionId: string): Promise<ConnectionRow> {
    const connection = await this.connections.get(connectionId);
    if (!connection) throw connectionNotFound(connectionId);
    return connection;
  }

  private connector(connection: ConnectionRow) {
    return this.deps.registry.get(connection.connectorId);
  }

  private async sourceFields(
    connection: ConnectionRow,
    sourceOrganizationId: string,
  ): Promise<FieldDescriptor[]> {
    const ctx = this.deps.engine.connectorContext(connection);
    return this.connector(connection).fields(ctx, sourceOrganizationId);
  }

  /**
   * Checks a whole sync definition against its connection, list and source (for `createSync` and a draft's
   * `updateSyncDraft`) and returns the row values; `createdAt` is what the retrieval window is measured from.
   */
  private async definition(input: ReturnType<typeof parseSyncInput>, createdAt: Date) {
    const connection = await this.connectionOf(input.connectionId);
    if (!(await this.lists.get(input.mailingListId))) throw mailingListNotFound(input.mailingListId);
    const connector = this.connector(connection);

    if (input.importMode === 'all' && input.criteria) throw criteriaWithoutCriteriaMode('input.criteria');
    if (input.importMode === 'criteria' && !input.criteria) throw criteriaRequired('input.criteria');

    const ctx = this.deps.engine.connectorContext(connection);
    const organizations = await connector.listOrganizations(ctx);
    if (!organizations.some((organization) => organization.id === input.sourceOrganizationId)) {
      throw badInput(
        'input.sourceOrganizationId',
        `The connection has no source organization "${input.sourceOrganizationId}"`,
      );
    }
    const fields = await this.sourceFields(connection, input.sourceOrganizationId);
    if (!input.mappingPending) checkMapping(input.fieldMapping, fields, 'input.fieldMapping');
    if (input.criteria) checkCriteriaFields(input.criteria, fields, 'input.criteria');
    const maxLookbackDays = connector.capabilities.maxLookbackDays;
    checkRetrieveFrom(
      input.retrieveFrom,
      createdAt,
      maxLookbackDays,
      connector.displayName,
      'input.retrieveFrom',
    );
    const activeRecordsOnly = input.activeRecordsOnly ?? false;
    if (activeRecordsOnly) checkActiveOnlyReads(connector, 'input.activeRecordsOnly');
    return {
      name: input.name,
      connectionId: connection.id,
      sourceOrganizationId: input.sourceOrganizationId,
      importMode: input.importMode,
      criteria: (input.criteria ?? null) as unknown as Record<string, unknown> | null,
      mailingListId: input.mailingListId,
      fieldMapping: input.fieldMapping,
      schedule: input.schedule as SyncSchedule,
      // DESIGN.md §3: without a date, a source with a look-back limit reads from the earliest day it allows.
      retrieveFrom: input.retrieveFrom ?? earliestRetrieveFrom({ createdAt, maxLookbackDays }),
      updatePolicy: input.updatePolicy ?? 'overwrite',
      activeRecordsOnly,
      setupStep: input.setupStep ?? null,
    };
  }

  async create(raw: unknown): Promise<SyncRow> {
    const input = parseSyncInput(raw);
    const createdAt = this.now();
    const values = await this.definition(input, createdAt);
    try {
      return await this.syncs.create({ ...values, createdAt });
    } catch (error) {
      if (isForeignKeyViolation(error, 'syncs_mailing_list_fk'))
        throw mailingListNotFound(input.mailingListId);
      if (isForeignKeyViolation(error, 'syncs_connection_fk')) throw connectionNotFound(input.connectionId);
      throw error;
    }
  }

  /**
   * "Save and continue": a DRAFT's whole definition replaced (the wizard's answers so far, the import mode
   * included, since the sync was never initiated) with the step to reopen at.
   */
  async updateDraft(id: string, raw: unknown): Promise<SyncRow> {
    const sync = await this.get(id);
    if (sync.status !== 'draft')
      throw conflict('Only a draft can be saved from the wizard: this sync was initiated');
    const input = parseSyncInput(raw);
    const values = await this.definition(input, sync.createdAt);
    try {
      const updated = await this.syncs.update(id, values);
      if (!updated) throw syncNotFound(id);
      return updated;
    } catch (error) {
      if (isForeignKeyViolation(error, 'syncs_mailing_list_fk'))
        throw mailingListNotFound(input.mailingListId);
      if (isForeignKeyViolation(error, 'syncs_connection_fk')) throw connectionNotFound(input.connectionId);
      throw error;
    }
  }

  /** A sync needs its email mapping before it runs (a draft saved before the mapping step has none). */
  private assertMapped(sync: SyncRow) {
    if (!sync.fieldMapping.some((entry) => entry.target === 'email'))
      throw badInput('fieldMapping', 'Finish the field mapping first: a source field must map to email');
  }

  /** Schedules the sync's job (the scheduler stores `next_run_at`), then reads the sync back. */
  private async schedule(sync: SyncRow): Promise<SyncRow> {
    await this.deps.scheduler.scheduleSync(sync);
    return this.get(sync.id);
  }

  private async activeConnection(sync: SyncRow): Promise<ConnectionRow> {
    const connection = await this.connections.get(sync.connectionId);
    if (!connection) throw connectionNotFound(sync.connectionId);
    if (connection.status !== 'active') throw connectionNeedsNewKey();
    return connection;
  }

  /**
   * DRAFT → ACTIVE: the first import starts at once (a queued run), then the schedule takes over (DESIGN.md §3). A
   * ONCE schedule runs once: without a time that one run is the first import, now; with a time, it runs then.
   * Initiating an active sync changes nothing.
   */
  async initiate(id: string): Promise<SyncRow> {
    const sync = await this.get(id);
    if (sync.status === 'active') return sync;
    if (sync.status === 'inactive')
      throw conflict('This sync was initiated before and is inactive: activate it');
    this.assertMapped(sync);
    const connection = await this.activeConnection(sync);
    const activated = await this.syncs.activate(id);
    if (!activated) throw syncNotFound(id);
    const once = activated.schedule.frequency === 'ONCE';
    if (!once || !activated.schedule.time) {
      // A ONCE sync's import is its scheduled run, so the schedule knows it has run and stops.
      const run = await this.deps.engine.queueRun(this.organizationId, id, {
        trigger: once ? 'schedule' : 'initiate',
      });
      if (run.status === 'queued') await this.deps.scheduler.enqueueRun(run, connection.connectorId);
    }
    return this.schedule(activated);
  }

  async activate(id: string): Promise<SyncRow> {
    const sync = await this.get(id);
    if (sync.status === 'active') return sync;
    await this.activeConnection(sync);
    const activated = await this.syncs.activate(id);
    if (!activated) throw syncNotFound(id);
    return this.schedule(activated);
  }

  async deactivate(id: string): Promise<SyncRow> {
    const sync = await this.get(id);
    if (sync.status === 'draft') throw syncIsDraft();
    if (sync.status === 'inactive') return sync;
    const deactivated = await this.syncs.deactivate(id, DEACTIVATED_BY_USER);
    if (!deactivated) throw syncNotFound(id);
    await this.deps.scheduler.unscheduleSync(this.organizationId, id);
    return deactivated;
  }

  /** Every inactive sync of the connection becomes active and scheduled (after a new key, say). */
  async activateAll(connectionId: string): Promise<SyncRow[]> {
    const connection = await this.connections.get(connectionId);
    if (!connection) throw connectionNotFound(connectionId);
    if (connection.status !== 'active') throw connectionNeedsNewKey();
    const activated = await this.syncs.activateAllOfConnection(connectionId);
    for (const sync of activated) await this.deps.scheduler.scheduleSync(sync);
    const fresh = await this.syncs.getMany(activated.map((sync) => sync.id));
    return fresh.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id));
  }

  async delete(id: string): Promise<boolean> {
    await this.get(id);
    await this.deps.scheduler.unscheduleSync(this.organizationId, id);
    return this.syncs.delete(id);
  }

  async updateName(id: string, rawName: string): Promise<SyncRow> {
    const name = parse(createSyncSchema.shape.name, rawName, 'name');
    const updated = await this.syncs.update(id, { name });
    if (!updated) throw syncNotFound(id);
    return updated;
  }

  async updateMapping(id: string, rawMapping: unknown): Promise<SyncRow> {
    const sync = await this.get(id);
    const mapping = parse(fieldMappingSchema, rawMapping, 'fieldMapping');
    const connection = await this.connectionOf(sync.connectionId);
    checkMapping(mapping, await this.sourceFields(connection, sync.sourceOrganizationId), 'fieldMapping');
    const changed = JSON.stringify(mapping) !== JSON.stringify(sync.fieldMapping);
    const updated = await this.syncs.update(id, { fieldMapping: mapping, reread: changed });
    if (!updated) throw syncNotFound(id);
    return updated;
  }

  /**
   * Schedule, retrieval window and criteria values; the import mode stays what it was at creation. DESIGN.md §3:
   * after a change of criteria, mapping or retrieval date the next run reads the whole window again, so widened
   * criteria and newly mapped fields reach records the source has not changed since (`reread`).
   */
  async updateRetrieval(id: string, change: RetrievalChange): Promise<SyncRow> {
    const sync = await this.get(id);
    if (change.importMode && change.importMode !== sync.importMode)
      throw importModeIsFixed('importMode', sync.importMode);
    const patch: Parameters<SyncRepository['update']>[1] = {};
    if (change.schedule != null)
      patch.schedule = parse(scheduleSchema, change.schedule, 'schedule') as SyncSchedule;
    if (change.criteria !== undefined) {
      if (sync.importMode === 'all' && change.criteria !== null) throw importModeIsFixed('criteria', 'all');
      if (sync.importMode === 'criteria') {
        if (change.criteria === null) throw importModeIsFixed('criteria', 'criteria');
        const criteria = parse(criteriaSchema, change.criteria, 'criteria');
        const connection = await this.connectionOf(sync.connectionId);
        checkCriteriaFields(
          criteria,
          await this.sourceFields(connection, sync.sourceOrganizationId),
          'criteria',
        );
        if (JSON.stringify(criteria) !== JSON.stringify(sync.criteria)) {
          patch.criteria = criteria as unknown as Record<string, unknown>;
          patch.reread = true;
        }
      }
    }
    if (change.retrieveFrom !== undefined) {
      const connector = this.connector(await this.connectionOf(sync.connectionId));
      const maxLookbackDays = connector.capabilities.maxLookbackDays;
      checkRetrieveFrom(
        change.retrieveFrom,
        sync.createdAt,
        maxLookbackDays,
        connector.displayName,
        'retrieveFrom',
      );
      // A cleared date means "as far back as allowed": the earliest day for a source with a look-back limit.
      const retrieveFrom =
        change.retrieveFrom ?? earliestRetrieveFrom({ createdAt: sync.createdAt, maxLookbackDays });
      if (retrieveFrom?.getTime() !== sync.retrieveFrom?.getTime()) {
        patch.retrieveFrom = retrieveFrom;
        patch.reread = true;
      }
    }
    if (change.activeRecordsOnly != null && change.activeRecordsOnly !== sync.activeRecordsOnly) {
      const activeRecordsOnly = parse(z.boolean(), change.activeRecordsOnly, 'activeRecordsOnly');
      if (activeRecordsOnly)
        checkActiveOnlyReads(this.connector(await this.connectionOf(sync.connectionId)), 'activeRecordsOnly');
      // Inactive records now read (or no longer read): the whole window is read again, like a change of criteria.
      patch.activeRecordsOnly = activeRecordsOnly;
      patch.reread = true;
    }
    const updated = await this.syncs.update(id, patch);
    if (!updated) throw syncNotFound(id);
    return updated.status === 'active' && patch.schedule ? this.schedule(updated) : updated;
  }

  /** The share (percent, 0–100) of the sync's records that one run may delete without a person's confirmation. */
  async updateDeletionGuard(id: string, percent: number): Promise<SyncRow> {
    const input = parse(deletionGuardSchema, { percent }, '');
    const updated = await this.syncs.update(id, { deletionGuardPercent: input.percent });
    if (!updated) throw syncNotFound(id);
    return updated;
  }

  /** A person confirms held deletions: the next run of the sync deletes whatever its listing finds gone. */
  async confirmDeletions(id: string): Promise<SyncRow> {
    const updated = await this.syncs.update(id, { deletionsConfirmedAt: new Date() });
    if (!updated) throw syncNotFound(id);
    return updated;
  }

  /** Hours between full listings that look for deletions (0: every run); at most 30 days. */
  async updateDeletionCheck(id: string, hours: number): Promise<SyncRow> {
    if (!Number.isInteger(hours) || hours < 0 || hours > 720)
      throw badInput(
        'hours',
        'The deletion period is a whole number of hours from 0 (every run) to 720 (30 days).',
      );
    const updated = await this.syncs.update(id, { deletionCheckHours: hours });
    if (!updated) throw syncNotFound(id);
    return updated;
  }

  async updatePolicy(id: string, policy: UpdatePolicy): Promise<SyncRow> {
    const updated = await this.syncs.update(id, { updatePolicy: policy });
    if (!updated) throw syncNotFound(id);
    return updated;
  }

  /**
   * The connector's estimate of what the next run costs at the source (records, requests), counting the detail
   * requests the mapping and criteria need; `null` when the connector cannot estimate.
   */
  async estimateCost(id: string): Promise<CostEstimate | null> {
    const sync = await this.get(id);
    const connection = await this.connectionOf(sync.connectionId);
    const connector = this.connector(connection);
    if (!connector.estimateCost) return null;
    const fields = new Set(sync.fieldMapping.map((entry) => entry.source));
    if (sync.criteria) {
      for (const field of criteriaFields(sync.criteria as unknown as Criteria)) fields.add(field);
    }
    // What the last run learned spares the source a listing; the deletion listing is counted when it is due.
    const last = await new SyncRunRepository(this.deps.db, this.organizationId).latestSucceeded(sync.id);
    const tracked = await countLiveSourceRecords(this.deps.db, {
      organizationId: this.organizationId,
      syncId: sync.id,
    });
    const periodMs = sync.deletionCheckHours * 3_600_000;
    const deletionDue =
      connector.capabilities.detectsDeletes &&
      tracked > 0 &&
      (!sync.deletionsCheckedAt || this.now().getTime() - sync.deletionsCheckedAt.getTime() >= periodMs);
    // The last run tells what the next one reads only when both read the same way (everything, or changes only).
    const lastSince = (last?.checkpoint as { since?: unknown } | null | undefined)?.since;
    const lastFull = typeof lastSince !== 'string';
    const nextFull = !sync.highWaterMark;
    const estimate = await connector.estimateCost(this.deps.engine.connectorContext(connection), {
      organizationId: sync.sourceOrganizationId,
      since: sync.highWaterMark ?? sync.retrieveFrom ?? undefined,
      fields: [...fields],
      ...(last && lastFull === nextFull ? { lastRun: { records: last.readCount, full: lastFull } } : {}),
      deletionListing: deletionDue,
      trackedRecords: tracked,
      activeOnly: sync.activeRecordsOnly,
    });
    return {
      records: estimate.records,
      requests: estimate.requests,
      note: estimate.note ?? null,
      listRequests: estimate.listRequests ?? null,
      detailRequests: estimate.detailRequests ?? null,
      deletionRequests: estimate.deletionRequests ?? null,
      accuracy: estimate.accuracy ?? null,
      dailyQuota: estimate.dailyQuota
        ? { ...estimate.dailyQuota, resetAt: new Date(estimate.dailyQuota.resetAt) }
        : null,
    };
  }

  /** Queues a real run for the worker; at most one per sync is queued or running (that one is returned). */
  async runNow(id: string): Promise<SyncRunRow> {
    const sync = await this.get(id);
    if (sync.status === 'draft') throw syncIsDraft();
    if (sync.status === 'inactive') throw syncIsInactive();
    const connection = await this.activeConnection(sync);
    const run = await this.deps.engine.queueRun(this.organizationId, id, { trigger: 'manual' });
    if (run.status === 'queued') await this.deps.scheduler.enqueueRun(run, connection.connectorId);
    return run;
  }

  /** A dry run of a sync in any status: classifies everything, writes nothing to leads or lists. */
  async preview(id: string): Promise<SyncRunRow> {
    const sync = await this.get(id);
    this.assertMapped(sync);
    const connection = await this.activeConnection(sync);
    const run = await this.deps.engine.queueRun(this.organizationId, id, {
      trigger: 'preview',
      dryRun: true,
    });
    await this.deps.scheduler.enqueueRun(run, connection.connectorId);
    return run;
  }
}
